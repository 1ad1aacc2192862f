import Foundation
import SystemPackage
import Testing
@testable import VMASnap

/// The system layer's error paths, reached by injecting failures into one
/// object's `SystemCalls` while everything else runs against the real kernel
/// (no root, no tmpfs, no prlimit).
@Suite struct SystemLayerTests {
    /// Whether a failure is armed, and how many calls it met (shared with the table's closures).
    final class Switch: @unchecked Sendable {
        private let lock = NSLock()
        private var isArmed = false
        private var count = 0
        var armed: Bool {
            get { lock.withLock { isArmed } }
            set { lock.withLock { isArmed = newValue } }
        }
        var calls: Int { lock.withLock { count } }
        func hit() -> Bool { lock.withLock { count += 1; return isArmed } }
    }

    static func recording(_ name: String) throws -> String {
        let path = RecordingReaderTests.temporaryPath(name)
        _ = try SyntheticRecording.write(to: path, seed: 3, rounds: 12, maximumProcesses: 2, flushInterval: 200_000_000)
        return path
    }

    @Test func anIOErrorWhileReadingIsAnIOErrorNotDamage() throws {
        let path = try Self.recording("eio")
        let failing = Switch()
        var system = SystemCalls.live
        system.readAt = { descriptor, offset, buffer throws(Errno) in
            if failing.hit() { throw .ioError }
            return try SystemCalls.live.readAt(descriptor, offset, buffer)
        }
        let reader = try RecordingReader(path: path, system: system)
        #expect(reader.truncation == nil)
        failing.armed = true
        #expect(reader.verify() == nil)
        #expect(reader.readError == SystemError(.read, path, .ioError))
        #expect(reader.readError?.description == "cannot read \(path): Input/output error (EIO)")
        failing.armed = false
        let again = try RecordingReader(path: path, system: system)
        failing.armed = true
        #expect(Array(again.records()).isEmpty)
        #expect(again.readError?.errno == .ioError)
        #expect(again.truncation == nil)
        // Opening itself: the I/O error, not "not a recording".
        #expect(throws: SystemError(.read, path, .ioError)) { try RecordingReader(path: path, system: system) }
    }

    @Test func filesThatAreNotRecordingsSaySo() throws {
        // /proc says 0 bytes and holds text; /dev/null is a character device.
        let proc = #expect(throws: FormatError.self) { try RecordingReader(path: "/proc/version") }
        #expect(proc?.reason == .notARecording)
        let device = #expect(throws: FormatError.self) { try RecordingReader(path: "/dev/null") }
        #expect(device?.description.contains("not a regular file") == true)
        let result = try CommandResult.run(["info", "/proc/version"])
        #expect(result.status == 4)
        #expect(result.standardError == "vmasnap: byte 0: not a vmasnap recording (no \"VMASNAP\" magic)\n")
    }

    @Test func aFailedWriteIsReportedAndCutBack() throws {
        let path = RecordingReaderTests.temporaryPath("enospc")
        // Armed: the next write takes half of what it is given, every later one finds the disk full.
        final class Disk: @unchecked Sendable { var armed = false; var full = false }
        let disk = Disk()
        var system = SystemCalls.live
        system.write = { descriptor, bytes throws(Errno) in
            if disk.full { throw .noSpace }
            guard disk.armed, bytes.count > 1 else { return try SystemCalls.live.write(descriptor, bytes) }
            disk.full = true
            return try SystemCalls.live.write(descriptor, UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count / 2)]))
        }
        let writer = try RecordingWriter(path: path, header: RecordingWriterTests.header(flushInterval: 10_000_000_000), system: system)
        try writer.beginRound(time: 2_000_000_000)
        let number = try writer.processSeen(RecordingWriterTests.process)
        _ = try writer.snapshot(process: number, mappings: [RecordingWriterTests.mapping(0x40_0000, 0x40_2000)])
        try writer.endRound()
        let before = RecordingWriterTests.size(path)
        disk.armed = true
        #expect(throws: WriterError.system(SystemError(.write, path, .noSpace))) { try writer.flush() }
        // Nothing of the partial frame stays; what came before reads back.
        #expect(RecordingWriterTests.size(path) == before)
        let reader = try RecordingReader(path: path)
        #expect(reader.truncation?.reason == .unfinished)
        #expect(reader.summary.rounds == 0)
    }

    @Test func closeErrorsOfTheRecordingAreReported() throws {
        let path = RecordingReaderTests.temporaryPath("close")
        final class Target: @unchecked Sendable { var descriptor: FileDescriptor? }
        let target = Target()
        var system = SystemCalls.live
        system.close = { descriptor throws(Errno) in
            try SystemCalls.live.close(descriptor)
            if descriptor == target.descriptor { throw .ioError }
        }
        let writer = try RecordingWriter(path: path, header: RecordingWriterTests.header(), system: system)
        target.descriptor = writer.descriptor
        #expect(throws: WriterError.system(SystemError(.close, path, .ioError))) { try writer.finish() }
        // Everything was written before the close: the file is whole.
        #expect(try RecordingReader(path: path).truncation == nil)
    }

    @Test func lineReaderReportsReadErrors() throws {
        var system = SystemCalls.live
        system.read = { _, _ throws(Errno) in throw .ioError }
        let reader = LineReader(descriptor: .standardInput, name: "the input", system: system)
        #expect(throws: SystemError(.read, "the input", .ioError)) { try reader.forEachLine { _, _ in } }
    }

    @Test func aDescriptorIsClosedExactlyOnce() throws {
        let closes = Switch()
        var system = SystemCalls.live
        system.close = { descriptor throws(Errno) in
            _ = closes.hit()
            try SystemCalls.live.close(descriptor)
        }
        let file = try OwnedDescriptor.open("/proc/self/stat", .readOnly, system: system)
        try file.close()
        try file.close()
        #expect(closes.calls == 1)
        do { _ = try OwnedDescriptor.open("/proc/self/stat", .readOnly, system: system) }
        #expect(closes.calls == 2)
        // closeAfter reports the body's result and closes.
        let count = try OwnedDescriptor.open("/proc/self/stat", .readOnly, system: system).closeAfter { descriptor in
            var buffer = [UInt8](repeating: 0, count: 64)
            return try buffer.withUnsafeMutableBytes { try system.read(descriptor, $0) }
        }
        #expect(count > 0)
        #expect(closes.calls == 3)
    }

    @Test func everyErrnoHasItsName() {
        #expect(Errno.noSuchFileOrDirectory.symbol == "ENOENT")
        #expect(Errno.ioError.symbol == "EIO")
        #expect(Errno.brokenPipe.symbol == "EPIPE")
        #expect(Errno(rawValue: 133).symbol == "EHWPOISON")
        #expect((1...133).allSatisfy { Errno(rawValue: $0).symbol != nil || [41, 58].contains($0) })
        #expect(Errno(rawValue: 9999).symbol == nil)
    }

    @Test func timersFireAtTheirDeadlinesInOrder() throws {
        let loop = try EventLoop(system: .live)
        let early = try DeadlineTimer(system: .live)
        let late = try DeadlineTimer(system: .live)
        final class Log: @unchecked Sendable { var fired: [String] = [] }
        let log = Log()
        try loop.add(late.descriptor) { if late.expired() { log.fired.append("late") } }
        try loop.add(early.descriptor) { if early.expired() { log.fired.append("early") } }
        let now = SystemCalls.live.now(.monotonic)
        try late.schedule(at: now + 40_000_000)
        try early.schedule(at: now + 10_000_000)
        while log.fired.count < 2 { try loop.wait() }
        #expect(log.fired == ["early", "late"])
        #expect(SystemCalls.live.now(.monotonic) >= now + 40_000_000)
        // Nothing armed: a bounded wait runs nothing.
        #expect(try loop.wait(milliseconds: 20) == 0)
        // A deadline in the past fires at once.
        try early.schedule(at: now)
        #expect(try loop.wait(milliseconds: 1000) == 1)
    }
}

extension SystemLayerTests {
    /// A one-shot source (EPOLLONESHOT) runs once while its descriptor stays
    /// readable, where a level-triggered one runs at every wait, and once
    /// more after each rearm. A real pipe, the real epoll.
    @Test func aOneShotSourceRunsOnceUntilRearmed() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        let loop = try EventLoop(system: .live)
        final class Runs: @unchecked Sendable { var oneShot = 0; var levelTriggered = 0 }
        let runs = Runs()
        let source = try loop.add(FileDescriptor(rawValue: ends[0]), oneShot: true) { runs.oneShot += 1 }
        var second: [Int32] = [0, 0]
        try #require(pipe(&second) == 0)
        defer { close(second[0]); close(second[1]) }
        try loop.add(FileDescriptor(rawValue: second[0])) { runs.levelTriggered += 1 }
        var byte: UInt8 = 1
        try #require(write(ends[1], &byte, 1) == 1 && write(second[1], &byte, 1) == 1)
        // Nothing is read: both stay readable.
        for _ in 0..<3 { try loop.wait(milliseconds: 0) }
        #expect(runs.oneShot == 1 && runs.levelTriggered == 3)
        try loop.rearm(source)
        try loop.wait(milliseconds: 0)
        try loop.wait(milliseconds: 0)
        #expect(runs.oneShot == 2 && runs.levelTriggered == 5)
    }
}
