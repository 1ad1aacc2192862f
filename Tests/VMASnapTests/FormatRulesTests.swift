import Foundation
import Testing
@testable import VMASnap

/// The points a second implementer found unclear in Formats/vmasnap.md, as
/// the spec now states them: each checked on the reader and the writer, and
/// where it can be, against the independent decoder (walkthrough.py, written
/// from the spec alone).
@Suite struct FormatRulesTests {
    static let walkthrough = GoldenFileTests.directory.appendingPathComponent("walkthrough.py").path

    /// Runs walkthrough.py with `arguments`.
    static func python(_ arguments: [String], input: String? = nil) throws -> CommandResult {
        try CommandResult.run([walkthrough] + arguments, executable: "/usr/bin/python3", input: input)
    }

    // MARK: A recording with walk delays, and what each process's snapshots were

    /// A recording whose walks begin up to 40 ms into their 50 ms rounds,
    /// stored (not compressed) so that walkthrough.py reads it: changes,
    /// exits (some in a round that also had a change), execs, pid reuse, and
    /// a keyframe interval short enough that listed keyframes follow deltas
    /// of the same frame. Keeps, independently of the writer, every
    /// snapshot's time and set.
    struct DelayedRecording {
        var path: String
        var start: Int64
        var roundTimes: [Int64] = []
        var processes: [RecordedProcess] = []
        /// Per process: each snapshot (time, set), unchanged ones included.
        var snapshots: [[(time: Int64, mappings: [ExecutableMapping])]] = []
        var goneTimes: [Int64?] = []

        /// What section 5 gives for process `number` at `time`.
        func state(of number: Int, at time: Int64) -> [ExecutableMapping]? {
            if let gone = goneTimes[number], gone <= time { return nil }
            return snapshots[number].last { $0.time <= time }?.mappings
        }
    }

    static func delayedRecording(seed: UInt64) throws -> DelayedRecording {
        let path = RecordingReaderTests.temporaryPath("delayed")
        let start: Int64 = 7_000_000_000
        let header = RecordingHeader(
            start: start, referenceRealtime: 1_764_374_400_000_000_000, referenceMonotonic: start, bootID: "b",
            hostName: "h", kernelRelease: "k", options: "o", clockTicksPerSecond: 100, backend: "ioctl",
            flushInterval: 200_000_000, keyframeInterval: 120_000_000)
        let writer = try RecordingWriter(path: path, header: header, compression: false)
        var result = DelayedRecording(path: path, start: start)
        var random = SeededGenerator(seed: seed)
        var live: [Int: [Int: Int]] = [:]   // process -> slot -> variant
        var time = start + 10_000_000
        for round in 0..<60 {
            try writer.beginRound(time: time)
            result.roundTimes.append(time)
            if live.count < 4 && (round == 0 || Int.random(in: 0..<4, using: &random) == 0) {
                let number = result.processes.count
                // Pids 50 and 51 are reused by later processes.
                let process = RecordedProcess(
                    identity: ProcessIdentity(pid: Int32(50 + number % 3), startTime: UInt64(round + 1)), parentPID: 1,
                    command: Array("p\(number)".utf8), executable: nil)
                #expect(try writer.processSeen(process) == number)
                result.processes.append(process)
                result.snapshots.append([])
                result.goneTimes.append(nil)
                live[number] = Dictionary(uniqueKeysWithValues: (0..<Int.random(in: 1...4, using: &random)).map { ($0, 0) })
            }
            // Walks in a random order, each at its own delay; the round ends before the next begins.
            for number in live.keys.sorted().shuffled(using: &random) {
                let walk = time + Int64.random(in: 0..<40_000_000, using: &random)
                var slots = live[number]!
                if round > 0, Int.random(in: 0..<16, using: &random) == 0 {
                    if Bool.random(using: &random) {
                        try writer.processExecuted(process: number, command: Array("e\(number)".utf8), executable: nil)
                    }
                    if Bool.random(using: &random), let slot = slots.keys.first {
                        // A last change, seen in the round it is found gone.
                        slots[slot]! += 1
                        let mappings = slots.keys.sorted().map { SyntheticRecording.mapping(slot: $0, pages: 2, variant: slots[$0]!) }
                        _ = try writer.snapshot(process: number, mappings: mappings, walkTime: walk)
                        result.snapshots[number].append((walk, mappings))
                    }
                    let gone = walk + Int64.random(in: 0..<5_000_000, using: &random)
                    try writer.processGone(process: number, reason: .exited, time: gone)
                    result.goneTimes[number] = gone
                    live[number] = nil
                    continue
                }
                if Int.random(in: 0..<5, using: &random) < 2 {
                    let slot = Int.random(in: 0..<8, using: &random)
                    if let variant = slots[slot], Bool.random(using: &random) {
                        slots[slot] = slots.count > 1 && variant > 1 ? nil : variant + 1
                    } else {
                        slots[slot, default: 0] += 1
                    }
                    live[number] = slots
                }
                let mappings = slots.keys.sorted().map { SyntheticRecording.mapping(slot: $0, pages: 2, variant: slots[$0]!) }
                let outcome = try writer.snapshot(process: number, mappings: mappings, walkTime: walk)
                result.snapshots[number].append((outcome == .unchanged ? time : walk, mappings))
            }
            try writer.endRound()
            time += 50_000_000
        }
        try writer.finish()
        return result
    }

    static func describe(_ mappings: [ExecutableMapping]?) -> String {
        guard let mappings else { return "-" }
        return mappings.map { mapping in
            let permissions = mapping.permissions
            let text = (permissions.contains(.read) ? "r" : "-") + (permissions.contains(.write) ? "w" : "-")
                + (permissions.contains(.execute) ? "x" : "-") + (permissions.contains(.shared) ? "s" : "p")
            return "\(String(mapping.start, radix: 16))-\(String(mapping.end, radix: 16)):\(String(mapping.offset, radix: 16)):"
                + "\(text):\(mapping.path.lossyString)"
        }.joined(separator: " ")
    }

    /// Section 5 read as it now says: a change is in effect from its own
    /// time, and a listed keyframe's frame may hold deltas before it. The
    /// reader's answers, and those of walkthrough.py, are the model's at the
    /// round times, at the walks and a nanosecond either side of them.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func statesAtEveryTimeAreTheModelsAndTheIndependentDecodersOnes(seed: UInt64) throws {
        let recording = try Self.delayedRecording(seed: seed)
        let reader = try RecordingReader(path: recording.path)
        #expect(!reader.indexWasRebuilt && reader.truncation == nil)
        var times = Set<Int64>()
        for time in recording.roundTimes { times.formUnion([time - 1, time, time + 1, time + 20_000_000]) }
        for snapshots in recording.snapshots {
            for snapshot in snapshots { times.formUnion([snapshot.time - 1, snapshot.time, snapshot.time + 1]) }
        }
        for gone in recording.goneTimes.compactMap({ $0 }) { times.formUnion([gone - 1, gone]) }
        var queries = ""
        var expected: [String] = []
        for number in recording.processes.indices {
            for time in times.sorted() {
                let model = recording.state(of: number, at: time)
                #expect(try reader.state(of: number, at: time) == model, "process \(number) at \(time)")
                queries += "\(number) \(time)\n"
                expected.append(Self.describe(model))
            }
        }
        #expect(reader.truncation == nil && reader.indexProblem == nil)
        let python = try Self.python(["--states", recording.path], input: queries)
        #expect(python.status == 0, "\(python.standardError)")
        #expect(python.lines == expected)
        // Some listed keyframe must have had deltas of its process before it in its frame.
        #expect(Self.hasDeltaBeforeAListedKeyframe(reader))
    }

    /// Whether a frame holds a DELTA of a process before a keyframe of it that the index lists.
    static func hasDeltaBeforeAListedKeyframe(_ reader: RecordingReader) -> Bool {
        for (number, process) in reader.index.processes.enumerated() {
            for keyframe in process.keyframes {
                guard let frame = try? reader.readFrame(keyframe.frame) else { continue }
                var records = frame.records
                var sawDelta = false
                while let record = try? records.next() {
                    if case .delta(number, _, _, _, _) = record { sawDelta = true }
                    if case .keyframe(number, _, _, _) = record { break }
                }
                if sawDelta { return true }
            }
        }
        return false
    }

    /// The index's last time of a process is its last snapshot's time (a
    /// change's own time, an unchanged snapshot's round's time), never before
    /// its first; walkthrough.py rebuilds the same index from the frames.
    @Test(arguments: [4, 5] as [UInt64])
    func aProcessesFirstAndLastTimesAreItsSnapshotsTimes(seed: UInt64) throws {
        let recording = try Self.delayedRecording(seed: seed)
        let reader = try RecordingReader(path: recording.path)
        for number in recording.processes.indices {
            let span = try #require(reader.span(of: number))
            let snapshots = recording.snapshots[number]
            #expect(span.firstTime == snapshots.first?.time, "process \(number)")
            #expect(span.lastTime == snapshots.last?.time, "process \(number)")
            #expect(span.snapshotCount == snapshots.count)
            #expect(span.goneTime == recording.goneTimes[number])
            if let first = span.firstTime, let last = span.lastTime { #expect(first <= last) }
        }
        #expect(reader.verify() == nil && reader.indexProblem == nil)
        let check = try Self.python(["--check", recording.path])
        #expect(check.status == 0 && check.standardOutput.hasPrefix("index agrees with the frames"), "\(check.standardOutput)")
    }

    /// A short command's processes, recorded for real: walks begin after
    /// their round, yet no process's last time is before its first, and the
    /// index equals the one the frames give.
    @Test func aShortCommandsProcessesNeverEndBeforeTheyBegin() throws {
        let file = try RecordCommandTests.directory("short") + "/short.data"
        let result = try CommandResult.run(
            ["record", "-o", file, "--interval", "10ms", "--", "/bin/sh", "-c", "sleep 0.05; /bin/true; sleep 0.05; /bin/true"])
        #expect(result.status == 0)
        let reader = try RecordingReader(path: file)
        #expect(!reader.indexWasRebuilt)
        for number in reader.processes.indices {
            let span = try #require(reader.span(of: number))
            if let first = span.firstTime, let last = span.lastTime {
                #expect(first <= last, "process \(number): first \(first), last \(last)")
            }
        }
        #expect(reader.processes.count >= 2)
        #expect(reader.verify() == nil && reader.indexProblem == nil)
    }

    // MARK: Hand-made files

    static let header = RecordingHeader(
        start: 1_000, referenceRealtime: 0, referenceMonotonic: 1_000, bootID: "", hostName: "", kernelRelease: "",
        options: "", clockTicksPerSecond: 100, backend: "ioctl", flushInterval: 1_000_000_000, keyframeInterval: 0)

    static func encoded(_ records: [Record]) -> [UInt8] {
        var encoder = ByteEncoder()
        for record in records { record.encode(to: &encoder) }
        return encoder.bytes
    }

    /// A raw record of type `type` with `body`.
    static func raw(_ type: UInt8, _ body: [UInt8]) -> [UInt8] {
        var encoder = ByteEncoder()
        encoder.byte(type)
        encoder.varint(body.count)
        encoder.append(body)
        return encoder.bytes
    }

    /// Header bytes, then each payload as a stored records frame; no index.
    static func write(_ payloads: [[UInt8]], header: [UInt8] = header.encoded()) throws -> String {
        let path = RecordingReaderTests.temporaryPath("handmade")
        let bytes = header + payloads.flatMap { FrameCodec.encode(kind: .records, payload: $0, compressor: nil) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static let mapping = StoredMapping(start: 0x10000, end: 0x12000, offset: 0, permissions: 5, file: 0, pageSize: 4096)
    static let definitions: [Record] = [
        .path(Array("/lib/a.so".utf8)),
        .file(StoredFile(device: 1, inode: 2, path: 0, buildID: nil)),
        .process(StoredProcess(number: 0, pid: 7, startTime: 1, parentPID: 1, executable: nil, command: Array("a".utf8))),
    ]

    /// Record types belong to one kind of frame: 0x40 and up in a records
    /// frame is damage, known or not; an unknown type below 0x40 is skipped.
    @Test func recordTypesOfTheOtherKindOfFrameAreErrors() throws {
        let round: [Record] = [.round(time: 10), .keyframe(process: 0, mappings: [Self.mapping])]
        let skipped = try RecordingReader(path: try Self.write([
            Self.encoded(Self.definitions + round) + Self.raw(0x3F, [1, 2, 3]), Self.encoded([.round(time: 20)]),
        ]))
        #expect(skipped.truncation?.reason == .unfinished)
        #expect(skipped.summary.rounds == 2)
        #expect(skipped.records().contains(.unknown(type: 0x3F, length: 3)))
        for type: UInt8 in [0x40, 0x43, 0x50, 0xFF] {
            let reader = try RecordingReader(path: try Self.write([
                Self.encoded(Self.definitions + round), Self.encoded([.round(time: 20)]) + Self.raw(type, [0]),
            ]))
            let truncation = try #require(reader.truncation)
            #expect(!truncation.isCutShort && truncation.reason != .unfinished)
            #expect(truncation.description.contains("belongs in the index frame"), "\(truncation)")
            #expect(reader.summary.rounds == 1)
        }
        // A records-frame type in the index: the index is not used.
        let path = try Self.write([Self.encoded(Self.definitions + round)])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var builder = IndexBuilder(start: Self.header.start)
        builder.beginFrame(offset: UInt64(Self.header.encoded().count))
        for record in Self.definitions + round { try builder.add(record) }
        builder.endFrame(decodedLength: Self.encoded(Self.definitions + round).count)
        let indexOffset = bytes.count
        let indexFrame = FrameCodec.encode(kind: .index, payload: builder.finished().encoded() + Self.raw(0x10, [5]), compressor: nil)
        bytes += indexFrame + Footer(indexOffset: UInt64(indexOffset), indexLength: UInt64(indexFrame.count)).encoded()
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reader = try RecordingReader(path: path)
        #expect(reader.indexWasRebuilt && reader.truncation == nil)
        #expect(reader.indexProblem?.description.contains("belongs in a records frame") == true)
        #expect(reader.summary.rounds == 1)
    }

    /// Header fields 11 and 12 absent: both read as 0, and an index rebuilt
    /// under a keyframe interval of 0 lists every KEYFRAME.
    @Test func absentFlushAndKeyframeIntervalsAreZero() throws {
        var body = ByteEncoder()
        for (tag, value) in [(1, 1), (2, 1_000)] as [(UInt64, UInt64)] {
            body.varint(tag)
            body.varint(UInt64(ByteEncoder.varintLength(value)))
            body.varint(value)
        }
        var header = ByteEncoder()
        header.append(FormatConstants.magic)
        header.uint16(1)
        header.uint16(0)
        header.uint32(UInt32(body.bytes.count))
        header.append(body.bytes)
        header.uint32(CRC32C.checksum(header.bytes))
        let moved = StoredMapping(start: 0x20000, end: 0x22000, offset: 0, permissions: 5, file: 0, pageSize: 4096)
        let path = try Self.write([Self.encoded(Self.definitions + [
            .round(time: 10), .keyframe(process: 0, mappings: [Self.mapping]),
            .round(time: 20), .keyframe(process: 0, mappings: [moved]),
            .round(time: 30), .keyframe(process: 0, mappings: [Self.mapping]),
        ])], header: header.bytes)
        let reader = try RecordingReader(path: path)
        #expect(reader.header.flushInterval == 0 && reader.header.keyframeInterval == 0)
        #expect(reader.span(of: 0)?.keyframeCount == 3)
        #expect(try reader.state(of: 0, at: 1_000 + 25)?.first?.start == 0x20000)
    }

    /// EXEC stands after its process's PROCESS and before its GONE, in a
    /// round or between rounds.
    @Test func anExecStandsBetweenItsProcessesDefinitionAndItsGone() throws {
        let exec = Record.exec(process: 0, executable: 0, command: Array("b".utf8))
        let between = try RecordingReader(path: try Self.write([
            Self.encoded(Self.definitions + [.round(time: 10), .keyframe(process: 0, mappings: [Self.mapping])]),
            Self.encoded([exec, .round(time: 20)]),
        ]))
        #expect(between.truncation?.reason == .unfinished)
        #expect(between.processes.first?.command == Array("b".utf8))
        // Its name runs to the end of the body: bytes after it are the name's, not a later field.
        let long = try RecordingReader(path: try Self.write([
            Self.encoded(Self.definitions) + Self.raw(0x05, [0, 0] + Array("b\u{0}c".utf8)) + Self.encoded([.round(time: 10)]),
        ]))
        #expect(long.processes.first?.command == Array("b\u{0}c".utf8))
        let afterGone = try RecordingReader(path: try Self.write([
            Self.encoded(Self.definitions + [.round(time: 10), .keyframe(process: 0, mappings: [Self.mapping])]),
            Self.encoded([.round(time: 20), .gone(process: 0, reason: 0), exec]),
        ]))
        #expect(afterGone.truncation?.description.contains("an exec of process 0 after it is gone") == true)
        #expect(afterGone.summary.rounds == 1)
        let beforeProcess = try RecordingReader(path: try Self.write([Self.encoded([exec] + Self.definitions)]))
        #expect(beforeProcess.truncation?.description.contains("process number 0 is not defined") == true)
    }

    /// A round may not begin before a walk of an earlier round, even in another frame.
    @Test func aRoundBeginsAfterTheWalksBeforeIt() throws {
        let reader = try RecordingReader(path: try Self.write([
            Self.encoded(Self.definitions + [.round(time: 10), .keyframe(process: 0, mappings: [Self.mapping], delay: 50)]),
            Self.encoded([.round(time: 40)]),
        ]))
        #expect(reader.truncation?.description.contains("goes back before 60 ns") == true)
        #expect(reader.summary.rounds == 1)
    }

    /// WALKTHROUGH.md shows what walkthrough.py prints for the clean golden
    /// file, and walkthrough.py finds the golden index as the frames give it.
    @Test func theWalkthroughMatchesTheIndependentDecoder() throws {
        let clean = GoldenFileTests.directory.appendingPathComponent("clean.vmasnap").path
        let dump = try Self.python([clean])
        #expect(dump.status == 0)
        let document = try WalkthroughDecoderTests.walkthrough()
        let printed = dump.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let shown = document.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let first = try #require(shown.firstIndex { $0.hasPrefix("offset  bytes") })
        let body = printed.filter { !$0.isEmpty }
        #expect(Array(shown[first...].filter { !$0.isEmpty }.prefix(body.count)) == body)
        let check = try Self.python(["--check", clean])
        #expect(check.status == 0 && check.standardOutput.hasPrefix("index agrees with the frames"))
    }
}
