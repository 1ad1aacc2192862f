import Foundation
import Testing
@testable import VMASnap

/// The recorder under faults: killed at random moments, disks that fill up,
/// and signals that arrive while it writes. What was flushed always reads back.
@Suite struct FaultTests {
    /// The pids of `parent`'s children (this kernel has no /proc/PID/task/*/children).
    static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { ProcessStat.read(pid: $0)?.parentPID == parent }
    }

    /// A recorder of the fixture, which loads a library at once and keeps it.
    struct RunningRecorder {
        let recorder: Process
        let output: String
        let loadTime: Int64

        init(name: String, library: String, extraArguments: [String] = []) throws {
            output = TestLibraries.directory.appendingPathComponent("\(name).data").path
            try? FileManager.default.removeItem(atPath: output)
            recorder = Process()
            recorder.executableURL = URL(fileURLWithPath: BuildProducts.vmasnap)
            recorder.arguments = ["record", "-o", output, "--interval", "50ms"] + extraArguments
                + ["--", BuildProducts.fixture, "--script", "dlopen \(library); sleep 30000"]
            let answers = Pipe()
            recorder.standardOutput = answers
            recorder.standardError = FileHandle.nullDevice
            try recorder.run()
            // The fixture's answer to dlopen: "ok HANDLE START END CODE NOW".
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = answers.fileHandleForReading.availableData
                guard !chunk.isEmpty else { throw FixtureError(command: "dlopen", answer: "no answer") }
                line.append(chunk)
            }
            let fields = String(decoding: line, as: UTF8.self).split(separator: " ")
            loadTime = Int64(fields[5].trimmingCharacters(in: .whitespacesAndNewlines))!
        }

        /// SIGKILL: the recorder gets no chance to write anything more.
        /// Returns the time of the kill.
        @discardableResult
        func killHard() -> Int64 {
            let children = FaultTests.children(of: recorder.processIdentifier)
            let time = RecordingHeader.monotonicNow()
            kill(recorder.processIdentifier, SIGKILL)
            // Its children next, before waiting: Foundation sees the recorder's
            // end only once every descendant has closed what it inherited.
            for child in children { kill(child, SIGKILL) }
            recorder.waitUntilExit()
            return time
        }
    }

    /// The library every killed recorder's fixture loads, built once.
    static let killedLibrary = Result { try TestLibraries.build(name: "killed", buildID: "ab0c0ffee0") }

    /// Twenty recorders killed with SIGKILL at random moments: every file opens,
    /// says it was cut short, and holds only what the fixture really had
    /// mapped; everything flushed a second or more before the kill (the
    /// default flush interval is 1 s) is there. The twenty run at once (and
    /// the library is built once), so that the test takes seconds.
    @Test func killedAtRandomMomentsEveryFileReadsBack() throws {
        var generator = SeededGenerator(seed: 7919)
        let library = try TestLibraries.build(name: "killed", buildID: "ab0c0ffee0")
        var runs: [(recording: RunningRecorder, fixture: Int32, mapped: Set<String>, killAt: Int64)] = []
        var killTimes: [Int: Int64] = [:]
        /// Kills the recorders whose moment has come (all of them, waiting for each, when `waiting`).
        func killDue(waiting: Bool) {
            for (run, entry) in runs.enumerated().sorted(by: { $0.element.killAt < $1.element.killAt })
            where killTimes[run] == nil {
                let wait = entry.killAt - RecordingHeader.monotonicNow()
                if wait > 0 {
                    guard waiting else { return }
                    usleep(UInt32(wait / 1000))
                }
                killTimes[run] = entry.recording.killHard()
            }
        }
        for run in 0..<20 {
            let recording = try RunningRecorder(name: "killed\(run)", library: library)
            let fixture = try #require(FaultTests.children(of: recording.recorder.processIdentifier).first)
            // Its executable mappings once the library is in: a superset of every snapshot.
            let mapped = Set(try MapsTextLine.executableFileLines(pid: fixture).map { "\($0.start)-\($0.end) \($0.path)" })
            let delay = Int64(Double.random(in: 0.05...2.6, using: &generator) * 1e9)
            runs.append((recording, fixture, mapped, RecordingHeader.monotonicNow() + delay))
            killDue(waiting: false)
        }
        killDue(waiting: true)
        var withLibrary = 0
        for (run, entry) in runs.enumerated() {
            let killTime = killTimes[run]!
            let reader = try RecordingReader(path: entry.recording.output)
            #expect(reader.indexWasRebuilt, "run \(run)")
            #expect(reader.truncation?.isCutShort == true, "run \(run)")
            #expect(reader.header.options.contains("record -o \(entry.recording.output) --interval 50ms"), "run \(run)")
            let histories = try reader.histories()
            // Only the fixture, only mappings it had, the library with its build ID, no round after the kill.
            for history in histories {
                #expect(history.process.identity.pid == entry.fixture, "run \(run)")
                #expect(history.goneTime == nil, "run \(run)")
                for mapping in history.epochs.flatMap(\.mappings) {
                    // Exactly a final mapping, or (a walk during start-up, which
                    // kernel events now make the first) the loader's first map
                    // of that file, whole, at the base where it stays.
                    let final = "\(mapping.start)-\(mapping.end) \(mapping.path.lossyString)"
                    let base = entry.mapped.contains { $0.hasPrefix("\(mapping.start)-") && $0.hasSuffix(" \(mapping.path.lossyString)") }
                    #expect(entry.mapped.contains(final) || base, "run \(run): \(final)")
                    if mapping.path.lossyString == library { #expect(mapping.buildID?.description == "ab0c0ffee0") }
                }
            }
            if let last = reader.summary.lastTime { #expect(last <= killTime, "run \(run)") }
            if killTime - entry.recording.loadTime > 1_600_000_000 {
                // Flushed by the end of the first round at least a second after the load.
                let fixture = try #require(histories.first { $0.process.command == Array("vmasnap-fixture".utf8) })
                #expect(fixture.epochs.contains { $0.mappings.contains { $0.path.lossyString == library } }, "run \(run)")
                withLibrary += 1
            } else if killTime - reader.header.start < 900_000_000 {
                // Nothing flushed yet (the first flush is a second in): the header and nothing else.
                #expect(histories.isEmpty && reader.summary.rounds == 0, "run \(run)")
            }
        }
        // The seed spreads the kills over both cases.
        #expect(withLibrary >= 3 && withLibrary <= 17)
    }

    /// RLIMIT_FSIZE: a write past the limit fails (EFBIG, SIGXFSZ ignored); the
    /// recorder stops with one clear line and what it wrote reads back.
    @Test func fileSizeLimitStopsTheRecorderAndTheFileReadsBack() throws {
        let output = TestLibraries.directory.appendingPathComponent("fsize.data").path
        try? FileManager.default.removeItem(atPath: output)
        let result = try CommandResult.run(
            ["--fsize=3000", BuildProducts.vmasnap, "record", "-a", "--interval", "5ms", "--duration", "20s", "-o", output],
            executable: "/usr/bin/prlimit")
        #expect(result.status == 1)
        // One line says why it stopped (others may count unreadable processes; the summary follows).
        let errors = result.standardError.split(separator: "\n").filter { $0.contains("cannot write") }
        #expect(errors.count == 1)
        #expect(errors.first?.contains("File too large") == true)
        let size = (try FileManager.default.attributesOfItem(atPath: output)[.size] as? NSNumber)?.intValue ?? -1
        #expect(size > 0 && size <= 3000)
        let reader = try RecordingReader(path: output)
        _ = try reader.histories()
    }

    /// A full file system (a 64 KiB tmpfs): ENOSPC, one line, the file reads back.
    @Test func aFullDiskStopsTheRecorderAndTheFileReadsBack() throws {
        let mountPoint = TestLibraries.directory.appendingPathComponent("small-tmpfs").path
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        try TestLibraries.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", mountPoint])
        defer { try? TestLibraries.run("/bin/umount", [mountPoint]) }
        // Leave one page free: room for the header, not for the first round of -a.
        let filler = try FileHandle(forWritingTo: URL(fileURLWithPath: mountPoint + "/filler").creatingFile())
        var free = statvfs()
        statvfs(mountPoint, &free)
        try filler.write(contentsOf: Data(count: Int(free.f_bavail) * Int(free.f_frsize) - 4096))
        try filler.close()
        let output = mountPoint + "/full.data"
        let result = try CommandResult.run(["record", "-a", "--interval", "2ms", "--duration", "5s", "-o", output])
        #expect(result.status == 1)
        let errors = result.standardError.split(separator: "\n").filter { $0.contains("cannot write") }
        #expect(errors.count == 1)
        #expect(errors.first?.contains("No space left on device") == true)
        let reader = try RecordingReader(path: output)
        _ = try reader.histories()
    }

    /// SIGINT at random moments of a recording that flushes all the time (every
    /// round of -a writes a frame at a 2 ms interval): the signal waits for the
    /// write in progress, and every file ends clean, with its index.
    @Test(arguments: 0..<6)
    func sigintDuringFlushesEndsCleanly(run: Int) throws {
        var generator = SeededGenerator(seed: UInt64(run) + 100)
        let output = TestLibraries.directory.appendingPathComponent("sigint\(run).data").path
        try? FileManager.default.removeItem(atPath: output)
        let recorder = Process()
        recorder.executableURL = URL(fileURLWithPath: BuildProducts.vmasnap)
        recorder.arguments = ["record", "-a", "--interval", "2ms", "-o", output]
        recorder.standardError = FileHandle.nullDevice
        try recorder.run()
        // Once it has flushed a dozen rounds (however long that takes on a
        // loaded machine: the limit only stops a hang), at a random moment.
        #expect(eventually(seconds: 600) { ((try? RecordingReader(path: output))?.summary.rounds ?? 0) > 12 })
        usleep(UInt32.random(in: 0...300_000, using: &generator))
        kill(recorder.processIdentifier, SIGINT)
        recorder.waitUntilExit()
        #expect(recorder.terminationStatus == 0)
        let reader = try RecordingReader(path: output)
        #expect(!reader.indexWasRebuilt)
        #expect(reader.truncation == nil)
        #expect(reader.summary.rounds > 10)
    }
}

private extension URL {
    /// The URL, after creating an empty file there.
    func creatingFile() -> URL {
        FileManager.default.createFile(atPath: path, contents: nil)
        return self
    }
}
