import Foundation
import Testing
@testable import VMASnap

@Suite struct CaptureErrorTests {
    /// A pid that no process has: beyond pid_max.
    static let absentPID: Int32 = 4_194_304 + 17

    @Test func noSuchProcess() throws {
        #expect(throws: CaptureError.noSuchProcess(pid: Self.absentPID)) { try IoctlCapture(pid: Self.absentPID) }
        #expect(throws: CaptureError.noSuchProcess(pid: Self.absentPID)) { try TextCapture(pid: Self.absentPID) }
        let result = try CommandResult.run(["maps", "-p", "\(Self.absentPID)"])
        #expect(result.status == 2)
        #expect(result.standardError == "vmasnap: no such process: \(Self.absentPID)\n")
    }

    @Test func aProcessThatExitedBeforeTheWalk() throws {
        let fixture = try FixtureProcess()
        let capture = try IoctlCapture(pid: fixture.pid)
        let text = try TextCapture(pid: fixture.pid)
        fixture.kill()
        #expect(throws: CaptureError.processExited(pid: fixture.pid)) { try capture.capture() }
        #expect(throws: CaptureError.processExited(pid: fixture.pid)) { try text.capture() }
    }

    @Test func aProcessThatExitsDuringTheWalk() throws {
        let fixture = try FixtureProcess()
        let counter = CountingSystemCalls()
        let capture = try IoctlCapture(pid: fixture.pid, system: counter.table)
        _ = try capture.capture()
        counter.reset()
        // The real process dies between the second and third query of a walk.
        counter.afterQuery = { count in if count == 2 { fixture.kill() } }
        #expect(throws: CaptureError.processExited(pid: fixture.pid)) { try capture.capture() }
        #expect(counter.queries.count == 3)
    }

    @Test func permissionDeniedSaysPtraceAccessIsNeeded() throws {
        let fixture = try FixtureProcess()
        // As the unprivileged user "nobody", reading root's process.
        let result = try CommandResult.run(
            ["--reuid=65534", "--regid=65534", "--clear-groups", BuildProducts.vmasnap, "maps", "-p", "\(fixture.pid)"],
            executable: "/usr/bin/setpriv")
        #expect(result.status == 3)
        #expect(result.standardError.split(separator: "\n").count == 1)
        #expect(result.standardError.contains("permission denied"))
        #expect(result.standardError.contains("ptrace read access"))
    }

    @Test(arguments: [
        ["maps", "-p", "abc"], ["maps", "-p", "-5"], ["maps", "-p", "0"], ["maps"],
        ["query", "-p", "1", "0xzz"], ["query", "-p", "1", "0x12345678901234567"], ["query", "-p", "1"],
        ["maps", "-p", "1", "--backend", "magic"],
    ])
    func malformedArgumentsAreOneLineWithStatus64(arguments: [String]) throws {
        let result = try CommandResult.run(arguments)
        #expect(result.status == 64)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.split(separator: "\n").count == 1)
        #expect(result.standardError.hasPrefix("vmasnap: "))
    }

    @Test func theTextBackendIsAlwaysAvailable() throws {
        let result = try CommandResult.run(["maps", "-p", "\(getpid())", "--backend", "text", "--json"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("\"backend\":\"text\""))
    }
}
