import Testing
import Foundation
@testable import VMASnap

/// The golden recordings in Formats/golden: the writer must reproduce them
/// byte for byte from fixed inputs, and the reader must decode exactly these
/// contents from them, so that the format cannot drift silently.
///
/// To regenerate them after a deliberate format change (a version bump):
/// `VMASNAP_UPDATE_GOLDEN=1 swift test --filter GoldenFileTests`.
@Suite struct GoldenFileTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Formats/golden")

    static let header = RecordingHeader(
        clock: .monotonic, start: 1_000_000_000, referenceRealtime: 1_764_374_400_000_000_000,
        referenceMonotonic: 1_000_000_000, bootID: "8d6c2f9e-1b3a-4c5d-9e7f-0a1b2c3d4e5f", hostName: "golden",
        kernelRelease: "6.18.0", options: "vmasnap record -o golden.vmasnap -- ./app", clockTicksPerSecond: 100,
        backend: "ioctl", flushInterval: 250_000_000, keyframeInterval: 30_000_000_000,
        perfClock: PerfClockReading(perfTime: 1_000_500_000, recordingTime: 1_000_000_000, uncertainty: 800))

    /// The measurement of perf's clock the writer records as it finishes (format 1.1).
    static let finishingPerfClock = PerfClockReading(perfTime: 1_800_500_150, recordingTime: 1_800_000_000, uncertainty: 700)

    static let app = RecordedProcess(
        identity: ProcessIdentity(pid: 4242, startTime: 123_456), parentPID: 1, command: Array("app".utf8),
        executable: MappedPath("/usr/bin/app"))
    static let worker = RecordedProcess(
        identity: ProcessIdentity(pid: 4243, startTime: 123_470), parentPID: 4242, command: Array("worker".utf8),
        executable: MappedPath("/usr/bin/app"))

    static let appText = ExecutableMapping(
        start: 0x55d0_0000_1000, end: 0x55d0_0000_3000, offset: 0x1000, permissions: [.read, .execute],
        device: DeviceNumber(major: 8, minor: 1), inode: 1001, pageSize: 4096, path: MappedPath("/usr/bin/app"),
        buildID: BuildID(hex: "a1b2c3d4"))
    static let libc = ExecutableMapping(
        start: 0x7f00_0002_8000, end: 0x7f00_0003_0000, offset: 0x28000, permissions: [.read, .execute],
        device: DeviceNumber(major: 8, minor: 1), inode: 2002, pageSize: 4096, path: MappedPath("/usr/lib/libc.so.6"),
        buildID: BuildID(hex: "00112233445566778899aabbccddeeff00112233"))
    static let plugin = ExecutableMapping(
        start: 0x7f00_1000_1000, end: 0x7f00_1000_2000, offset: 0x1000, permissions: [.read, .execute],
        device: DeviceNumber(major: 8, minor: 1), inode: 3003, pageSize: 4096, path: MappedPath("/tmp/plugin.so"),
        buildID: nil)

    static let ms: Int64 = 1_000_000
    /// Round times: 1.1 s, 1.2 s … (the file's start is 1 s).
    static func time(_ tenths: Int64) -> Int64 { 1_000_000_000 + tenths * 100 * ms }

    /// The fixed inputs. Rounds: 1 keyframe of app; 2, 3 unchanged; 4 app
    /// loads plugin.so; 5 app unloads it and worker appears; 6 worker exits;
    /// 7, 8 unchanged. Flushes every 250 ms, so the rounds spread over frames.
    static func write(to path: String, finish: Bool) throws {
        let writer = try RecordingWriter(path: path, header: header, compression: false)
        writer.perfClockAtFinish = { finishingPerfClock }
        try writer.beginRound(time: time(1))
        let app = try writer.processSeen(Self.app)
        _ = try writer.snapshot(process: app, mappings: [appText, libc])
        try writer.endRound()
        for tenths: Int64 in 2...3 {
            try writer.beginRound(time: time(tenths))
            _ = try writer.snapshot(process: app, mappings: [appText, libc])
            try writer.endRound()
        }
        try writer.beginRound(time: time(4))
        _ = try writer.snapshot(process: app, mappings: [appText, libc, plugin])
        try writer.endRound()
        try writer.beginRound(time: time(5))
        _ = try writer.snapshot(process: app, mappings: [appText, libc])
        let worker = try writer.processSeen(Self.worker)
        _ = try writer.snapshot(process: worker, mappings: [appText, libc])
        try writer.endRound()
        try writer.beginRound(time: time(6))
        _ = try writer.snapshot(process: app, mappings: [appText, libc])
        try writer.processGone(process: worker, reason: .exited)
        try writer.endRound()
        for tenths: Int64 in 7...8 {
            try writer.beginRound(time: time(tenths))
            _ = try writer.snapshot(process: app, mappings: [appText, libc])
            try writer.endRound()
        }
        if finish { try writer.finish() } else { try writer.flush() }
    }

    /// The clean recording's bytes, and the cut one's: the unfinished file
    /// with its last frame cut 3 bytes short, as a killed recorder can leave it.
    static func generate() throws -> (clean: [UInt8], cut: [UInt8]) {
        let cleanPath = RecordingReaderTests.temporaryPath("golden-clean")
        let cutPath = RecordingReaderTests.temporaryPath("golden-cut")
        try write(to: cleanPath, finish: true)
        try write(to: cutPath, finish: false)
        let clean = [UInt8](try Data(contentsOf: URL(fileURLWithPath: cleanPath)))
        let unfinished = [UInt8](try Data(contentsOf: URL(fileURLWithPath: cutPath)))
        return (clean, Array(unfinished.dropLast(3)))
    }

    @Test func writerReproducesTheGoldenFilesByteForByte() throws {
        let (clean, cut) = try Self.generate()
        let cleanURL = Self.directory.appendingPathComponent("clean.vmasnap")
        let cutURL = Self.directory.appendingPathComponent("cut-short.vmasnap")
        try Self.expectGolden(clean, at: cleanURL)
        try Self.expectGolden(cut, at: cutURL)
    }

    /// Expects the golden file at `url` to hold `written`, byte for byte;
    /// with VMASNAP_UPDATE_GOLDEN=1 in the environment, writes it first.
    static func expectGolden(_ written: [UInt8], at url: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if ProcessInfo.processInfo.environment["VMASNAP_UPDATE_GOLDEN"] == "1" { try Data(written).write(to: url) }
        #expect([UInt8](try Data(contentsOf: url)) == written, sourceLocation: sourceLocation)
    }

    /// Everything in the clean golden file, as the reader must decode it.
    @Test func cleanGoldenFileDecodes() throws {
        let reader = try RecordingReader(path: Self.directory.appendingPathComponent("clean.vmasnap").path)
        #expect(reader.header == Self.header)
        #expect(reader.header.majorVersion == 2 && reader.header.minorVersion == 0)
        #expect(reader.perfClockReadings == [Self.header.perfClock!, Self.finishingPerfClock])
        #expect(!reader.indexWasRebuilt)
        #expect(reader.truncation == nil)
        #expect(reader.processes == [Self.app, Self.worker])
        let summary = reader.summary
        #expect(summary.rounds == 8)
        #expect(summary.snapshots == 8 + 1)
        #expect(summary.firstTime == Self.time(1) && summary.lastTime == Self.time(8))
        #expect(summary.fileBytes == 615)
        // Rounds 1-3, 4-6 (flushed when 250 ms have passed), 7-8 (flushed by finish()).
        #expect(summary.frames == 3)

        let base = [Self.appText, Self.libc]
        #expect(try reader.state(of: 0, at: Self.time(1) - 1) == nil)
        #expect(try reader.state(of: 0, at: Self.time(1)) == base)
        #expect(try reader.state(of: 0, at: Self.time(4)) == base + [Self.plugin])
        #expect(try reader.state(of: 0, at: Self.time(5) - 1) == base + [Self.plugin])
        #expect(try reader.state(of: 0, at: Self.time(5)) == base)
        #expect(try reader.state(of: 0, at: Self.time(100)) == base)
        #expect(try reader.state(of: 1, at: Self.time(5)) == base)
        #expect(try reader.state(of: 1, at: Self.time(6)) == nil)

        typealias Epoch = ProcessHistory.Epoch
        #expect(try reader.histories() == [
            ProcessHistory(process: Self.app, epochs: [
                Epoch(firstSeen: Self.time(1), lastSeen: Self.time(3), snapshotCount: 3, mappings: base),
                Epoch(firstSeen: Self.time(4), lastSeen: Self.time(4), snapshotCount: 1, mappings: base + [Self.plugin]),
                Epoch(firstSeen: Self.time(5), lastSeen: Self.time(8), snapshotCount: 4, mappings: base),
            ], goneTime: nil),
            ProcessHistory(process: Self.worker, epochs: [
                Epoch(firstSeen: Self.time(5), lastSeen: Self.time(5), snapshotCount: 1, mappings: base),
            ], goneTime: Self.time(6)),
        ])

        // Every record, in order.
        let appFile = RecordedFile(device: Self.appText.device, inode: 1001, path: Self.appText.path, buildID: Self.appText.buildID)
        let libcFile = RecordedFile(device: Self.libc.device, inode: 2002, path: Self.libc.path, buildID: Self.libc.buildID)
        let pluginFile = RecordedFile(device: Self.plugin.device, inode: 3003, path: Self.plugin.path, buildID: nil)
        let records = reader.records().filter { if case .frame = $0 { return false } else { return true } }
        #expect(records == [
            .round(time: Self.time(1)),
            .path(number: 0, path: MappedPath("/usr/bin/app")),
            .process(number: 0, process: Self.app),
            .buildID(number: 0, buildID: Self.appText.buildID!),
            .file(number: 0, file: appFile),
            .path(number: 1, path: MappedPath("/usr/lib/libc.so.6")),
            .buildID(number: 1, buildID: Self.libc.buildID!),
            .file(number: 1, file: libcFile),
            .keyframe(process: 0, time: Self.time(1), mappings: base),
            .quiet(count: 2, firstTime: Self.time(2), lastTime: Self.time(3)),
            .round(time: Self.time(4)),
            .path(number: 2, path: MappedPath("/tmp/plugin.so")),
            .file(number: 2, file: pluginFile),
            .delta(process: 0, time: Self.time(4), removedStarts: [], added: [Self.plugin]),
            .round(time: Self.time(5)),
            .delta(process: 0, time: Self.time(5), removedStarts: [Self.plugin.start], added: []),
            .process(number: 1, process: Self.worker),
            .keyframe(process: 1, time: Self.time(5), mappings: base),
            .round(time: Self.time(6)),
            .gone(process: 1, time: Self.time(6), reason: .exited),
            // Written at finish(), before the quiet rounds that wait for the last flush.
            .perfClock(Self.finishingPerfClock),
            .quiet(count: 2, firstTime: Self.time(7), lastTime: Self.time(8)),
        ])
        let frames = reader.records().compactMap { if case .frame(let frame) = $0 { return frame } else { return nil } }
        #expect(frames.allSatisfy { !$0.compressed })
        #expect(frames.map(\.offset) == reader.index.frames.map(\.offset))
    }

    /// The clean golden file of format 1.0 (before the perf clock fields) reads
    /// with a 1.1 reader: the same contents, no measurement.
    @Test func formatOneZeroGoldenFileStillReads() throws {
        let reader = try RecordingReader(path: Self.directory.appendingPathComponent("clean-1.0.vmasnap").path)
        var header = Self.header
        header.perfClock = nil
        #expect(reader.header.minorVersion == 0)
        #expect(reader.header.bootID == header.bootID && reader.header.start == header.start && reader.header.perfClock == nil)
        #expect(reader.perfClockReadings.isEmpty)
        #expect(reader.truncation == nil && !reader.indexWasRebuilt)
        #expect(reader.processes == [Self.app, Self.worker])
        #expect(try reader.histories().map(\.snapshotCount) == [8, 1])
        #expect(reader.summary.fileBytes == 586)
    }

    /// The clean golden file as format 1.1 wrote it (before the origin field
    /// and LOST): it reads exactly as the 1.2 one does, which differs only in
    /// its minor version (and so the header's CRC).
    @Test func formatOneOneGoldenFileReadsAsBefore() throws {
        let old = try RecordingReader(path: Self.directory.appendingPathComponent("clean-1.1.vmasnap").path)
        let new = try RecordingReader(path: Self.directory.appendingPathComponent("clean.vmasnap").path)
        #expect(old.header.minorVersion == 1 && old.truncation == nil && !old.indexWasRebuilt)
        #expect(try old.histories() == new.histories())
        #expect(old.records().map { "\($0)" } == new.records().map { "\($0)" })
        #expect(old.lossWindows.isEmpty && old.summary.fileBytes == new.summary.fileBytes)
        #expect(try old.histories().allSatisfy { $0.epochs.allSatisfy { !$0.datedByEvent } })
    }

    /// The clean golden file as format 1.2 wrote it (the last 1.x): a 2.0
    /// reader reads it exactly as the 2.0 one, which differs only in its
    /// version (and so the header's CRC): it has no fork.
    @Test func formatOneTwoGoldenFileReadsAsBefore() throws {
        let old = try RecordingReader(path: Self.directory.appendingPathComponent("clean-1.2.vmasnap").path)
        let new = try RecordingReader(path: Self.directory.appendingPathComponent("clean.vmasnap").path)
        #expect(old.header.majorVersion == 1 && old.header.minorVersion == 2 && old.truncation == nil && !old.indexWasRebuilt)
        #expect(try old.histories() == new.histories())
        #expect(old.records().map { "\($0)" } == new.records().map { "\($0)" })
        #expect(old.index == new.index && old.summary.fileBytes == new.summary.fileBytes)
        for number in 0..<2 {
            for tenths: Int64 in 0...9 {
                #expect(try old.state(of: number, at: Self.time(tenths)) == new.state(of: number, at: Self.time(tenths)))
            }
        }
        #expect(old.verify() == nil)
    }

    /// The events golden file as format 1.2 wrote it: its fork is the child's
    /// first KEYFRAME, event-dated. A 2.0 reader gives every status and
    /// history the 2.0 file (a FORK there) gives, from a file 26 bytes longer.
    @Test func formatOneTwoEventsGoldenFileReadsAsTheForkOne() throws {
        let old = try RecordingReader(path: Self.directory.appendingPathComponent("events-1.2.vmasnap").path)
        let new = try RecordingReader(path: EventsGoldenTests.url.path)
        #expect(old.header.majorVersion == 1 && old.header.minorVersion == 2 && old.truncation == nil && !old.indexWasRebuilt)
        #expect(try old.histories() == new.histories())
        #expect(old.index.processes.map(\.keyframes) == new.index.processes.map(\.keyframes))
        #expect(!old.records().contains { if case .fork = $0 { return true } else { return false } })
        #expect(new.records().contains { if case .fork = $0 { return true } else { return false } })
        let index = AddressIndex(histories: try old.histories())
        for query in EventsGoldenTests.queries {
            #expect(index.resolve(pid: query.pid, time: query.time, address: query.address).status == query.status)
        }
        #expect(old.summary.fileBytes == new.summary.fileBytes + 26)
    }

    /// The cut-short golden file: everything up to its last whole frame, and
    /// where it was cut.
    @Test func cutShortGoldenFileDecodesItsPrefix() throws {
        let reader = try RecordingReader(path: Self.directory.appendingPathComponent("cut-short.vmasnap").path)
        #expect(reader.header == Self.header)
        #expect(reader.indexWasRebuilt)
        let truncation = try #require(reader.truncation)
        #expect(truncation.isCutShort)
        // The third frame (rounds 7-8, 18 bytes; no PERF_CLOCK without finish()) lost its last 3 bytes.
        #expect(truncation.offset == 443 && reader.summary.fileBytes == 458)
        #expect(reader.summary.frames == 2)
        #expect(reader.summary.rounds == 6)
        #expect(reader.processes == [Self.app, Self.worker])
        #expect(try reader.state(of: 0, at: Self.time(6)) == [Self.appText, Self.libc])
        #expect(try reader.state(of: 1, at: Self.time(6)) == nil)
        #expect(try reader.history(of: 0).epochs.map(\.snapshotCount) == [3, 1, 2])
        #expect(truncation.description.hasPrefix("cut short at byte \(truncation.offset)"))
    }
}

/// The independent decoder (Formats/golden/walkthrough.py, written from the
/// spec alone) decodes the golden files, and its dump is the one in WALKTHROUGH.md.
@Suite struct WalkthroughDecoderTests {
    static let python = "/usr/bin/python3"

    static func dump(_ file: String) throws -> CommandResult {
        try CommandResult.run([GoldenFileTests.directory.appendingPathComponent("walkthrough.py").path,
                               GoldenFileTests.directory.appendingPathComponent(file).path], executable: python)
    }

    /// WALKTHROUGH.md, which shows these dumps.
    static func walkthrough() throws -> String {
        try String(contentsOf: GoldenFileTests.directory.appendingPathComponent("WALKTHROUGH.md"), encoding: .utf8)
    }

    /// The dump of golden `file`, expected to decode with no mismatch and to
    /// be shown whole in WALKTHROUGH.md.
    static func expectDumpInTheWalkthrough(_ file: String) throws -> String {
        let result = try dump(file)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(!result.standardOutput.contains("MISMATCH"))
        #expect(try walkthrough().contains(result.standardOutput.trimmingCharacters(in: .newlines)))
        return result.standardOutput
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: python)))
    func dumpMatchesTheWalkthrough() throws {
        let output = try Self.expectDumpInTheWalkthrough("clean.vmasnap")
        #expect(output.contains("field 13 perf clock"))
        #expect(output.contains("record 0x06 PERF_CLOCK"))
    }

    /// Every finished golden file, of every version: the independent
    /// decoder rebuilds the index the file holds, and gives each process's
    /// set at each time around its snapshots (a FORK's through the forks
    /// before it, §5.2) as the reader does.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: python)))
    func everyFinishedGoldenFileReadsAsTheReaderReadsIt() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: GoldenFileTests.directory.path)
            .filter { $0.hasSuffix(".vmasnap") && $0 != "cut-short.vmasnap" }.sorted()
        #expect(files.count >= 9)
        for file in files {
            let path = GoldenFileTests.directory.appendingPathComponent(file).path
            let check = try FormatRulesTests.python(["--check", path])
            #expect(check.status == 0 && check.standardOutput.hasPrefix("index agrees with the frames"), "\(file): \(check.standardOutput)")
            let reader = try RecordingReader(path: path)
            var queries: [(process: Int, time: Int64)] = []
            for (number, history) in try reader.histories().enumerated() {
                let times = history.epochs.flatMap { [$0.firstSeen - 1, $0.firstSeen, $0.lastSeen, $0.lastSeen + 1] }
                    + (history.goneTime.map { [$0 - 1, $0] } ?? [])
                queries += times.map { (number, $0) }
            }
            let states = try FormatRulesTests.python(["--states", path], input: queries.map { "\($0.process) \($0.time)\n" }.joined())
            #expect(states.status == 0, "\(file): \(states.standardError)")
            let expected = try queries.map { ForkRecordTests.statesLine(try reader.state(of: $0.process, at: $0.time)) }
            #expect(states.lines == expected, "\(file)")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: python)))
    func decodesTheOtherGoldenFiles() throws {
        let old = try Self.dump("clean-1.0.vmasnap")
        #expect(old.status == 0 && old.standardOutput.contains("minor version 0") && !old.standardOutput.contains("MISMATCH"))
        let cut = try Self.dump("cut-short.vmasnap")
        #expect(cut.status == 0 && cut.standardOutput.contains("cut short here"))
    }
}
