import Testing
import Foundation
import SystemPackage
@testable import VMASnap
import CProcmapQuery

/// The recorder's rounds against real processes, driven one round at a time,
/// and read back with the reader.
@Suite struct RecorderTests {
    @Test(arguments: CaptureBackend.allCases)
    func recordsLoadsAndUnloadsOfAProcess(backend: CaptureBackend) throws {
        let first = try TestLibraries.build(name: "recorder-a-\(backend)", buildID: "a1a1a1a1")
        let second = try TestLibraries.build(name: "recorder-b-\(backend)", buildID: "b2b2b2b2b2b2", padding: 50)
        let fixture = try FixtureProcess()
        try fixture.send("ping")
        let harness = try RecorderHarness(target: .processes([fixture.pid]), backend: backend)
        try harness.round()
        let a = try fixture.dlopen(first)
        try harness.round()
        _ = try fixture.dlopen(second)
        try harness.round()
        try harness.round()  // unchanged
        try fixture.send("dlclose \(a.handle)")
        try harness.round()
        let reader = try harness.finish()

        #expect(reader.truncation == nil)
        #expect(reader.processes.count == 1)
        let process = try #require(reader.processes.first)
        #expect(process.identity == ProcessStat.read(pid: fixture.pid)?.identity)
        #expect(process.parentPID == getpid())
        #expect(process.command == Array("vmasnap-fixture".utf8.prefix(15)))
        #expect(process.executable?.lossyString.hasSuffix("/vmasnap-fixture") == true)
        #expect(reader.summary.snapshots == 5)
        let history = try reader.history(of: 0)
        let names = history.fileNames
        #expect(names.count == 4)
        let libraryA = "librecorder-a-\(backend).so", libraryB = "librecorder-b-\(backend).so"
        #expect(!names[0].contains(libraryA) && !names[0].contains(libraryB))
        #expect(names[1].contains(libraryA) && !names[1].contains(libraryB))
        #expect(names[2].contains(libraryA) && names[2].contains(libraryB))
        #expect(!names[3].contains(libraryA) && names[3].contains(libraryB))
        #expect(history.epochs.map(\.snapshotCount) == [1, 1, 2, 1])
        // The library's r-x segment, with its build ID.
        let mapped = try #require(history.epochs[1].mappings.first { $0.path.lossyString == first })
        #expect(mapped.start == a.start && mapped.end == a.end)
        #expect(mapped.buildID == BuildID(hex: "a1a1a1a1"))
        #expect(history.goneTime == nil)
    }

    @Test func aProcessThatExitsIsGoneAndEndsAPidRecording() throws {
        let fixture = try FixtureProcess()
        try fixture.send("ping")
        let harness = try RecorderHarness(target: .processes([fixture.pid]))
        #expect(try harness.round() == nil)
        fixture.kill()
        #expect(try harness.round() == .targetsGone)
        let reader = try harness.finish()
        let history = try reader.history(of: 0)
        #expect(history.goneTime != nil)
        #expect(reader.records().contains { if case .gone(0, _, .exited) = $0 { return true } else { return false } })
    }

    @Test(arguments: CaptureBackend.allCases)
    func execKeepsTheProcessAndRecordsItsNewMappings(backend: CaptureBackend) throws {
        let library = try TestLibraries.build(name: "recorder-exec-\(backend)", buildID: "e0e0e0e0")
        let fixture = try FixtureProcess()
        _ = try fixture.dlopen(library)
        let harness = try RecorderHarness(target: .processes([fixture.pid]), backend: backend)
        try harness.round()
        // Same pid, same start time, a new address space without the library.
        fixture.sendWithoutAnswer("exec \(BuildProducts.fixture)")
        // Nothing more goes down the pipe until the exec is done: stdio buffering
        // in the old image would swallow it.
        #expect(eventually {
            let maps = (try? String(contentsOfFile: "/proc/\(fixture.pid)/maps", encoding: .utf8)) ?? ""
            return !maps.isEmpty && !maps.contains("librecorder-exec-\(backend).so")
        })
        #expect(try fixture.send("ping") == ["\(fixture.pid)"])
        try harness.round()
        try harness.round()
        let reader = try harness.finish()
        #expect(reader.processes.count == 1)
        let history = try reader.history(of: 0)
        #expect(history.goneTime == nil)
        #expect(history.epochs.count == 2)
        #expect(history.fileNames[0].contains("librecorder-exec-\(backend).so"))
        #expect(!history.fileNames[1].contains("librecorder-exec-\(backend).so"))
        #expect(history.fileNames[1].contains("vmasnap-fixture"))
        #expect(history.epochs.map(\.snapshotCount) == [1, 2])
    }

    /// exec() of another program name: the recording follows the same
    /// process and takes its new name from an EXEC record.
    @Test func execUnderANewNameRenamesTheProcess() throws {
        // The kernel names a process after the file it exec'd: a link to the fixture.
        let link = TestLibraries.directory.appendingPathComponent("exec-renamed").path
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: BuildProducts.fixture)
        let fixture = try FixtureProcess()
        let harness = try RecorderHarness(target: .processes([fixture.pid]), backend: .ioctl)
        try harness.round()
        fixture.sendWithoutAnswer("exec \(link)")
        #expect(eventually { ProcessStat.read(pid: fixture.pid)?.command == Array("exec-renamed".utf8) })
        #expect(try fixture.send("ping") == ["\(fixture.pid)"])
        try harness.round()
        let reader = try harness.finish()
        #expect(reader.processes.count == 1)
        #expect(reader.processes[0].command == Array("exec-renamed".utf8))
        #expect(try reader.history(of: 0).process.command == Array("exec-renamed".utf8))
        let records = Array(reader.records())
        #expect(records.contains { if case .process(0, let process) = $0 { return process.command == Array("vmasnap-fixture".utf8) } else { return false } })
        #expect(records.contains { if case .exec(0, let command, _) = $0 { return command == Array("exec-renamed".utf8) } else { return false } })
        // A rebuilt index (no footer) gives the same names.
        let cut = RecordingReaderTests.temporaryPath("exec-renamed-cut")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: harness.path)))
        try Data(bytes.dropLast(24)).write(to: URL(fileURLWithPath: cut))
        #expect(try RecordingReader(path: cut).processes[0].command == Array("exec-renamed".utf8))
    }

    @Test func aProcessThatExitsMidWalkIsGoneInThatRound() throws {
        let fixture = try FixtureProcess()
        for _ in 0..<3 { _ = try fixture.send("mmapn \(BuildProducts.fixture) 1") }
        // The ioctl kills the fixture after the second query of an armed walk,
        // then lets the kernel answer the rest: a real exit in the middle of a walk.
        final class Trigger: @unchecked Sendable { var armed = false; var queries = 0; var pid: Int32 = 0 }
        let trigger = Trigger()
        trigger.pid = fixture.pid
        var system = SystemCalls.live
        system.procmapQuery = { descriptor, query throws(Errno) in
            if trigger.armed {
                trigger.queries += 1
                if trigger.queries == 2 {
                    Glibc.kill(trigger.pid, SIGKILL)
                    // Until the address space is gone (a zombie, or reaped).
                    _ = eventually { ProcessStat.read(pid: trigger.pid).map { $0.state == UInt8(ascii: "Z") } ?? true }
                }
            }
            try SystemCalls.live.procmapQuery(descriptor, query)
        }
        let harness = try RecorderHarness(target: .processes([fixture.pid]), system: system)
        try harness.round()
        trigger.armed = true
        let ending = try harness.round()
        #expect(trigger.queries >= 2)
        #expect(ending == .targetsGone)
        let reader = try harness.finish()
        let records = Array(reader.records())
        let gone = records.compactMap { record -> (Int64, ProcessEnd)? in
            if case .gone(0, let time, let reason) = record { return (time, reason) } else { return nil }
        }
        #expect(gone.count == 1)
        #expect(gone.first?.1 == .exited)
        // Gone in the second round, dated when the failed walk was seen: after
        // the round began (here, after the kill the walk itself waited for).
        let rounds = records.compactMap { record -> Int64? in if case .round(let time) = record { return time } else { return nil } }
        #expect(rounds.count == 2)
        let goneTime = try #require(gone.first?.0)
        #expect(goneTime > rounds[1])
        #expect(goneTime <= RecordingHeader.monotonicNow())
        #expect(try reader.history(of: 0).snapshotCount == 1)
    }

    @Test func aReusedPidIsANewProcessAndTheOldOneIsReplaced() throws {
        let first = try FixtureProcess()
        try first.send("ping")
        let pid = first.pid
        let harness = try RecorderHarness(target: .allProcesses)
        let pidHarness = try RecorderHarness(target: .processes([pid]))
        try harness.round()
        try pidHarness.round()
        // A process is its pid and its start time, which /proc gives in
        // clock ticks (10 ms): one started in the same tick with the same pid
        // is the same process to every reader of /proc. The whole test can
        // take less than a tick: the second must start in a later one.
        Thread.sleep(forTimeInterval: 0.03)
        first.kill()
        // Give the pid to a new fixture: the kernel hands out ns_last_pid + 1
        // next, unless another process starts in between (then try again).
        var second: FixtureProcess?
        for _ in 0..<200 {
            try "\(pid - 1)".write(toFile: "/proc/sys/kernel/ns_last_pid", atomically: false, encoding: .utf8)
            let candidate = try FixtureProcess()
            if candidate.pid == pid {
                second = candidate
                break
            }
            candidate.kill()
        }
        let reused = try #require(second, "could not get pid \(pid) again")
        try reused.send("ping")
        try harness.round()
        // -p names a process, not a pid: the new one is not followed, and the recording ends.
        #expect(try pidHarness.round() == .targetsGone)
        let pidReader = try pidHarness.finish()
        #expect(pidReader.processes.count == 1)
        #expect(pidReader.records().contains { if case .gone(0, _, .replaced) = $0 { return true } else { return false } })

        let reader = try harness.finish()
        let numbers = reader.processes.indices.filter { reader.processes[$0].identity.pid == pid }
        try #require(numbers.count == 2)
        let (old, new) = (numbers[0], numbers[1])
        #expect(reader.processes[old].identity != reader.processes[new].identity)
        #expect(reader.records().contains { if case .gone(old, _, .replaced) = $0 { return true } else { return false } })
        #expect(try reader.history(of: new).goneTime == nil)
        #expect(try reader.history(of: new).snapshotCount == 1)
    }

    @Test func allProcessesLeavesOutKernelThreadsAndFindsNewProcesses() throws {
        let harness = try RecorderHarness(target: .allProcesses)
        try harness.round()
        let fixture = try FixtureProcess()
        try fixture.send("ping")
        try harness.round()
        let reader = try harness.finish()
        let pids = Set(reader.processes.map(\.identity.pid))
        #expect(pids.contains(getpid()))
        #expect(pids.contains(fixture.pid))
        #expect(!pids.contains(2))  // kthreadd
        let number = try #require(reader.processes.firstIndex { $0.identity.pid == fixture.pid })
        #expect(try reader.history(of: number).snapshotCount == 1)
    }

    @Test func descendantsAreFoundThroughParentPids() throws {
        // A command whose child forks a grandchild: both found from the command's pid.
        let harness = try RecorderHarness(target: .command(["/bin/sh", "-c", "\(BuildProducts.fixture) --script 'sleep 5000' & wait $!"]))
        let command = try ChildCommand(["/bin/sh", "-c", "\(BuildProducts.fixture) --script 'sleep 5000' & wait $!"], system: .live)
        harness.recorder.command = command
        var found: [ProcessStat] = []
        #expect(eventually { found = harness.recorder.descendants(in: harness.recorder.processes.scan()); return found.count == 2 })
        #expect(found.contains { $0.pid == command.pid })
        let grandchild = try #require(found.first { $0.pid != command.pid })
        #expect(grandchild.parentPID == command.pid)
        #expect(!found.contains { $0.pid == getpid() })
        Glibc.kill(grandchild.pid, SIGKILL)
        #expect(eventually { command.reap(everyChild: false) })
        #expect(command.exit == .exited(128 + SIGKILL))
        _ = try harness.finish()
    }
}
