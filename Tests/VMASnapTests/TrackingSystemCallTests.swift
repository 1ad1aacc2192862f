import SystemPackage
import XCTest
@testable import VMASnap

/// What a session costs in system calls, counted through the table against
/// the real kernel, and what it does when one fails.
final class TrackingSystemCallTests: XCTestCase {
    /// Used on the test's thread only.
    final class Counts: @unchecked Sendable {
        var opens = 0, setOutputs = 0, enables = 0, maps = 0, other = 0
    }

    func counting(_ counts: Counts, refuseMapsAbove pages: Int? = nil) -> SystemCalls {
        var table = SystemCalls.live
        let live = SystemCalls.live
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        table.openPerfEvent = { attribute, pid, cpu throws(Errno) in
            counts.opens += 1
            return try live.openPerfEvent(attribute, pid, cpu)
        }
        table.setPerfEventOutput = { event, target throws(Errno) in
            counts.setOutputs += 1
            try live.setPerfEventOutput(event, target)
        }
        table.enablePerfEvent = { event throws(Errno) in
            counts.enables += 1
            try live.enablePerfEvent(event)
        }
        table.mapShared = { descriptor, length throws(Errno) in
            counts.maps += 1
            if let pages, length > (1 + pages) * pageSize { throw Errno.notPermitted }
            return try live.mapShared(descriptor, length)
        }
        table.read = { descriptor, buffer throws(Errno) in
            counts.other += 1
            return try live.read(descriptor, buffer)
        }
        table.pollInput = { descriptors, milliseconds throws(Errno) in
            counts.other += 1
            return try live.pollInput(descriptors, milliseconds)
        }
        return table
    }

    /// A command on C CPUs: C buffer owners and C tracking events, C
    /// SET_OUTPUTs, C ENABLEs, C mmaps; reading the buffers is memory only.
    func testOpeningACommandCostsOneEventPerCPUAndDrainingNoSystemCalls() throws {
        let counts = Counts()
        let child = try GatedCommand(["/bin/true"])
        let session = try TrackingSession(target: .command(pid: child.pid), options: TrackingOptions(), system: counting(counts))
        let cpus = OnlineCPUs.list(system: .live).count
        XCTAssertEqual(counts.opens, 2 * cpus)
        XCTAssertEqual(counts.setOutputs, cpus)
        XCTAssertEqual(counts.enables, cpus)
        XCTAssertEqual(counts.maps, cpus)
        try child.release()
        _ = try child.waitForExit()
        counts.other = 0
        session.wait(milliseconds: 1000)
        XCTAssertEqual(counts.other, 1, "one poll")
        var events = session.drain()
        events += session.finish()
        XCTAssertEqual(counts.other, 1, "draining reads shared memory, no system calls")
        XCTAssertEqual(events.last?.kind, .processExited(pid: child.pid))
    }

    /// When the locked-memory budget refuses the buffer size asked for, the
    /// session halves it until it fits and says so.
    func testRefusedBuffersFallBackToSmallerOnesAndSaySo() throws {
        let counts = Counts()
        let child = try GatedCommand(["/bin/true"])
        let session = try TrackingSession(target: .command(pid: child.pid), options: TrackingOptions(bufferPages: 64),
                                          system: counting(counts, refuseMapsAbove: 8))
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        XCTAssertEqual(session.statistics.bufferBytes, 8 * pageSize)
        XCTAssertEqual(session.notices, [.smallerBuffers(requestedBytes: 64 * pageSize, grantedBytes: 8 * pageSize, errno: .notPermitted)])
        try child.release()
        _ = try child.waitForExit()
        session.wait(milliseconds: 1000)
        XCTAssert(session.finish().contains { $0.exec?.pid == child.pid })

        let refused = try GatedCommand(["/bin/true"])
        XCTAssertThrowsError(try TrackingSession(target: .command(pid: refused.pid), options: TrackingOptions(bufferPages: 64, minimumBufferPages: 4),
                                                 system: counting(Counts(), refuseMapsAbove: 2))) { error in
            guard case .denied(.memoryLock) = error as? TrackingError else { return XCTFail("\(error)") }
        }
    }

    /// A command that cannot be executed is reported with exec's errno.
    func testACommandThatCannotExecuteSaysWhy() throws {
        let command = try GatedCommand(["/nonexistent/vmasnap-no-such-command"])
        XCTAssertThrowsError(try command.release()) { error in
            XCTAssertEqual(error as? TrackingError, .cannotExecute(command: "/nonexistent/vmasnap-no-such-command", errno: .noSuchFileOrDirectory))
        }
        XCTAssertEqual(try command.waitForExit() >> 8 & 0xff, 127)
        // Dropped unreleased: the child ends without exec'ing.
        var pid: Int32 = 0
        do { pid = try GatedCommand(["/bin/true"]).pid }
        var status: Int32 = 0
        XCTAssertEqual(waitpid(pid, &status, 0), pid)
        XCTAssertEqual(status >> 8 & 0xff, 127)
    }
}
