import Testing
import Foundation
@testable import VMASnap

/// Formats/golden/events.vmasnap (format 2.0): an event-dated load, a fork
/// (the child's first snapshot, a FORK), a walk-found unload, and an
/// event-dated unload inside a LOST window. The writer reproduces it byte for
/// byte, the reader and the independent decoder (walkthrough.py) give the
/// same statuses, and its walk-through is in WALKTHROUGH.md.
///
/// To regenerate: `VMASNAP_UPDATE_GOLDEN=1 swift test --filter EventsGoldenTests`.
@Suite struct EventsGoldenTests {
    typealias Golden = GoldenFileTests
    static let url = Golden.directory.appendingPathComponent("events.vmasnap")
    static let ms: Int64 = 1_000_000

    /// Rounds at 1.1 s and 1.2 s (app: app + libc); at 1.25 s an event round:
    /// app maps plugin.so (event-dated); at 1.3 s worker forks from app 10 ms
    /// into the round; at 1.4 s a walk finds app's plugin.so gone; a LOST
    /// window from 1.42 s to 1.46 s; at 1.44 s an event round: worker unmaps
    /// plugin.so (event-dated, but in the window); rounds at 1.5 s and 1.6 s.
    static func write(to path: String) throws {
        let writer = try RecordingWriter(path: path, header: Golden.header, compression: false)
        let base = [Golden.appText, Golden.libc]
        let withPlugin = base + [Golden.plugin]
        let app = try writer.processSeen(Golden.app)
        for (time, mappings, dated) in [(Golden.time(1), base, false), (Golden.time(2), base, false),
                                        (Golden.time(2) + 50 * ms, withPlugin, true)] {
            try writer.beginRound(time: time)
            _ = try writer.snapshot(process: app, mappings: mappings, eventDated: dated)
            try writer.endRound()
        }
        try writer.beginRound(time: Golden.time(3))
        let worker = try writer.processSeen(Golden.worker)
        _ = try writer.processForked(process: worker, parent: app, time: Golden.time(3) + 10 * ms)
        try writer.endRound()
        try writer.beginRound(time: Golden.time(4))
        _ = try writer.snapshot(process: app, mappings: base)
        try writer.endRound()
        try writer.eventsLost(from: Golden.time(4) + 20 * ms, through: Golden.time(4) + 60 * ms)
        try writer.beginRound(time: Golden.time(4) + 40 * ms)
        _ = try writer.record(SnapshotDiff(removed: [Golden.plugin], added: []), process: worker, eventDated: true)
        try writer.endRound()
        for tenths: Int64 in 5...6 {
            try writer.beginRound(time: Golden.time(tenths))
            try writer.endRound()
        }
        try writer.finish()
    }

    @Test func writerReproducesTheEventsGoldenFileByteForByte() throws {
        let path = RecordingReaderTests.temporaryPath("golden-events")
        try Self.write(to: path)
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try GoldenFileTests.expectGolden(written, at: Self.url)
    }

    /// (pid, time, address) queries and the status every reader must give them.
    static let queries: [(pid: Int32, time: Int64, address: UInt64, status: ResolutionStatus)] = [
        // app: plugin.so loaded by an event at 1.25 s: unmapped just before, exact from then.
        (4242, Golden.time(2) + 49 * ms, Golden.plugin.start, .unmapped),
        (4242, Golden.time(2) + 50 * ms, Golden.plugin.start, .exact),
        // app: plugin.so unloaded, found by the walk at 1.4 s: uncertain since 1.3 s.
        (4242, Golden.time(3), Golden.plugin.start, .unloadedBetween),
        (4242, Golden.time(3) + 99 * ms, Golden.plugin.start, .unloadedBetween),
        (4242, Golden.time(4), Golden.plugin.start, .unmapped),
        (4242, Golden.time(3), Golden.libc.start, .exact),
        // worker: forked at 1.31 s with app's set.
        (4243, Golden.time(3) + 9 * ms, Golden.libc.start, .beforeFirstSnapshot),
        (4243, Golden.time(3) + 10 * ms, Golden.plugin.start, .exact),
        // worker: plugin.so unmapped by an event at 1.44 s, inside the LOST window: read as walk-found.
        (4243, Golden.time(4) + 39 * ms, Golden.plugin.start, .unloadedBetween),
        (4243, Golden.time(4) + 40 * ms, Golden.plugin.start, .unmapped),
        (4243, Golden.time(6), Golden.appText.start, .exact),
    ]

    @Test func theEventsGoldenFileDecodes() throws {
        let reader = try RecordingReader(path: Self.url.path)
        #expect(reader.header.majorVersion == 2 && reader.truncation == nil && !reader.indexWasRebuilt)
        #expect(reader.lossWindows == [(Golden.time(4) + 20 * Self.ms)...(Golden.time(4) + 60 * Self.ms)])
        let index = AddressIndex(histories: try reader.histories())
        for query in Self.queries {
            #expect(index.resolve(pid: query.pid, time: query.time, address: query.address).status == query.status,
                    "pid \(query.pid) at \(query.time) address \(String(query.address, radix: 16))")
        }
        #expect(try reader.history(of: 0).epochs.map(\.datedByEvent) == [false, true, false])
        #expect(try reader.history(of: 1).epochs.map(\.datedByEvent) == [true, false])
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: WalkthroughDecoderTests.python)))
    func theIndependentDecoderAgrees() throws {
        let check = try FormatRulesTests.python(["--check", Self.url.path])
        #expect(check.status == 0 && check.standardOutput.contains("index agrees"), "\(check.standardOutput)")
        let input = Self.queries.map { "\($0.pid) \($0.time) \($0.address)\n" }.joined()
        let statuses = try FormatRulesTests.python(["--statuses", Self.url.path], input: input)
        #expect(statuses.status == 0, "\(statuses.standardError)")
        #expect(statuses.lines == Self.queries.map(\.status.description))
        let dump = try WalkthroughDecoderTests.expectDumpInTheWalkthrough("events.vmasnap")
        #expect(dump.contains("record 0x12 LOST") && dump.contains("origin 1"))
    }

    /// What the commands show of it: timeline's origin of each load and
    /// unload, dump's LOST record and event-dated records, info's windows.
    @Test func theCommandsShowTheOriginsAndTheWindow() throws {
        let timeline = try CommandResult.run(["timeline", Self.url.path, "--pid", "4242"])
        #expect(timeline.status == 0)
        #expect(timeline.lines.filter { $0.contains("/tmp/plugin.so") }.map { $0.split(separator: " ")[1...2].joined(separator: " ") }
            == ["load event", "unload walk"])
        let json = try CommandResult.run(["timeline", Self.url.path, "--pid", "4243", "--json"])
        #expect(json.lines.count == 4 && json.lines.filter { $0.contains(#""dated_by":"event""#) }.count == 3)
        #expect(json.lines.last.map { $0.contains(#""event":"unload""#) && $0.hasSuffix(#""dated_by":"walk"}"#) } == true)
        let dump = try CommandResult.run(["dump", Self.url.path])
        #expect(dump.lines.contains("lost 1.420000000 to 1.460000000 (kernel events may be missing)"))
        #expect(dump.lines.filter { $0.hasSuffix("dated-by event") }.count == 3)
        let info = try CommandResult.run(["info", Self.url.path])
        #expect(info.standardOutput.contains("1 recorded, 0.040000000 s in all"), "\(info.standardOutput)")
        let infoJSON = try CommandResult.run(["info", Self.url.path, "--json"])
        #expect(infoJSON.standardOutput.contains(#""recorded_lost_windows":1,"recorded_lost_span_s":0.040000000"#))
    }
}
