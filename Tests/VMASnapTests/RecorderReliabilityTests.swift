import Foundation
import SystemPackage
import Testing
@testable import VMASnap

/// Issue 11: an error that stops a recording still leaves a file with its
/// index and every round written, and a summary that claims no more; memory
/// follows the processes alive, not those seen; the library refuses what it
/// cannot record instead of trapping.
@Suite struct RecorderReliabilityTests {
    // MARK: Errors that stop a recording

    /// The disk fills up (after three frames every write of a records frame
    /// fails; the index, written with the footer, still fits): the recording
    /// stops with the error, the file keeps every frame written before and
    /// gets its index, and the outcome counts what the file holds, not what
    /// was recorded.
    @Test func aFullDiskStillLeavesAnIndexAndAnHonestCount() throws {
        let path = RecordingWriterTests.temporaryPath("full-disk")
        final class Disk: @unchecked Sendable { var writes = 0 }
        let disk = Disk()
        var system = SystemCalls.live
        let footerMagic = Array("VMASNEND".utf8)
        system.write = { descriptor, bytes throws(Errno) in
            // The header and three frames fit (counted, not sized: a frame's
            // size depends on how the churner ran); then only the index.
            disk.writes += 1
            if disk.writes > 4 && !bytes.suffix(footerMagic.count).elementsEqual(footerMagic) { throw .noSpace }
            return try SystemCalls.live.write(descriptor, bytes)
        }
        let fixture = try FixtureProcess()
        fixture.sendWithoutAnswer("churn \(ConcurrentChangeTests.churnFile) 600000")
        let writer = try RecordingWriter(
            path: path, header: .current(options: "test", backend: .ioctl, flushInterval: 20_000_000), system: system)
        var configuration = RecorderConfiguration(target: .processes([fixture.pid]), interval: 1_000_000, backend: .ioctl)
        configuration.adoptsOrphans = false
        let recorder = try Recorder(configuration: configuration, writer: writer, system: .live)
        final class Stops: @unchecked Sendable { var errors: [Error] = [] }
        let stops = Stops()
        let outcome = try recorder.run(stopped: { stops.errors.append($0) })
        #expect(outcome.ending == .failed)
        #expect(outcome.failure as? WriterError == .system(SystemError(.write, path, .noSpace)))
        #expect(stops.errors.count == 1)
        let reader = try RecordingReader(path: path)
        #expect(reader.truncation == nil)
        #expect(!reader.indexWasRebuilt)
        #expect(reader.verify() == nil)
        #expect(reader.summary.frames >= 3)
        let claimed = outcome.status.statistics
        #expect(claimed.rounds == reader.summary.rounds)
        #expect(claimed.snapshots == reader.summary.snapshots)
        #expect(claimed.bytesWritten == UInt64(RecordingWriterTests.size(path)))
        #expect(claimed.rounds < writer.statistics.rounds)
    }

    /// A round cut off by an error is left out whole: the file holds the
    /// rounds before it, and nothing of its records.
    @Test func aDiscardedRoundLeavesNothingBehind() throws {
        let path = RecordingWriterTests.temporaryPath("discard")
        let writer = try RecordingWriter(path: path, header: RecordingWriterTests.header())
        try writer.beginRound(time: 2_000_000_000)
        let number = try writer.processSeen(RecordingWriterTests.process)
        _ = try writer.snapshot(process: number, mappings: [RecordingWriterTests.mapping(0x40_0000, 0x40_2000)])
        try writer.endRound()
        try writer.beginRound(time: 3_000_000_000)
        _ = try writer.snapshot(process: number, mappings: [RecordingWriterTests.mapping(0x50_0000, 0x50_2000, path: "/new")])
        let other = try writer.processSeen(RecordedProcess(
            identity: ProcessIdentity(pid: 99, startTime: 1), parentPID: 1, command: Array("x".utf8), executable: nil))
        _ = try writer.snapshot(process: other, mappings: [RecordingWriterTests.mapping(0x60_0000, 0x60_1000)])
        try writer.discardRound()
        try writer.finish()
        #expect(writer.statisticsInFile.rounds == 1 && writer.statisticsInFile.processes == 1)
        let reader = try RecordingReader(path: path)
        #expect(reader.truncation == nil && !reader.indexWasRebuilt)
        #expect(reader.summary.rounds == 1)
        #expect(reader.processes.count == 1)
        let history = try reader.history(of: 0)
        #expect(history.epochs.map { $0.mappings.map(\.start) } == [[0x40_0000]])
    }

    /// A snapshot that cannot fit in its round's frame is refused, with
    /// nothing of it kept (not even the paths it defined); the writer goes on.
    @Test func aSnapshotTooLargeForAFrameIsRefusedAndTakenBack() throws {
        let path = RecordingWriterTests.temporaryPath("too-large")
        let writer = try RecordingWriter(path: path, header: RecordingWriterTests.header())
        try writer.beginRound(time: 2_000_000_000)
        let small = try writer.processSeen(RecordingWriterTests.process)
        _ = try writer.snapshot(process: small, mappings: [RecordingWriterTests.mapping(0x40_0000, 0x40_2000)])
        let large = try writer.processSeen(RecordedProcess(
            identity: ProcessIdentity(pid: 77, startTime: 1), parentPID: 1, command: Array("big".utf8), executable: nil))
        // 20,000 mappings of files whose names are 4000 bytes: 80 MB of paths.
        let name = String(repeating: "n", count: 4000)
        let mappings = (0..<20_000).map { index in
            RecordingWriterTests.mapping(0x1000_0000 + UInt64(index) * 0x2000, 0x1000_1000 + UInt64(index) * 0x2000,
                                         path: "/\(index)/\(name)")
        }
        let pathsBefore = writer.pathNumbers.count
        #expect(throws: WriterError.self) { try writer.snapshot(process: large, mappings: mappings) }
        #expect(writer.pathNumbers.count == pathsBefore)
        #expect(writer.roundRecordBytes < 64 << 10)
        try writer.processGone(process: large, reason: .unreadable)
        try writer.endRound()
        try writer.finish()
        let reader = try RecordingReader(path: path)
        #expect(reader.truncation == nil)
        #expect(try reader.history(of: 0).epochs.count == 1)
        #expect(try reader.history(of: 1).goneTime != nil)
    }

    /// A -p process killed and reaped before the first round could walk it
    /// (a loaded machine: the recorder had published its file, the test saw
    /// it and killed the process) ends the recording at that round, instead
    /// of waiting forever for a pid no listing shows.
    @Test func aTargetReapedBeforeItsFirstWalkEndsTheRecording() throws {
        let fixture = try FixtureProcess()
        let harness = try RecorderHarness(target: .processes([fixture.pid]))
        fixture.kill()
        #expect(try harness.round() == .targetsGone)
        let reader = try harness.finish()
        #expect(reader.processes.isEmpty && reader.summary.rounds == 1)
    }

    // MARK: Memory under process turnover

    /// Past `indexedProcessLimit` processes the writer keeps nothing of gone
    /// processes and builds the index by reading its frames back: the file
    /// is byte for byte the one a writer that built it all along writes.
    @Test func readingTheFramesBackGivesTheSameFile() throws {
        let paths = [RecordingWriterTests.temporaryPath("built"), RecordingWriterTests.temporaryPath("read-back")]
        var writers: [RecordingWriter] = []
        for (index, path) in paths.enumerated() {
            let writer = try RecordingWriter(path: path, header: RecordingWriterTests.header(flushInterval: 50_000_000))
            if index == 1 { writer.indexedProcessLimit = 5 }
            writers.append(writer)
        }
        var generator = SeededGenerator(seed: 11)
        var live: [(number: Int, base: UInt64)] = []
        var nextPID: Int32 = 100
        for round in 0..<300 {
            let time = 2_000_000_000 + Int64(round) * 10_000_000
            // Three new processes a round, each living a few rounds; some change.
            var decisions: [UInt64] = []
            for _ in 0..<(live.count + 3) { decisions.append(UInt64.random(in: 0..<10, using: &generator)) }
            for writer in writers {
                try writer.beginRound(time: time)
                var stillLive: [(number: Int, base: UInt64)] = []
                for (index, process) in live.enumerated() {
                    switch decisions[index] {
                    case 0...2:
                        try writer.processGone(process: process.number, reason: .exited, time: time + 1000)
                    case 3:
                        _ = try writer.snapshot(process: process.number, mappings: [
                            RecordingWriterTests.mapping(process.base, process.base + 0x2000),
                            RecordingWriterTests.mapping(process.base + 0x10_0000, process.base + 0x10_1000, path: "/lib/y.so")])
                        stillLive.append(process)
                    default:
                        stillLive.append(process)
                    }
                }
                for added in 0..<3 {
                    let pid = nextPID + Int32(added)
                    let number = try writer.processSeen(RecordedProcess(
                        identity: ProcessIdentity(pid: pid, startTime: UInt64(round)), parentPID: 1,
                        command: Array("p\(pid % 7)".utf8), executable: MappedPath("/bin/p")))
                    let base = UInt64(0x40_0000 + Int(decisions[live.count + added]) * 0x10_0000)
                    _ = try writer.snapshot(process: number, mappings: [RecordingWriterTests.mapping(base, base + 0x2000)])
                    stillLive.append((number, base))
                }
                try writer.endRound()
                if writer === writers.last { live = stillLive }
            }
            nextPID += 3
        }
        // Nothing of gone processes stays, and past its limit the second
        // writer holds no index.
        for writer in writers {
            #expect(writer.liveProcesses.count == live.count)
            #expect(writer.liveNumbers.count == live.count)
            #expect(writer.processCount == 900)
        }
        #expect(writers[0].builder != nil)
        #expect(writers[1].builder == nil)
        for writer in writers { try writer.finish() }
        let files = paths.map { FileManager.default.contents(atPath: $0) }
        #expect(files[0] != nil && files[0] == files[1])
        let reader = try RecordingReader(path: paths[1])
        #expect(!reader.indexWasRebuilt && reader.truncation == nil)
        #expect(reader.processes.count == 900)
    }

    /// The recorder's tables after a command's 300 short-lived children:
    /// sized by the processes alive, not by those seen (the unit of the
    /// memory bound that Scripts/stress measures over 100,000 processes).
    @Test func theRecordersTablesFollowTheProcessesAlive() throws {
        let harness = try RecorderHarness(target: .command([BuildProducts.fixture]))
        harness.writer.indexedProcessLimit = 20
        harness.recorder.command = try ChildCommand(
            [BuildProducts.fixture, "--script", "spawn 300 10 150"], system: .live)
        var largest = 0
        while try harness.round() != .commandExited {
            largest = max(largest, harness.recorder.tracked.count)
            #expect(harness.writer.liveProcesses.count == harness.recorder.tracked.count)
            #expect(harness.recorder.settled.count <= 20)
        }
        // Ten children at a time and the command (a scan may list one child
        // just reaped and the next just forked).
        #expect(largest <= 20)
        #expect(harness.writer.statistics.processes > 100)
        #expect(harness.writer.builder == nil)
        #expect(harness.writer.liveProcesses.count <= 1)
        let reader = try harness.finish()
        #expect(reader.processes.count == harness.writer.statistics.processes)
        #expect(!reader.indexWasRebuilt)
    }

    // MARK: What the library is given

    /// `Recorder.run` refuses, rather than traps on, what it cannot record.
    @Test func theRecorderRefusesWhatItCannotRecord() throws {
        let cases: [(RecordingTarget, Int64, RecorderError)] = [
            (.command([]), 100_000_000, .cannotStart(command: "", errno: .noSuchFileOrDirectory)),
            (.command([""]), 100_000_000, .cannotStart(command: "", errno: .noSuchFileOrDirectory)),
            (.allProcesses, 0, .intervalTooShort(nanoseconds: 0)),
            (.allProcesses, -5, .intervalTooShort(nanoseconds: -5)),
            (.processes([]), 100_000_000, .noProcesses),
            (.processes([getpid(), -1]), 100_000_000, .invalidProcessID(-1)),
            (.processes([0]), 100_000_000, .invalidProcessID(0)),
        ]
        for (target, interval, expected) in cases {
            let path = RecordingWriterTests.temporaryPath("refused")
            let writer = try RecordingWriter(path: path, header: RecordingWriterTests.header())
            var configuration = RecorderConfiguration(target: target, backend: .ioctl)
            configuration.interval = interval
            configuration.adoptsOrphans = false
            #expect(throws: expected) { try configuration.validate() }
            let recorder = try Recorder(configuration: configuration, writer: writer)
            #expect(throws: expected) { try recorder.run() }
        }
        var configuration = RecorderConfiguration(target: .allProcesses, backend: .ioctl)
        configuration.duration = Int64.max
        #expect(throws: RecorderError.tooLong(nanoseconds: Int64.max)) { try configuration.validate() }
    }

    @Test func textHelpersTakeAnyArgument() {
        #expect(Decimal.fixed(1234, places: -3) == "1234")
        #expect(Decimal.fixed(Int64.min, places: 40) == "-9.223372036854775808")
        #expect(Decimal.format(1.5, places: -1) == "2")
        #expect(TimeText.format(nanoseconds: Int64.min) == "-9223372036.854775808")
        #expect(DurationText.format(Int64.min).hasSuffix("ns"))
        #expect(!TimeText.utc(realtime: Int64.min).isEmpty && !TimeText.utc(realtime: Int64.max).isEmpty)
        #expect(LookupTime.sinceStart(Int64.max).exactNanoseconds(start: 1) == nil)
        #expect(LookupTime.sinceStart(Int64.max).nanoseconds(start: 1) == Int64.max)
    }
}
