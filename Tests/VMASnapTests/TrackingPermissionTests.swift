import Foundation
import XCTest
@testable import VMASnap

/// What the probe says as root and as an unprivileged user (uid 65534, in a
/// child that setuid()s: this test runner again, as nobody).
final class TrackingPermissionTests: XCTestCase {
    static let childVariable = "VMASNAP_TRACKING_UNPRIVILEGED_CHILD"

    func testRootMayTrackEverything() throws {
        guard geteuid() == 0 else { throw XCTSkip("not root") }
        let permissions = TrackingPermissions.probe(.command(pid: 0))
        XCTAssertEqual(permissions.tracking, .permitted)
        XCTAssertEqual(permissions.systemWide, .permitted)
        XCTAssertEqual(permissions.syscallTracepoints, .permitted, permissions.summary)
        XCTAssert(permissions.capabilities.contains([.perfmon, .systemAdmin, .ipcLock]))
        XCTAssert(permissions.memoryLock.isUnlimited)
        XCTAssertEqual(permissions.summary, "tracking events: yes; syscall tracepoints: yes; system-wide: yes")
        XCTAssertEqual(TrackingPermissions.probe(.processes([Int32.max - 1])).tracking, .denied(.noSuchProcess(pid: Int32.max - 1)))
    }

    func testUnprivilegedUserTracksItsOwnChild() throws {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("needs root to become uid 65534")
        }
        let runner = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid", "65534", "--regid", "65534", "--clear-groups", "--", runner,
                             "VMASnapTests.TrackingPermissionTests/testAsUnprivilegedChild"]
        var environment = ProcessInfo.processInfo.environment
        environment[TrackingPermissionTests.childVariable] = "1"
        environment["TMPDIR"] = "/tmp"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssert(text.contains("Executed 1 test, with 0 failures"), text)
    }

    /// Run only by `testUnprivilegedUserTracksItsOwnChild`, as uid 65534.
    func testAsUnprivilegedChild() throws {
        guard ProcessInfo.processInfo.environment[TrackingPermissionTests.childVariable] == "1" else {
            throw XCTSkip("run as uid 65534 by testUnprivilegedUserTracksItsOwnChild")
        }
        XCTAssertEqual(geteuid(), 65534)
        let permissions = TrackingPermissions.probe(.command(pid: 0))
        print(permissions.summary)
        XCTAssertEqual(permissions.tracking, .permitted, "perf_event_paranoid 2 allows one's own processes")
        XCTAssert(permissions.capabilities.isEmpty)
        XCTAssertFalse(permissions.memoryLock.isUnlimited)
        let paranoid = try XCTUnwrap(permissions.perfEventParanoid)
        if paranoid > 0 {
            XCTAssertEqual(permissions.systemWide, .denied(.paranoid(level: paranoid, allowedAtOrBelow: 0)))
            XCTAssertThrowsError(try TrackingSession(target: .systemWide)) { error in
                XCTAssertEqual(error as? TrackingError, .denied(.paranoid(level: paranoid, allowedAtOrBelow: 0)))
            }
        }
        // tracefs: not mountable without CAP_SYS_ADMIN, its ids root's where mounted.
        switch permissions.syscallTracepoints {
        case .denied(.noTracefs(let errno)): XCTAssertEqual(errno, .notPermitted)
        case .denied(.tracefsUnreadable): break
        default: XCTFail("syscall tracepoints: \(permissions.syscallTracepoints)")
        }
        XCTAssertThrowsError(try TrackingSession(target: .command(pid: 0), options: TrackingOptions(syscalls: true)))
        // Not one's own: init.
        XCTAssertEqual(TrackingPermissions.probe(.processes([1])).tracking,
                       .denied(.notPermittedOnProcess(pid: 1, errno: .permissionDenied)))

        // Ring buffers beyond the locked-memory budget: the kernel refuses
        // (EPERM) and the session halves them until they fit, saying so.
        let budget = try XCTUnwrap(permissions.memoryLock.totalBytes)
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let cpus = OnlineCPUs.list(system: .live).count
        let pages = TrackingSession.powerOfTwo(atMost: 4 * budget / cpus / pageSize)
        let gated = try GatedCommand(["/bin/true"])
        let large = try TrackingSession(target: .command(pid: gated.pid), options: TrackingOptions(bufferPages: pages))
        guard case .smallerBuffers(let requested, let granted, let errno)? = large.notices.first else {
            return XCTFail("\(pages) pages a CPU fitted a budget of \(budget) bytes: \(large.notices)")
        }
        XCTAssertEqual(requested, pages * pageSize)
        XCTAssertLessThan(granted, requested)
        XCTAssertEqual(errno, .notPermitted)
        XCTAssertLessThanOrEqual(cpus * (granted + pageSize), budget)
        try gated.release()
        _ = try gated.waitForExit()

        // The whole machinery on one's own command, and on one's own running process.
        let traced = try TrackedCommand()
        let child = Int32(try traced.send("fork 1")[0])!
        try traced.send("wait")
        traced.write("exec /bin/true")
        try traced.finish()
        let log = traced.events.map(\.summary).joined(separator: "\n")
        XCTAssert(traced.events.contains { $0.createdProcess?.pid == child }, log)
        XCTAssert(traced.events.contains { $0.exec?.pid == traced.pid && $0.exec?.command == Array("true".utf8) }, log)
        XCTAssert(traced.events.contains { String(decoding: $0.mapping?.filename ?? [], as: UTF8.self).hasSuffix("bin/true") }, log)
        XCTAssertEqual(traced.events.last?.kind, .processExited(pid: traced.pid), log)

        let running = try FixtureProcess()
        // One MMAP2 record is below the wakeup watermark: the fixture has
        // answered once it made the mapping, so the record is in the buffer.
        let session = try TrackingSession(target: .processes([running.pid]), options: TrackingOptions(wakeupBytes: 1))
        try running.send("anonexec")
        XCTAssert(session.wait(milliseconds: 2000))
        XCTAssert(session.finish().contains { $0.mapping?.filename == Array("//anon".utf8) })
    }
}
