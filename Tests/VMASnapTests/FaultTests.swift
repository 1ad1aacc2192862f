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
            recorder.arguments = ["record", "-o", output, "--interval", "10ms"] + extraArguments
                + ["--", BuildProducts.fixture, "--script", "dlopen \(library); sleep 4000"]
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
        func killHard() {
            let children = FaultTests.children(of: recorder.processIdentifier)
            kill(recorder.processIdentifier, SIGKILL)
            recorder.waitUntilExit()
            for child in children { kill(child, SIGKILL) }
        }
    }

    /// Twenty recorders killed with SIGKILL at random moments: every file opens,
    /// says it was cut short, and holds everything flushed a second or more
    /// before the kill (the default flush interval is 1 s).
    @Test(arguments: 0..<20)
    func killedAtRandomMomentsEveryFileReadsBack(run: Int) throws {
        var generator = SeededGenerator(seed: UInt64(run) &* 7919)
        let library = try TestLibraries.build(name: "killed\(run)", buildID: String(format: "ab%06x", run))
        let recording = try RunningRecorder(name: "killed\(run)", library: library)
        let delay = Double.random(in: 0.05...2.6, using: &generator)
        usleep(UInt32(delay * 1_000_000))
        let killTime = RecordingHeader.monotonicNow()
        recording.killHard()

        let reader = try RecordingReader(path: recording.output)
        #expect(reader.indexWasRebuilt)
        #expect(reader.truncation != nil)
        let histories = try reader.histories()
        for record in reader.records() { _ = record }
        // Flushed by the end of the first round at least a second after the load.
        if killTime - recording.loadTime > 1_300_000_000 {
            let fixture = try #require(histories.first { $0.process.command == Array("vmasnap-fixture".utf8) })
            #expect(fixture.epochs.contains { epoch in epoch.mappings.contains { $0.path.lossyString == library } })
        }
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
        // Once it has flushed a dozen rounds (however loaded the machine), at a random moment.
        #expect(eventually(seconds: 30) { ((try? RecordingReader(path: output))?.summary.rounds ?? 0) > 12 })
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
