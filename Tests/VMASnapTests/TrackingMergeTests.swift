import XCTest
@testable import VMASnap

/// The parts of tracking that are pure logic: the kernel's text formats
/// (CPU lists, tracefs formats), merging per-CPU streams, pairing syscall
/// entries with returns, and a process's last thread.
final class TrackingMergeTests: XCTestCase {
    func testCPUListsAsTheKernelWritesThem() {
        XCTAssertEqual(OnlineCPUs.parse("0-1\n"), [0, 1])
        XCTAssertEqual(OnlineCPUs.parse("0,2-4,7\n"), [0, 2, 3, 4, 7])
        XCTAssertEqual(OnlineCPUs.parse("5"), [5])
        XCTAssertNil(OnlineCPUs.parse("3-1"))
        XCTAssertNil(OnlineCPUs.parse("a"))
    }

    /// This kernel's own format file for sys_enter_mprotect.
    func testTracefsFormatFieldsFoundByName() {
        let format = """
            name: sys_enter_mprotect
            ID: 705
            format:
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

            \tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;
            \tfield:unsigned long start;\toffset:16;\tsize:8;\tsigned:0;
            \tfield:size_t len;\toffset:24;\tsize:8;\tsigned:0;
            \tfield:unsigned long prot;\toffset:32;\tsize:8;\tsigned:0;

            print fmt: "start: 0x%08lx, len: 0x%08lx, prot: 0x%08lx", ((unsigned long)(REC->start))
            """
        let fields = SyscallTracepoint.fields(named: ["start", "len", "prot"], inFormat: format)
        XCTAssertEqual(fields, [.init(offset: 16, size: 8), .init(offset: 24, size: 8), .init(offset: 32, size: 8)])
        XCTAssertEqual(SyscallTracepoint.fields(named: ["common_pid"], inFormat: format), [.init(offset: 4, size: 4)])
        XCTAssertNil(SyscallTracepoint.fields(named: ["ret"], inFormat: format))
    }

    private func record(_ time: Int64, cpu: Int32, pid: Int32 = 1) -> TimedRecord {
        TimedRecord(time: time, cpu: cpu, body: .event(.processExited(pid: pid)))
    }

    /// Records are handed on in time order across buffers, and only once
    /// every buffer has been read past them.
    func testMergedInTimeOrderOnlyOnceEveryBufferWasReadPastThem() {
        var merger = EventMerger(buffers: 2)
        merger.add([record(10, cpu: 0), record(30, cpu: 0)], buffer: 0, readTime: 100)
        var taken: [Int64] = []
        // Buffer 1 was never read: nothing is final.
        merger.take(before: merger.readHorizon) { taken.append($0.time) }
        XCTAssertEqual(taken, [])
        merger.add([record(20, cpu: 1), record(120, cpu: 1)], buffer: 1, readTime: 130)
        merger.take(before: merger.readHorizon) { taken.append($0.time) }
        XCTAssertEqual(taken, [10, 20, 30])
        XCTAssertEqual(merger.pendingCount, 1)
        XCTAssertEqual(merger.oldestPending, 120)
        // A task migrated: buffer 0 now holds an older record than buffer 1's.
        merger.add([record(110, cpu: 0)], buffer: 0, readTime: 200)
        merger.add([], buffer: 1, readTime: 200)
        merger.take(before: merger.readHorizon) { taken.append($0.time) }
        XCTAssertEqual(taken, [10, 20, 30, 110, 120])
        XCTAssertEqual(merger.lateRecords, 0)
        // A record older than what was handed on still comes, counted as late.
        merger.add([record(50, cpu: 0)], buffer: 0, readTime: 300)
        merger.take(before: .max) { taken.append($0.time) }
        XCTAssertEqual(taken.last, 50)
        XCTAssertEqual(merger.lateRecords, 1)
    }

    func testRecordsOutOfOrderWithinABufferAreSortedStably() {
        var merger = EventMerger(buffers: 1)
        merger.add([record(5, cpu: 0, pid: 1), record(3, cpu: 0, pid: 2), record(5, cpu: 0, pid: 3)], buffer: 0, readTime: 10)
        var taken: [Int32] = []
        merger.take(before: .max) { if case .event(.processExited(let pid)) = $0.body { taken.append(pid) } }
        XCTAssertEqual(taken, [2, 1, 3])
        XCTAssertEqual(merger.reorderedInBuffer, 1)
    }

    func testSyscallsPairedByThreadAndFailuresDropped() {
        var matcher = SyscallMatcher()
        matcher.enter(tid: 7, call: .munmap, arguments: [0x1000, 0x2000], time: 1)
        matcher.enter(tid: 8, call: .mprotect, arguments: [0x5000, 0x1000, 1], time: 2)
        XCTAssertEqual(matcher.exit(pid: 7, tid: 7, call: .munmap, result: 0),
                       TrackedSyscall(pid: 7, tid: 7, operation: .unmap(start: 0x1000, length: 0x2000), entered: 1))
        XCTAssertNil(matcher.exit(pid: 7, tid: 8, call: .mprotect, result: -12))  // ENOMEM
        XCTAssertEqual(matcher.failed, 1)
        XCTAssertNil(matcher.exit(pid: 7, tid: 9, call: .munmap, result: 0))
        XCTAssertEqual(matcher.unmatchedExits, 1)
        matcher.enter(tid: 7, call: .mremap, arguments: [0x1000, 0x1000, 0x3000, 1, 0], time: 3)
        // A new address in the upper half is a result, not an error.
        let high = UInt64(0xffff_8000_0000_0000)
        XCTAssertEqual(matcher.exit(pid: 7, tid: 7, call: .mremap, result: Int64(bitPattern: high))?.operation,
                       .remap(oldStart: 0x1000, oldLength: 0x1000, newStart: high, newLength: 0x3000, flags: 1))
        matcher.enter(tid: 7, call: .munmap, arguments: [0, 1], time: 4)
        matcher.threadExited(tid: 7)
        XCTAssertEqual(matcher.abandonedEntries, 1)
    }

    func testAProcessEndsWithItsLastThread() {
        var table = ThreadTable()
        table.seed(pid: 10, threads: [10, 11])
        table.created(pid: 10, tid: 12)
        XCTAssertFalse(table.exited(pid: 10, tid: 10), "the leader can end before its threads")
        XCTAssertFalse(table.exited(pid: 10, tid: 12))
        XCTAssertTrue(table.exited(pid: 10, tid: 11))
        // A thread execs: the others are gone, and it takes the process's id.
        table.seed(pid: 20, threads: [20, 21, 22])
        XCTAssertFalse(table.exited(pid: 20, tid: 20))
        table.exec(pid: 20)
        XCTAssertTrue(table.exited(pid: 20, tid: 20))
        // Unknown to the table: the main thread's exit is the process's.
        XCTAssertTrue(table.exited(pid: 30, tid: 30))
        XCTAssertFalse(table.exited(pid: 30, tid: 31))
        XCTAssertEqual(table.processCount, 0)
    }

    func testAffectedRangesInWholePages() {
        let call = TrackedSyscall(pid: 1, tid: 1, operation: .unmap(start: 0x1000, length: 1), entered: 0)
        XCTAssertEqual(call.affectedRange(pageSize: 4096), 0x1000..<0x2000)
        let remap = TrackedSyscall(pid: 1, tid: 1, operation: .remap(oldStart: 0x1000, oldLength: 0x1000, newStart: 0x9000,
                                                                     newLength: 0x1800, flags: 1), entered: 0)
        XCTAssertEqual(remap.remappedRange(pageSize: 4096), 0x9000..<0xb000)
        XCTAssertEqual(TrackingSession.powerOfTwo(atMost: 100), 64)
        XCTAssertEqual(TrackingSession.powerOfTwo(atMost: 1), 1)
    }
}
