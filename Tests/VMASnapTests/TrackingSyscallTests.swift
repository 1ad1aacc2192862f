import Foundation
import XCTest
@testable import VMASnap

/// munmap, mprotect and mremap through their syscall tracepoints: the
/// exact arguments, the result, and nothing for a call that failed.
final class TrackingSyscallTests: XCTestCase {
    static var permitted: Bool { TrackingPermissions.probe(.command(pid: 0)).syscallTracepoints.isPermitted }

    func testUnmapProtectAndRemapWithTheirArgumentsFailedCallsChangeNothing() throws {
        guard TrackingSyscallTests.permitted else { throw XCTSkip("syscall tracepoints not permitted here") }
        let library = try TestLibraries.build(name: "tracking-unmap", buildID: "0123456789abcdef0123", seed: 5)
        let traced = try TrackedCommand(options: TrackingOptions(syscalls: true))
        func address(_ field: String) -> UInt64 { UInt64(field.dropFirst(2), radix: 16)! }
        func window(_ command: String) throws -> (fields: [String], range: ClosedRange<Int64>) {
            let before = Int64(try traced.send("time")[0])!
            let fields = try traced.send(command)
            return (fields, before...Int64(fields.last!)!)
        }
        let page = UInt64(sysconf(Int32(_SC_PAGESIZE)))
        let anonymous = try window("anonexec")
        let start = address(anonymous.fields[0])
        let protect = try window("mprotect 0x\(String(start, radix: 16)) 0x\(String(start + page, radix: 16)) 1")
        // MREMAP_MAYMOVE: grow to two pages, moving if it must.
        let remap = try window("mremap 0x\(String(start, radix: 16)) \(page) \(2 * page) 1")
        let moved = address(remap.fields[0])
        let unmap = try window("munmap 0x\(String(moved, radix: 16)) 0x\(String(moved + 2 * page, radix: 16))")
        // Both fail (EINVAL: not page-aligned; ENOMEM: nothing mapped there).
        traced.write("munmap 0x1001 0x2001")
        XCTAssert(try traced.readLine().hasPrefix("error"))
        traced.write("mprotect 0x\(String(moved, radix: 16)) 0x\(String(moved + page, radix: 16)) 5")
        XCTAssert(try traced.readLine().hasPrefix("error"))
        let loaded = try traced.dlopenLibrary(library)
        let closed = try window("dlclose \(loaded.handle)")
        traced.write("exit 0")
        try traced.finish()

        let calls = traced.events.filter { $0.pid == traced.pid }.compactMap { event in event.syscall.map { (event.time, $0) } }
        let log = calls.map { "\($0.0) \($0.1.operation)" }.joined(separator: "\n")
        func expect(_ operation: TrackedSyscall.Operation, in range: ClosedRange<Int64>, _ line: UInt = #line) {
            let found = calls.filter { $0.1.operation == operation }
            XCTAssertEqual(found.count, 1, "\(operation) in\n\(log)", line: line)
            guard let (time, call) = found.first else { return }
            XCTAssert(range.contains(call.entered) && range.contains(time) && call.entered <= time, "\(call) at \(time) outside \(range)", line: line)
            XCTAssertEqual(call.tid, traced.pid, line: line)
        }
        XCTAssert(traced.events.contains { $0.mapping?.start == start && $0.mapping?.filename == Array("//anon".utf8) })
        expect(.protect(start: start, length: page, protection: 1), in: protect.range)
        expect(.remap(oldStart: start, oldLength: page, newStart: moved, newLength: 2 * page, flags: 1), in: remap.range)
        expect(.unmap(start: moved, length: 2 * page), in: unmap.range)
        XCTAssertFalse(calls.contains { if case .unmap(0x1001, _) = $0.1.operation { return true } else { return false } })
        XCTAssertFalse(calls.contains { $0.1.operation == .protect(start: moved, length: page, protection: 5) })
        XCTAssertGreaterThanOrEqual(traced.session.statistics.failedSyscalls, 2)
        XCTAssertEqual(traced.session.statistics.unmatchedSyscallExits, 0)

        // dlclose unmaps the library's whole reservation, its code included.
        let unloads = calls.filter { closed.range.contains($0.0) }.map(\.1)
        XCTAssert(unloads.contains { $0.affectedRange(pageSize: page).contains(loaded.start) && $0.affectedRange(pageSize: page).contains(loaded.end - 1) },
                  "no munmap of \(String(loaded.start, radix: 16))-\(String(loaded.end, radix: 16)):\n\(log)")
    }
}

extension TrackedCommand {
    /// `dlopen PATH` through the fixture.
    func dlopenLibrary(_ path: String) throws -> FixtureProcess.LoadedLibrary {
        let fields = try send("dlopen \(path)")
        return FixtureProcess.LoadedLibrary(
            handle: Int(fields[0])!, start: UInt64(fields[1].dropFirst(2), radix: 16)!,
            end: UInt64(fields[2].dropFirst(2), radix: 16)!, code: UInt64(fields[3].dropFirst(2), radix: 16)!,
            time: Int64(fields[4])!)
    }
}
