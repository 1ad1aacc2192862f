import Foundation
import Testing
@testable import VMASnap

/// The index is checked against what it claims before it is trusted
/// (Formats/vmasnap.md §6), and every command gives one damaged file the
/// same verdict: `info`, `dump`, `timeline`, `diff` and `lookup`, run as the
/// CLI on files damaged in each way the second implementer found.
@Suite struct IndexTrustTests {
    /// What every command said about one file.
    struct Verdicts {
        var info: [String: Any]
        var infoText: [String]
        /// Per command other than info: exit status, standard output, warning lines.
        var outputs: [String: (status: Int32, output: String, warnings: [String])]

        /// The warning lines of every command but info, which must all be these.
        func warnings(of command: String) -> [String] { outputs[command]!.warnings }
    }

    static let commands = ["dump", "timeline", "diff", "lookup"]

    /// A recording of 4 processes over 30 rounds in several frames (a flush
    /// every 300 ms), zstd-compressed or stored.
    static func recording(compression: Bool) throws -> (path: String, recording: SyntheticRecording) {
        let path = RecordingReaderTests.temporaryPath("trust")
        let recording = try SyntheticRecording.write(
            to: path, seed: 21, rounds: 30, maximumProcesses: 4, changeChance: 0.3, flushInterval: 300_000_000,
            compression: compression)
        return (path, recording)
    }

    /// Runs every command on `path`; lookups ask each pid at several times.
    static func verdicts(_ path: String, recording: SyntheticRecording) throws -> Verdicts {
        let json = try CommandResult.run(["info", path, "--json"])
        #expect(json.status == 0)
        let info = try InfoDumpCommandTests.object(json.standardOutput)
        let text = try CommandResult.run(["info", path])
        var queries = ""
        for process in recording.processes {
            for time in recording.roundTimes.enumerated().filter({ $0.offset % 5 == 2 }).map(\.element) {
                queries += "\(process.identity.pid) \(TimeText.format(nanoseconds: time + 1)) 0x7f0000001000\n"
            }
        }
        var outputs: [String: (Int32, String, [String])] = [:]
        for command in commands {
            let arguments: [String]
            switch command {
            case "diff": arguments = ["diff", path, "--from", "+0", "--to", "+100"]
            case "lookup": arguments = ["lookup", path, "--stdin"]
            default: arguments = [command, path]
            }
            let result = try CommandResult.run(arguments, input: command == "lookup" ? queries : nil)
            let warnings = result.standardError.split(separator: "\n").map(String.init)
            #expect(warnings.allSatisfy { $0.hasPrefix("vmasnap: warning: ") }, "\(command): \(warnings)")
            outputs[command] = (result.status, result.standardOutput, warnings)
        }
        return Verdicts(info: info, infoText: text.lines, outputs: outputs)
    }

    /// The damaged file's verdicts next to the clean one's.
    static func compare(damaging: (inout RecordingSurgery) throws -> Void, compression: Bool = true) throws
        -> (clean: Verdicts, damaged: Verdicts, path: String)
    {
        let (path, recording) = try recording(compression: compression)
        let clean = try verdicts(path, recording: recording)
        var surgery = try RecordingSurgery(path: path)
        try damaging(&surgery)
        let damagedPath = RecordingReaderTests.temporaryPath("trust-damaged")
        try surgery.write(to: damagedPath)
        return (clean, try verdicts(damagedPath, recording: recording), damagedPath)
    }

    @Test func aCleanFileHasNoWarningAnywhere() throws {
        let (path, recording) = try Self.recording(compression: true)
        let verdicts = try Self.verdicts(path, recording: recording)
        #expect(verdicts.info["index"] as? String == "footer")
        #expect(verdicts.info["index_problem"] is NSNull)
        for command in Self.commands {
            #expect(verdicts.outputs[command]!.status == 0)
            #expect(verdicts.warnings(of: command).isEmpty, "\(command)")
            #expect(!verdicts.outputs[command]!.output.isEmpty, "\(command)")
        }
    }

    /// A FRAMES list that omits a frame (the index otherwise consistent, its
    /// CRC valid): the frames do not tile the file, so opening does not use
    /// the index; every command reads everything by scanning, says so in the
    /// same words, and answers exactly as from the clean file.
    @Test func anIndexThatOmitsAFrameIsNotUsed() throws {
        var omitted = 0
        let (clean, damaged, _) = try Self.compare { surgery in
            var index = try surgery.index()
            omitted = index.frames.count / 2
            omitted = (1..<(index.frames.count - 1)).first { !index.definitionFrames.contains($0) } ?? omitted
            index.frames.remove(at: omitted)
            index.summary.recordsFrames -= 1
            func renumber(_ frame: Int) -> Int { frame > omitted ? frame - 1 : min(frame, max(omitted - 1, 0)) }
            index.definitionFrames = Array(Set(index.definitionFrames.map(renumber))).sorted()
            for number in index.processes.indices {
                index.processes[number].firstFrame = renumber(index.processes[number].firstFrame)
                index.processes[number].lastFrame = renumber(index.processes[number].lastFrame)
                index.processes[number].keyframes = index.processes[number].keyframes.map {
                    RecordingIndex.Keyframe(frame: renumber($0.frame), time: $0.time)
                }
            }
            surgery.replaceIndex(with: index)
        }
        #expect(omitted > 0)
        #expect(damaged.info["index"] as? String == "rebuilt")
        let problem = try #require(damaged.info["index_problem"] as? String)
        #expect(problem.contains("is not the one it lists"), "\(problem)")
        #expect(damaged.info["truncated"] as? Bool == false)
        for key in ["rounds", "snapshots", "records", "frames", "processes"] {
            #expect(damaged.info[key] as? Int == clean.info[key] as? Int, "\(key)")
        }
        #expect(damaged.infoText.contains { $0.hasPrefix("index:") && $0.contains(problem) })
        #expect(damaged.infoText.contains { $0.hasPrefix("cut short:") && $0.hasSuffix("no") })
        let warning = try #require(damaged.warnings(of: "dump").first)
        #expect(warning.contains("its index was not used (\(problem)); the frames were read instead"))
        for command in Self.commands {
            #expect(damaged.outputs[command]!.status == 0, "\(command)")
            #expect(damaged.warnings(of: command) == [warning], "\(command)")
            #expect(damaged.outputs[command]!.output == clean.outputs[command]!.output, "\(command)")
        }
    }

    /// One byte of the last records frame flipped, index intact: opening
    /// checks every frame's CRC, so every command finds it, reads what comes
    /// before it, and says where in the same words; info counts what reads back.
    @Test func aFlippedByteInTheLastFrameIsFoundByEveryCommand() throws {
        var damagedFrame = 0
        let (clean, damaged, _) = try Self.compare { surgery in
            let last = surgery.recordsFrames.last!
            damagedFrame = last.offset
            surgery.bytes[last.offset + last.prefix.length + last.prefix.storedLength / 2] ^= 0x10
        }
        #expect(damaged.info["truncated"] as? Bool == true)
        #expect(damaged.info["truncated_at"] as? Int == damagedFrame)
        let reason = try #require(damaged.info["truncation_reason"] as? String)
        #expect(reason.contains("checksum mismatch"))
        #expect(damaged.info["index"] as? String == "rebuilt")
        #expect(try #require(damaged.info["rounds"] as? Int) < (try #require(clean.info["rounds"] as? Int)))
        #expect(damaged.info["frames"] as? Int == (clean.info["frames"] as? Int).map { $0 - 1 })
        #expect(damaged.infoText.contains { $0.hasPrefix("cut short:") && $0.contains("unreadable from byte \(damagedFrame)") })
        let warning = try #require(damaged.warnings(of: "dump").first)
        #expect(warning.contains("unreadable from byte \(damagedFrame) (\(reason)); what comes before it is used"))
        for command in Self.commands {
            #expect(damaged.outputs[command]!.status == 0, "\(command)")
            #expect(damaged.warnings(of: command) == [warning], "\(command)")
        }
        // dump shows the frames before the damaged one, and nothing of it.
        let dump = damaged.outputs["dump"]!.output
        #expect(clean.outputs["dump"]!.output.hasPrefix(dump))
        #expect(!dump.contains("frame 0x\(String(damagedFrame, radix: 16))") && !dump.contains("at byte \(damagedFrame)"))
    }

    /// A SUMMARY whose round count was altered (CRC valid): only reading
    /// every frame shows it. The commands that do (info, dump, timeline,
    /// diff) compare the index with the frames, do not use it, and say why in
    /// the same words; info reports the rounds the frames hold. A lookup,
    /// which reads only the frames of the pids asked about, never uses the
    /// round count: it answers as from the clean file (§6).
    @Test func aSummaryWithAnotherRoundCountIsFoundByEveryCommandThatReadsAllFrames() throws {
        var rounds: UInt64 = 0
        let (clean, damaged, _) = try Self.compare { surgery in
            var index = try surgery.index()
            rounds = index.summary.rounds
            index.summary.rounds += 1
            surgery.replaceIndex(with: index)
        }
        #expect(damaged.info["rounds"] as? Int == Int(rounds))
        #expect(damaged.info["truncated"] as? Bool == false)
        let problem = try #require(damaged.info["index_problem"] as? String)
        #expect(problem.contains("its SUMMARY counts \(rounds + 1) rounds, the frames hold \(rounds)"), "\(problem)")
        for command in ["dump", "timeline", "diff"] {
            #expect(damaged.outputs[command]!.status == 0)
            #expect(damaged.warnings(of: command).count == 1, "\(command)")
            #expect(damaged.warnings(of: command).first?.contains("its index was not used (\(problem))") == true, "\(command)")
            #expect(damaged.outputs[command]!.output == clean.outputs[command]!.output, "\(command)")
        }
        #expect(damaged.outputs["lookup"]!.status == 0)
        #expect(damaged.warnings(of: "lookup").isEmpty)
        #expect(damaged.outputs["lookup"]!.output == clean.outputs["lookup"]!.output)
    }

    /// A PROCESS record whose snapshot count is wrong, with SUMMARY changed to
    /// match (so the index agrees with itself): a lookup of that pid replays
    /// its frames, finds the index wrong, stops using it, and says so as the
    /// commands that compare the whole index do; every answer is still right.
    @Test func aProcessRecordTheFramesContradictIsFoundByALookupOfItsPID() throws {
        var process = 0
        let (clean, damaged, _) = try Self.compare { surgery in
            var index = try surgery.index()
            process = try #require(index.processes.indices.first { index.processes[$0].goneTime != nil })
            index.processes[process].snapshotCount += 1
            index.summary.snapshots += 1
            surgery.replaceIndex(with: index)
        }
        for command in Self.commands {
            let warnings = damaged.warnings(of: command)
            #expect(warnings.count == 1 && warnings[0].contains("its index was not used")
                && warnings[0].contains("the index does not match the file: process \(process):"), "\(command): \(warnings)")
            #expect(damaged.outputs[command]!.output == clean.outputs[command]!.output, "\(command)")
        }
        #expect((damaged.info["index_problem"] as? String)?.contains("process \(process):") == true)
    }

    /// A DELTA that removes a mapping its process does not have, in a frame
    /// whose CRC was fixed up: only decoding shows it. A lookup of that pid
    /// meets it, and then reads the file as every other command does: up to
    /// that frame, with the same warning.
    @Test func aFrameThatBreaksARuleBehindAValidChecksumIsFoundByALookupOfItsPID() throws {
        var frameOffset = 0
        let (_, damaged, _) = try Self.compare(damaging: { surgery in
            for frame in surgery.recordsFrames {
                var payload = try surgery.payload(ofFrameAt: frame.offset)
                var decoder = RecordDecoder(payload: payload, origin: .file(0))
                while let record = try decoder.next() {
                    guard case .delta(_, let removed, _, _, _) = record, !removed.isEmpty else { continue }
                    // type, body length, process, removed count, then the first removed start.
                    var field = ByteDecoder(payload, origin: .file(0))
                    try field.skip(decoder.recordStart + 1, "")
                    _ = try field.varint("")
                    _ = try field.varint("")
                    _ = try field.varint("")
                    guard payload[field.position] & 0x7F < 0x7F else { continue }
                    payload[field.position] += 1
                    try surgery.replacePayload(ofFrameAt: frame.offset, with: payload)
                    frameOffset = frame.offset
                    return
                }
            }
        }, compression: false)
        #expect(frameOffset > 0)
        #expect(damaged.info["truncated_at"] as? Int == frameOffset)
        let reason = try #require(damaged.info["truncation_reason"] as? String)
        #expect(reason.contains("that the process does not have"), "\(reason)")
        let expected = try #require(damaged.warnings(of: "dump").first { $0.contains("unreadable from byte \(frameOffset)") })
        for command in Self.commands {
            #expect(damaged.outputs[command]!.status == 0, "\(command)")
            #expect(damaged.warnings(of: command).contains(expected), "\(command): \(damaged.warnings(of: command))")
        }
    }
}
