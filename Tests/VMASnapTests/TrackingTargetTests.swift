import Foundation
import XCTest
@testable import VMASnap

/// `-p` (threads that already exist), `-a` (every task), and lost records.
final class TrackingTargetTests: XCTestCase {
    /// Threads made before tracking began are covered only by events of
    /// their own (pid names one thread; inheritance covers later tasks):
    /// their exits are seen, and the fan-out costs one descriptor per thread
    /// and CPU, plus the buffer owners.
    func testExistingThreadsOfARunningProcessEachGetTheirOwnEvents() throws {
        let fixture = try FixtureProcess()
        let threads = try (0..<3).map { _ in Int32(try fixture.send("thread 300")[0])! }
        let session = try TrackingSession(target: .processes([fixture.pid]))
        let cpus = OnlineCPUs.list(system: .live).count
        XCTAssertEqual(session.statistics.descriptors, cpus * (1 + 4), "an owner and the main thread's and 3 threads' events, per CPU")
        XCTAssertEqual(session.statistics.buffers, cpus)

        let library = try TestLibraries.build(name: "tracking-p", buildID: "5eed5eed", seed: 8)
        let loaded = try fixture.dlopen(library)
        let child = Int32(try fixture.send("fork 1")[0])!
        try fixture.send("wait")
        var events: [TrackingEvent] = []
        let deadline = Date().addingTimeInterval(5)
        func exited(_ tid: Int32) -> Bool {
            events.contains { if case .threadExited(let task) = $0.kind { return task.tid == tid } else { return false } }
        }
        while !threads.allSatisfy(exited), Date() < deadline {
            session.wait(milliseconds: 50)
            events += session.drain()
        }
        fixture.kill()
        while !events.contains(where: { $0.kind == .processExited(pid: fixture.pid) }), Date() < deadline {
            session.wait(milliseconds: 50)
            events += session.drain()
        }
        events += session.finish()
        let log = events.map(\.summary).joined(separator: "\n")
        for tid in threads { XCTAssert(exited(tid), "no exit of existing thread \(tid):\n\(log)") }
        XCTAssert(events.contains { $0.mapping?.start == loaded.start && $0.mapping?.pid == fixture.pid }, log)
        XCTAssert(events.contains { $0.createdProcess?.pid == child }, log)
        XCTAssert(events.contains { $0.kind == .processExited(pid: child) }, log)
        XCTAssertEqual(events.last?.kind, .processExited(pid: fixture.pid), log)
    }

    /// The fan-out with syscall tracepoints: 8 more events per thread and CPU.
    func testProcessFanOutWithTracepointsCountsItsDescriptors() throws {
        guard TrackingSyscallTests.permitted else { throw XCTSkip("syscall tracepoints not permitted here") }
        let fixture = try FixtureProcess()
        try fixture.send("thread 1000")
        let session = try TrackingSession(target: .processes([fixture.pid]), options: TrackingOptions(syscalls: true))
        let cpus = OnlineCPUs.list(system: .live).count
        XCTAssertEqual(session.statistics.descriptors, cpus * (1 + 2 * 9))
        // The thread made before tracking: its own tracepoints see its calls.
        let anonymous = try fixture.send("anonexec")
        try fixture.send("munmap \(anonymous[0]) \(anonymous[1])")
        var events: [TrackingEvent] = []
        let start = UInt64(anonymous[0].dropFirst(2), radix: 16)!
        let deadline = Date().addingTimeInterval(5)
        while !events.contains(where: { $0.syscall?.operation == .unmap(start: start, length: 4096) }), Date() < deadline {
            session.wait(milliseconds: 50)
            events += session.drain()
        }
        XCTAssert(events.contains { $0.syscall?.operation == .unmap(start: start, length: 4096) })
    }

    /// `-a`: one event per CPU for every task sees a process that lives a
    /// millisecond, from its creation to its end.
    func testSystemWideSeesAProcessThatLivesAMillisecond() throws {
        guard TrackingPermissions.probe(.systemWide).systemWide.isPermitted else { throw XCTSkip("system-wide events not permitted") }
        // Other work on the machine shares these buffers: make them roomy.
        let session = try TrackingSession(target: .systemWide, options: TrackingOptions(bufferPages: 256))
        XCTAssertEqual(session.statistics.descriptors, 2 * OnlineCPUs.list(system: .live).count)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["0.001"]
        try process.run()
        let pid = process.processIdentifier
        process.waitUntilExit()
        var events: [TrackingEvent] = []
        let deadline = Date().addingTimeInterval(5)
        while !events.contains(where: { $0.kind == .processExited(pid: pid) }), Date() < deadline {
            session.wait(milliseconds: 50)
            events += session.drain()
        }
        let own = events.filter { $0.pid == pid }
        let log = own.map(\.summary).joined(separator: "\n")
        XCTAssertNotNil(own.first?.createdProcess, log)
        XCTAssertEqual(own.first { $0.exec != nil }?.exec?.command, Array("sleep".utf8), log)
        XCTAssert(own.contains { String(decoding: $0.mapping?.filename ?? [], as: UTF8.self).hasSuffix("bin/sleep") }, log)
        XCTAssertEqual(own.last?.kind, .processExited(pid: pid), log)
    }

    /// A one-page buffer that is read late loses records: LOST records say
    /// how many and on which CPU, and what was delivered plus what the
    /// kernel counted as lost is exactly what happened (one MMAP2 per mmap).
    /// The program is kept on one CPU, so that the buffer it filled takes
    /// its later records, which is when the kernel writes the count.
    func testATinyBufferLosesRecordsAndCountsThemExactly() throws {
        let library = try TestLibraries.build(name: "tracking-lost", buildID: "1057", seed: 4)
        // No wakeups: the test reads only every 50 ms.
        let traced = try TrackedCommand(["/usr/bin/taskset", "-c", "0", BuildProducts.fixture],
                                        options: TrackingOptions(bufferPages: 1, minimumBufferPages: 1, wakeupBytes: 1 << 30))
        let count = 20_000
        let loop = try traced.send("mmaploop \(library) \(count) 0", timeout: 60)
        try traced.send("ping")
        traced.write("exit 0")
        try traced.finish()
        let delivered = traced.events.filter { String(decoding: $0.mapping?.filename ?? [], as: UTF8.self) == library }.count
        let windows = traced.events.compactMap { event -> (Int64, LostRecords)? in
            if case .lost(let lost) = event.kind { return (event.time, lost) } else { return nil }
        }
        let counted = windows.compactMap(\.1.count)
        XCTAssertGreaterThan(counted.count, 0)
        XCTAssert(windows.allSatisfy { $0.1.cpu == 0 || $0.1.count == nil }, "the kernel's counts are CPU 0's")
        XCTAssertEqual(counted.reduce(0, +), traced.session.statistics.lostRecords)
        XCTAssertEqual(delivered + Int(traced.session.statistics.lostRecords), count,
                       "\(delivered) delivered, \(traced.session.statistics.lostRecords) lost")
        // Each window lies between the buffer's last record before it and its
        // report (for the kernel's, in the loop: the first records fitted).
        for (time, window) in windows {
            XCTAssertLessThanOrEqual(window.since, time)
            if window.count != nil { XCTAssert((Int64(loop[1])!...time).contains(window.since), "\(window) at \(time), loop from \(loop[1])") }
        }
        XCTAssertEqual(traced.session.statistics.bufferBytes, Int(sysconf(Int32(_SC_PAGESIZE))))
    }

    /// The kernel reports lost records only when the full buffer takes a
    /// record again, which may never happen: here the program fills CPU 0's
    /// buffer, then moves to CPU 1 and ends there. A buffer found full is
    /// reported as a window without a count, so nothing is silently missing.
    func testABufferFoundFullIsALossWindowEvenWithoutTheKernelsCount() throws {
        guard OnlineCPUs.list(system: .live).count >= 2 else { throw XCTSkip("needs two CPUs") }
        let library = try TestLibraries.build(name: "tracking-full", buildID: "f011", seed: 7)
        let command = try GatedCommand(["/usr/bin/taskset", "-c", "0", BuildProducts.fixture, "--script", "mmaploop \(library) 5000 0; cpu 1"],
                                       standardOutput: open("/dev/null", O_WRONLY | O_CLOEXEC))
        let session = try TrackingSession(target: .command(pid: command.pid),
                                          options: TrackingOptions(bufferPages: 2, minimumBufferPages: 2, wakeupBytes: 1 << 30))
        try command.release()
        XCTAssertEqual(try command.waitForExit(), 0)
        let events = session.finish()
        let log = events.suffix(5).map(\.summary).joined(separator: "\n")
        let windows = events.compactMap { event -> LostRecords? in if case .lost(let lost) = event.kind { return lost } else { return nil } }
        let delivered = events.filter { String(decoding: $0.mapping?.filename ?? [], as: UTF8.self) == library }.count
        XCTAssertEqual(session.statistics.lostRecords, 0, "no record came after the loss on CPU 0")
        XCTAssertLessThan(delivered, 5000)
        let full = try XCTUnwrap(windows.last { $0.count == nil && $0.cpu == 0 }, log)
        XCTAssertEqual(session.statistics.fullBuffers, 1)
        XCTAssert(events.contains { $0.kind == .processExited(pid: command.pid) && $0.cpu == 1 }, log)
        // The window begins at a record the buffer held while it still had
        // room for any record, before the last one delivered.
        let times = Set(events.filter { $0.cpu == 0 }.map(\.time))
        XCTAssert(times.contains(full.since), "\(full)")
        XCTAssertLessThan(full.since, events.last { $0.cpu == 0 && $0.mapping != nil }!.time)
    }
}
