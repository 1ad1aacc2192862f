import Foundation
import SystemPackage
import XCTest
@testable import VMASnap

/// Tracking events on a command started gated (`record -- command`): the
/// real kernel's records for real processes, checked against what the
/// traced program itself did and when (its own CLOCK_MONOTONIC readings).
final class TrackingCommandTests: XCTestCase {
    /// A thread is no new process; a fork is, and both end; a dlopen'd
    /// library arrives with its build ID; every time falls between the
    /// fixture's readings before and after the action.
    func testThreadForkDlopenAndExitsInTimeOrder() throws {
        let library = try TestLibraries.build(name: "tracking-dl", buildID: "7a11c0de7a11c0de", seed: 3)
        let traced = try TrackedCommand()
        let pid = traced.pid

        let beforeThread = Int64(try traced.send("time")[0])!
        let threadFields = try traced.send("thread 20")
        let tid = Int32(threadFields[0])!
        let beforeFork = Int64(try traced.send("time")[0])!
        let forkFields = try traced.send("fork 10")
        let child = Int32(forkFields[0])!
        let afterFork = Int64(forkFields[1])!
        let reaped = try traced.send("wait")
        let beforeOpen = Int64(try traced.send("time")[0])!
        let loaded = try traced.send("dlopen \(library)")
        let afterOpen = Int64(loaded[4])!
        traced.write("exit 0")
        XCTAssertEqual(try traced.finish(), 0)
        let events = traced.events
        let log = events.map(\.summary).joined(separator: "\n")

        XCTAssertEqual(events.map(\.time), events.map(\.time).sorted(), "events out of time order:\n\(log)")
        XCTAssertEqual(traced.session.statistics.lostRecords, 0)

        let threadCreated = events.filter { if case .threadCreated(let task) = $0.kind { return task.tid == tid } else { return false } }
        XCTAssertEqual(threadCreated.count, 1, log)
        XCTAssertFalse(events.contains { $0.createdProcess?.pid == tid }, "a thread reported as a process:\n\(log)")
        if let created = threadCreated.first {
            XCTAssertEqual(created.pid, pid)
            XCTAssert((beforeThread...Int64(threadFields[1])!).contains(created.time), log)
        }
        XCTAssert(events.contains { if case .threadExited(let task) = $0.kind { return task.tid == tid } else { return false } }, log)

        let forked = events.filter { $0.createdProcess?.pid == child }
        XCTAssertEqual(forked.count, 1, log)
        XCTAssertEqual(forked.first?.createdProcess?.parentPID, pid)
        if let time = forked.first?.time { XCTAssert((beforeFork...afterFork).contains(time), log) }
        let childGone = events.firstIndex { $0.kind == .processExited(pid: child) }
        XCTAssertNotNil(childGone, log)
        if let childGone { XCTAssertLessThanOrEqual(events[childGone].time, Int64(reaped[1])!) }

        let mapped = events.compactMap(\.mapping).filter { String(decoding: $0.filename, as: UTF8.self) == library }
        XCTAssertEqual(mapped.count, 1, "one MMAP2 for the library's one executable segment:\n\(log)")
        if let mapping = mapped.first {
            XCTAssertEqual(mapping.pid, pid)
            XCTAssertEqual(mapping.start, UInt64(loaded[1].dropFirst(2), radix: 16)!)
            XCTAssertEqual(mapping.end, UInt64(loaded[2].dropFirst(2), radix: 16)!)
            // The session asks for no build IDs (MmapBuildIDFlagTests): the
            // library's device and inode.
            var status = stat()
            XCTAssertEqual(stat(library, &status), 0)
            let device = DeviceNumber(encoded: UInt64(status.st_dev))
            guard case .inode(let major, let minor, let inode, _) = mapping.identity else {
                return XCTFail("\(mapping.identity)")
            }
            XCTAssertEqual(DeviceNumber(major: major, minor: minor), device)
            XCTAssertEqual(inode, UInt64(status.st_ino))
        }
        if let time = events.first(where: { event in event.mapping.map { String(decoding: $0.filename, as: UTF8.self) == library } ?? false })?.time {
            XCTAssert((beforeOpen...afterOpen).contains(time), log)
        }
        XCTAssertEqual(events.last?.kind, .processExited(pid: pid), log)
    }

    /// A thread other than the main one execs: the kernel ends every other
    /// thread (the main one too) and the exec'ing thread takes the process's
    /// id. The process lives on in the new program: it ends only when that does.
    func testAThreadThatExecsEndsTheOtherThreadsNotTheProcess() throws {
        let traced = try TrackedCommand()
        let sleeper = Int32(try traced.send("thread 10000")[0])!
        traced.write("threadexec /bin/true")
        try traced.finish()
        let pid = traced.pid
        let events = traced.events.filter { $0.pid == pid }
        let log = events.map(\.summary).joined(separator: "\n")
        let exec = try XCTUnwrap(events.firstIndex { $0.exec?.command == Array("true".utf8) }, log)
        XCTAssertEqual(events[exec].exec?.tid, pid, "the exec'ing thread has the process's id by then")
        let before = events[..<exec]
        XCTAssert(before.contains { if case .threadExited(let task) = $0.kind { return task.tid == sleeper } else { return false } }, log)
        XCTAssert(before.contains { if case .threadExited(let task) = $0.kind { return task.tid == pid } else { return false } }, log)
        XCTAssertFalse(before.contains { $0.kind == .processExited(pid: pid) }, log)
        XCTAssert(events[exec...].contains { String(decoding: $0.mapping?.filename ?? [], as: UTF8.self).hasSuffix("bin/true") }, log)
        XCTAssertEqual(events.last?.kind, .processExited(pid: pid), log)
        XCTAssertEqual(events.filter { $0.kind == .processExited(pid: pid) }.count, 1, log)
    }

    /// A file whose ELF header is not in the page cache is mapped
    /// PROT_EXEC: the kernel cannot read its build ID without faulting, and
    /// falls back to device and inode (the other MMAP2 variant).
    func testAColdFileComesWithDeviceAndInode() throws {
        let library = try TestLibraries.build(name: "tracking-cold", buildID: "c01dc01dc01dc01d", seed: 6)
        let fd = open(library, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        fsync(fd)
        posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let view = mmap(nil, page, PROT_READ, MAP_SHARED, fd, 0)!
        var resident: UInt8 = 0
        mincore(view, page, &resident)
        munmap(view, page)
        guard resident & 1 == 0 else { throw XCTSkip("the page cache kept the file") }
        var status = stat()
        fstat(fd, &status)

        let traced = try TrackedCommand()
        let mapped = try traced.send("mmap \(library)")
        traced.write("exit 0")
        try traced.finish()
        let start = UInt64(mapped[0].dropFirst(2), radix: 16)!
        let mapping = try XCTUnwrap(traced.events.compactMap(\.mapping).first { $0.start == start })
        guard case .inode(let major, let minor, let inode, _) = mapping.identity else {
            return XCTFail("expected device and inode, got \(mapping.identity)")
        }
        XCTAssertEqual(inode, UInt64(status.st_ino))
        XCTAssertEqual(DeviceNumber(major: major, minor: minor),
                       DeviceNumber(major: UInt32(status.st_dev >> 8 & 0xfff), minor: UInt32(status.st_dev & 0xff)))
        XCTAssertEqual(mapping.pageOffset, 0)
        XCTAssertEqual(mapping.protection & 5, 5)
    }

    /// 200 children that each exec /bin/true and live about a millisecond
    /// (issue 12's workload): every one is seen created, exec'd, with its
    /// executable's mapping (the build ID readelf reads, or the inode stat
    /// gives) and libc's, and gone, with nothing lost.
    func testTwoHundredShortLivedChildrenAllSeen() throws {
        let traced = try TrackedCommand()
        let answer = try traced.send("spawn 200 /bin/true", timeout: 120)
        let (first, last) = (Int64(answer[1])!, Int64(answer[2])!)
        traced.write("exit 0")
        try traced.finish()
        let events = traced.events
        XCTAssertEqual(answer[0], "200")
        XCTAssertEqual(traced.session.statistics.lostRecords, 0)

        let truePath = try FileManager.default.destinationOfSymbolicLink(atPath: "/bin").hasPrefix("usr") ? "/usr/bin/true" : "/bin/true"
        let buildID = try TrackingCommandTests.readelfBuildID(truePath)
        var status = stat()
        XCTAssertEqual(stat(truePath, &status), 0)
        let children = events.compactMap(\.createdProcess).filter { $0.parentPID == traced.pid }.map(\.pid)
        XCTAssertEqual(children.count, 200)
        XCTAssertEqual(Set(children).count, 200)
        var byPID: [Int32: [TrackingEvent]] = [:]
        for event in events { if let pid = event.pid { byPID[pid, default: []].append(event) } }
        var complete = 0
        for child in children {
            let own = byPID[child] ?? []
            guard let exec = own.firstIndex(where: { $0.exec != nil }),
                let executable = own[exec...].first(where: { String(decoding: $0.mapping?.filename ?? [], as: UTF8.self) == truePath }),
                own[exec...].contains(where: { String(decoding: $0.mapping?.filename ?? [], as: UTF8.self).contains("/libc.so") }),
                own.last?.kind == .processExited(pid: child)
            else {
                XCTFail("child \(child) incomplete:\n" + own.map(\.summary).joined(separator: "\n"))
                continue
            }
            XCTAssertEqual(own[exec].exec?.command, Array("true".utf8))
            switch executable.mapping!.identity {
            case .buildID(let bytes): XCTAssertEqual(Hex.string(bytes), buildID)
            case .inode(let major, let minor, let inode, _):
                XCTAssertEqual(inode, UInt64(status.st_ino))
                XCTAssertEqual(DeviceNumber(major: major, minor: minor),
                               DeviceNumber(major: UInt32(status.st_dev >> 8 & 0xfff), minor: UInt32(status.st_dev & 0xff)))
            case .none: XCTFail("an MMAP record, not MMAP2")
            }
            XCTAssert(own.allSatisfy { (first...last).contains($0.time) })
            complete += 1
        }
        XCTAssertEqual(complete, 200)
    }

    /// A vfork child shares its parent's address space until it execs: kcmp
    /// says so before and not after, the exec is in the stream
    /// (COMM_EXEC: the recorder reopens /proc/PID/maps), and the fallback
    /// without kcmp never claims sharing it cannot prove.
    func testVforkChildSharesItsParentsAddressSpaceUntilItsExec() throws {
        let traced = try TrackedCommand()
        let noKcmp: SystemCalls = {
            var table = SystemCalls.live
            table.shareAddressSpace = { _, _ throws(Errno) in throw Errno.noFunction }
            return table
        }()
        traced.write("vfork 150 /bin/sleep 0.05")
        let child = Int32(try traced.readLine().split(separator: " ")[1])!
        XCTAssertEqual(AddressSpaceSharing.compare(child, traced.pid), .shared)
        let parent = AddressSpaceSharing.withParent(of: child)
        XCTAssertEqual(parent?.parent, traced.pid)
        XCTAssertEqual(parent?.sharing, .shared)
        XCTAssertEqual(AddressSpaceSharing.compare(child, traced.pid, system: noKcmp), .undetermined(Errno(rawValue: ENOSYS)))

        XCTAssert(traced.drain(until: { $0.exec?.pid == child }), "no exec event for the vfork child")
        // The exec event is written after the new address space is in place.
        XCTAssertEqual(AddressSpaceSharing.compare(child, traced.pid), .separate)
        XCTAssertEqual(AddressSpaceSharing.compare(child, traced.pid, system: noKcmp), .separate)
        try traced.send("wait")

        // A plain fork child has a copy, not the same: kcmp tells them apart;
        // the fallback cannot, and says so.
        let forked = Int32(try traced.send("fork 200")[0])!
        XCTAssertEqual(AddressSpaceSharing.compare(forked, traced.pid), .separate)
        XCTAssertEqual(AddressSpaceSharing.compare(forked, traced.pid, system: noKcmp), .undetermined(Errno(rawValue: ENOSYS)))
        try traced.send("wait")
        traced.write("exit 0")
        try traced.finish()

        let own = traced.events.filter { $0.pid == child }
        let log = own.map(\.summary).joined(separator: "\n")
        XCTAssertEqual(own.first?.createdProcess?.parentPID, traced.pid, log)
        let exec = own.firstIndex { $0.exec != nil }
        XCTAssertNotNil(exec, log)
        if let exec {
            XCTAssertFalse(own[..<exec].contains { $0.mapping != nil }, "the shared address space maps nothing new:\n\(log)")
            XCTAssert(own[exec...].contains { String(decoding: $0.mapping?.filename ?? [], as: UTF8.self).hasSuffix("/sleep") }, log)
        }
        XCTAssertEqual(own.last?.kind, .processExited(pid: child), log)
    }

    /// sh → exec fixture → exec true, with children in between, traced by
    /// vmasnap and by `perf record` at once: the same execs, forks, exits and
    /// executable mappings (address, length, offset, device, inode, path),
    /// at the same times within a millisecond.
    func testExecChainAgreesWithPerfRecord() throws {
        guard PerfEndToEndTests.perfWorks else { throw XCTSkip("perf cannot record here") }
        let directory = try PerfSessions.directory("tracking-chain")
        let perfData = directory.appendingPathComponent("perf.data").path
        let traced = try TrackedCommand(
            [PerfEndToEndTests.perf, "record", "-q", "-N", "-B", "-e", "dummy:u", "-k", "CLOCK_MONOTONIC", "-o", perfData, "--",
             "/bin/sh", "-c", "exec \(BuildProducts.fixture) --script 'spawn 3 /bin/true; exec /bin/true'"],
            options: TrackingOptions(buildIDs: false))
        XCTAssertEqual(try traced.finish(), 0)
        let script = try PerfSessions.script(
            ["script", "-i", perfData, "--show-mmap-events", "--show-task-events", "--ns", "-F", "pid,tid,time"],
            executable: PerfEndToEndTests.perf)
        XCTAssertEqual(script.status, 0, script.standardError)

        let perfRecords = script.lines.compactMap(TrackingCommandTests.perfRecord)
        // perf's events begin at its child's exec; so do the ones compared here.
        guard let firstExec = perfRecords.first(where: { $0.text.hasPrefix("exec") }) else {
            return XCTFail("perf recorded no exec:\n\(script.standardOutput)")
        }
        let perfPIDs = Set(perfRecords.map(\.pid))
        let ours = traced.events.compactMap(TrackingCommandTests.normalized)
            .filter { perfPIDs.contains($0.pid) && $0.time >= firstExec.time - 1_000_000 }
        let theirs = perfRecords.filter { $0.time >= firstExec.time }
        XCTAssertEqual(ours.map(\.text), theirs.map(\.text))
        for (mine, perfs) in zip(ours, theirs) where mine.text == perfs.text {
            XCTAssertLessThan(abs(mine.time - perfs.time), 1_000_000, "\(mine.text): \(mine.time) against perf's \(perfs.time)")
        }
        XCTAssertEqual(theirs.filter { $0.text.hasPrefix("exec") }.count, 6, "sh, the fixture, three children, true")
    }

    /// One record as both sides are compared: its pid, time and a text of its fields.
    struct ComparedRecord {
        var pid: Int32
        var time: Int64
        var text: String
    }

    /// A `perf script --show-mmap-events --show-task-events --ns -F pid,tid,time` line as a record.
    static func perfRecord(_ line: String) -> ComparedRecord? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 3, fields[1].hasSuffix(":"), let time = TimeText.parseSeconds(Array(fields[1].dropLast().utf8)),
            let pid = Int32(fields[0].split(separator: "/")[0])
        else { return nil }
        let rest = fields[2...].joined(separator: " ")
        if rest.hasPrefix("PERF_RECORD_COMM exec: ") {
            let name = rest.dropFirst("PERF_RECORD_COMM exec: ".count).split(separator: ":")[0]
            return ComparedRecord(pid: pid, time: time, text: "exec \(pid) \(name)")
        }
        if rest.hasPrefix("PERF_RECORD_FORK(") || rest.hasPrefix("PERF_RECORD_EXIT(") {
            // PERF_RECORD_FORK(PID:TID):(PPID:PTID)
            let numbers = rest.split(whereSeparator: { "():".contains($0) }).dropFirst().compactMap { Int32($0) }
            guard numbers.count == 4 else { return nil }
            let kind = rest.hasPrefix("PERF_RECORD_FORK") ? "fork" : "exit"
            if kind == "fork" && numbers[0] == numbers[2] { return ComparedRecord(pid: pid, time: time, text: "thread \(numbers[0])/\(numbers[1])") }
            return ComparedRecord(pid: numbers[0], time: time, text: "\(kind) \(numbers[0])/\(numbers[1])")
        }
        if rest.hasPrefix("PERF_RECORD_MMAP2 ") {
            // PERF_RECORD_MMAP2 PID/TID: [0xSTART(0xLEN) @ 0xPGOFF MAJ:MIN INO GEN]: PERMS PATH
            guard let open = rest.firstIndex(of: "["), let close = rest.range(of: "]: ") else { return nil }
            let inside = rest[rest.index(after: open)..<close.lowerBound].split(whereSeparator: { "() @".contains($0) })
            let after = rest[close.upperBound...].split(separator: " ", maxSplits: 1)
            guard inside.count == 6, after.count == 2, after[0].contains("x") else { return nil }
            return ComparedRecord(pid: pid, time: time, text: "mmap \(pid) " + inside.joined(separator: " ") + " \(after[1])")
        }
        return nil
    }

    /// One of our events as `perfRecord` writes perf's.
    static func normalized(_ event: TrackingEvent) -> ComparedRecord? {
        switch event.kind {
        case .exec(let comm): return ComparedRecord(pid: comm.pid, time: event.time, text: "exec \(comm.pid) \(String(decoding: comm.command, as: UTF8.self))")
        case .processCreated(let task): return ComparedRecord(pid: task.pid, time: event.time, text: "fork \(task.pid)/\(task.tid)")
        case .threadCreated(let task): return ComparedRecord(pid: task.pid, time: event.time, text: "thread \(task.pid)/\(task.tid)")
        case .threadExited(let task): return ComparedRecord(pid: task.pid, time: event.time, text: "exit \(task.pid)/\(task.tid)")
        case .mapped(let mapping):
            guard case .inode(let major, let minor, let inode, let generation) = mapping.identity else { return nil }
            let device = DeviceNumber(major: major, minor: minor).description
            return ComparedRecord(pid: mapping.pid, time: event.time, text: "mmap \(mapping.pid) 0x\(String(mapping.start, radix: 16)) "
                + "0x\(String(mapping.length, radix: 16)) \(mapping.pageOffset == 0 ? "0" : "0x" + String(mapping.pageOffset, radix: 16)) "
                + "\(device) \(inode) \(generation) \(String(decoding: mapping.filename, as: UTF8.self))")
        default: return nil
        }
    }

    /// The build ID readelf reads from `path`'s notes, lowercase hex.
    static func readelfBuildID(_ path: String) throws -> String {
        let result = try CommandResult.run(["-n", path], executable: "/usr/bin/readelf")
        guard let line = result.lines.first(where: { $0.contains("Build ID:") }) else { throw FixtureError(command: "readelf", answer: result.standardOutput) }
        return String(line.split(separator: " ").last!)
    }
}
