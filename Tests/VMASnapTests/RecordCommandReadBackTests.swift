import Testing
import Foundation
@testable import VMASnap

/// `vmasnap record` end to end, with what it wrote read back by the reader.
@Suite struct RecordCommandReadBackTests {
    static func directory(_ label: String) throws -> String { try RecordCommandTests.directory(label) }

    /// The histories of the processes whose command is `vmasnap-fixture`.
    static func fixtureHistories(_ reader: RecordingReader) throws -> [ProcessHistory] {
        try reader.histories().filter { $0.process.command == Array("vmasnap-fixture".utf8) }
    }

    @Test func aCommandsEveryLoadAndUnloadIsRecorded() throws {
        let first = try TestLibraries.build(name: "record-cli-a", buildID: "c1c1c1c1")
        let second = try TestLibraries.build(name: "record-cli-b", buildID: "c2c2c2c2", padding: 20)
        let file = try Self.directory("command") + "/t.data"
        let script = "sleep 150; dlopen \(first); sleep 150; dlopen \(second); sleep 150; dlclose 0; sleep 150; dlclose 1; sleep 150; exit 0"
        let result = try CommandResult.run(["record", "-o", file, "--interval", "10ms", "--", BuildProducts.fixture, "--script", script])
        #expect(result.status == 0)
        let reader = try RecordingReader(path: file)
        #expect(reader.truncation == nil)
        #expect(!reader.indexWasRebuilt)
        let history = try #require(try Self.fixtureHistories(reader).first)
        // The loader's own mappings change at the very start; only the test libraries matter here.
        var names: [Set<String>] = []
        for epoch in history.fileNames {
            let libraries = Set(epoch.filter { $0.hasPrefix("librecord-cli-") })
            if names.last != libraries { names.append(libraries) }
        }
        #expect(names == [[], ["librecord-cli-a.so"], ["librecord-cli-a.so", "librecord-cli-b.so"], ["librecord-cli-b.so"], []])
        #expect(history.goneTime != nil)
        // The command line, quoted as a shell would take it back.
        #expect(reader.header.options.hasSuffix("record -o \(file) --interval 10ms -- \(BuildProducts.fixture) --script '\(script)'"))
        #expect(reader.header.backend == "ioctl")
    }

    @Test func aPidRecordingSeesWhatTheProcessDoesUntilSigint() throws {
        let library = try TestLibraries.build(name: "record-cli-p", buildID: "d1d1d1d1")
        let fixture = try FixtureProcess()
        try fixture.send("ping")
        let file = try Self.directory("pid") + "/t.data"
        let recorder = try BackgroundCommand(["record", "-p", "\(fixture.pid)", "--interval", "10ms", "-o", file])
        #expect(eventually { fileSize(file) != nil })
        usleep(150_000)
        let beforeLoad = Int64(try fixture.send("time")[0])!
        let loaded = try fixture.dlopen(library)
        usleep(150_000)
        try fixture.send("dlclose \(loaded.handle)")
        usleep(150_000)
        recorder.signal(SIGINT)
        let result = recorder.finish()
        #expect(result.status == 0)
        let reader = try RecordingReader(path: file)
        #expect(reader.truncation == nil && !reader.indexWasRebuilt)
        #expect(reader.processes.count == 1)
        let history = try reader.history(of: 0)
        let names = history.fileNames.map { $0.contains("librecord-cli-p.so") }
        #expect(names == [false, true, false])
        // The library was first seen after the fixture was asked to load it (both CLOCK_MONOTONIC).
        #expect(history.epochs[1].firstSeen >= beforeLoad)
        #expect(history.goneTime == nil)
    }

    @Test func everyProcessForAWhileLeavesOutKernelThreads() throws {
        let file = try Self.directory("all") + "/t.data"
        // Periodic rounds only: kernel events add rounds of their own, as processes start.
        let result = try CommandResult.run(["record", "-a", "--events", "off", "--interval", "100ms", "--duration", "1s", "-o", file])
        #expect(result.status == 0)
        let reader = try RecordingReader(path: file)
        #expect(reader.truncation == nil)
        let pids = Set(reader.processes.map(\.identity.pid))
        #expect(pids.contains(getpid()))
        #expect(!pids.contains(2))
        // At most one round per 100ms slot of the second (fewer if rounds overran their slot), and one at its end.
        #expect(reader.summary.rounds >= 2 && reader.summary.rounds <= 11)
        let first = try #require(reader.summary.firstTime)
        #expect(try #require(reader.summary.lastTime) - first >= 1_000_000_000 - 50_000_000)
        #expect(reader.header.options.contains("-a"))
    }

    @Test func sigkillLeavesAFileReadableUpToTheLastFlush() throws {
        let fixture = try FixtureProcess()
        try fixture.send("ping")
        let file = try Self.directory("sigkill") + "/t.data"
        let recorder = try BackgroundCommand(["record", "-p", "\(fixture.pid)", "--interval", "10ms", "-o", file])
        var headerSize = 0
        #expect(eventually { headerSize = fileSize(file) ?? 0; return headerSize > 0 })
        // The first flush comes a second after the start.
        #expect(eventually { (fileSize(file) ?? 0) > headerSize })
        recorder.signal(SIGKILL)
        let result = recorder.finish()
        #expect(result.status == 128 + SIGKILL)
        let reader = try RecordingReader(path: file)
        #expect(reader.indexWasRebuilt)
        #expect(reader.truncation?.isCutShort == true)
        #expect(reader.processes.count == 1)
        #expect(reader.summary.snapshots > 10)
        #expect(try reader.history(of: 0).snapshotCount == reader.summary.snapshots)
        // The events' mode is in the header, written at the start; the counts,
        // written at the finish, are unknown, not zero.
        // (--events auto: on, or refused where the kernel does not permit them.)
        #expect(reader.header.kernelEvents != nil && reader.header.kernelEvents != .off)
        #expect(reader.recorderReport == nil)
        let info = try CommandResult.run(["info", "--json", file])
        let object = try InfoDumpCommandTests.object(info.standardOutput)
        #expect(object["kernel_events"] as? String == reader.header.kernelEvents?.name && object["walks"] is NSNull && object["lost_records"] is NSNull)
    }

    /// A file size limit set once the first frame is written: the next write
    /// fails with EFBIG at once (0 bytes over) or after a partial write.
    @Test(arguments: [0, 10])
    func aWriteErrorStopsTheRecorderAndLeavesWhatWasWritten(bytesOver: Int) throws {
        let fixture = try FixtureProcess()
        try fixture.send("ping")
        let file = try Self.directory("efbig") + "/t.data"
        let recorder = try BackgroundCommand(["record", "-p", "\(fixture.pid)", "--interval", "10ms", "-o", file])
        var headerSize = 0
        #expect(eventually { headerSize = fileSize(file) ?? 0; return headerSize > 0 })
        var flushed = 0
        #expect(eventually { flushed = fileSize(file) ?? 0; return flushed > headerSize })
        try TestLibraries.run("/usr/bin/prlimit", ["--pid", "\(recorder.pid)", "--fsize=\(flushed + bytesOver)"])
        let result = recorder.finish()
        #expect(result.status == 1)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("vmasnap: cannot write") == true)
        #expect(lines.first?.contains("File too large (EFBIG); recording stopped") == true)
        #expect(lines.last?.hasPrefix(RecordCommandTests.summaryPrefix) == true)
        // No partial frame stays behind.
        #expect(fileSize(file) == flushed)
        let reader = try RecordingReader(path: file)
        #expect(reader.truncation?.isCutShort == true)
        #expect(reader.processes.count == 1)
        #expect(reader.summary.snapshots > 10)
    }

    @Test func orphansOfTheCommandAreAdoptedFollowedAndReaped() throws {
        // The subshell exits at once: its fixture is orphaned before the first
        // round can see its parent, and is found only as vmasnap's adopted child.
        // Once the recording holds six snapshots of it (however long that
        // takes on a busy machine), the test kills it: a zombie of vmasnap's,
        // reaped, before the command, which waits on a FIFO, exits.
        let directory = try Self.directory("orphan")
        let file = directory + "/t.data"
        let fifo = directory + "/go"
        #expect(mkfifo(fifo, 0o600) == 0)
        let recorder = try BackgroundCommand(["record", "-o", file, "--interval", "10ms", "--", "/bin/sh", "-c",
            "(\(BuildProducts.fixture) --script 'sleep 600000' &); read line < \(fifo); exit 5"])
        var orphan: ProcessHistory?
        #expect(eventually(seconds: 300) {
            // Flushed once a second: read what is there so far.
            orphan = (try? RecordingReader(path: file)).flatMap { try? Self.fixtureHistories($0).first }
            return (orphan?.snapshotCount ?? 0) > 5
        })
        let pid = try #require(orphan?.process.identity.pid)
        kill(pid, SIGKILL)
        // Dead (a zombie of vmasnap's, or reaped) before the command may
        // exit: the round that sees the command gone ends the recording.
        #expect(eventually(seconds: 300) { ProcessStat.read(pid: pid).map { $0.state == UInt8(ascii: "Z") } ?? true })
        let go = open(fifo, O_WRONLY)
        #expect(go >= 0)
        close(go)
        let result = recorder.finish()
        #expect(result.status == 5)
        let reader = try RecordingReader(path: file)
        let history = try #require(try Self.fixtureHistories(reader).first)
        #expect(history.process.identity.pid == pid)
        #expect(history.snapshotCount > 5)
        #expect(history.goneTime != nil)
    }

    @Test func aTerminalShowsAStatusLine() throws {
        let file = try Self.directory("tty") + "/t.data"
        let command = "\(BuildProducts.vmasnap) record -a --interval 50ms --duration 700ms -o \(file)"
        let result = try CommandResult.run(["-qec", command, "/dev/null"], executable: "/usr/bin/script")
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("\rvmasnap record: "))
        #expect(result.standardOutput.contains(" processes, "))
        #expect(result.standardOutput.contains(" MB written ("))
        // Erased before the last lines.
        #expect(result.standardOutput.contains("x)\u{1B}[K\r\u{1B}[K"))
        #expect(result.standardOutput.contains("[ vmasnap record: Captured and wrote "))
        // Without a terminal, only the summary.
        let plain = try CommandResult.run(["record", "-a", "--interval", "50ms", "--duration", "300ms", "-o", file])
        #expect(!plain.standardError.contains("\r"))
    }
}
