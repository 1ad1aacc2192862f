import Foundation
import Testing
@testable import VMASnap

/// The golden recording with what the recorder met (Formats/golden/report.vmasnap,
/// format 1.1): header field 14 (kernel events on) and a RECORDER_REPORT with
/// the events' counts. The writer reproduces it byte for byte, the reader
/// decodes the same values, and the independent decoder reads them from the
/// spec alone.
///
/// To regenerate: `VMASNAP_UPDATE_GOLDEN=1 swift test --filter RecorderReportGoldenTests`.
@Suite struct RecorderReportGoldenTests {
    static let url = GoldenFileTests.directory.appendingPathComponent("report.vmasnap")

    /// What the recorder of the golden file met.
    static let report = RecorderReport(walks: 300, walksMeetingChanges: 2, events: RecorderReport.Events(
        processesFromEvents: 1, changesFoundByWalksOnly: 3, lostRecords: 129, lostWindows: 1))

    /// Round 1: app with its text and libc; round 2 unchanged; finished with the report.
    static func write(to path: String, kernelEvents: KernelEventsUse?, report: RecorderReport?) throws {
        var header = GoldenFileTests.header
        header.kernelEvents = kernelEvents
        let writer = try RecordingWriter(path: path, header: header, compression: false)
        writer.recorderReportAtFinish = { report }
        try writer.beginRound(time: GoldenFileTests.time(1))
        let app = try writer.processSeen(GoldenFileTests.app)
        _ = try writer.snapshot(process: app, mappings: [GoldenFileTests.appText, GoldenFileTests.libc])
        try writer.endRound()
        try writer.beginRound(time: GoldenFileTests.time(2))
        _ = try writer.snapshot(process: app, mappings: [GoldenFileTests.appText, GoldenFileTests.libc])
        try writer.endRound()
        try writer.finish()
    }

    @Test func writerReproducesItAndTheReaderFindsTheReport() throws {
        let path = RecordingReaderTests.temporaryPath("golden-report")
        try Self.write(to: path, kernelEvents: .on, report: Self.report)
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try GoldenFileTests.expectGolden(written, at: Self.url)

        let reader = try RecordingReader(path: Self.url.path)
        reader.verify()
        #expect(reader.readError == nil && reader.truncation == nil && !reader.indexWasRebuilt)
        #expect(reader.header.kernelEvents == .on)
        #expect(reader.recorderReport == Self.report)
        // Listed in DEFINITIONS (the last records frame, with the report).
        #expect(reader.index.definitionFrames.last == reader.index.frames.count - 1)
        #expect(reader.records().contains { if case .recorderReport(let report) = $0 { return report == Self.report } else { return false } })
        #expect(reader.summary.snapshots == 2)
    }

    /// Events refused (with the reason) and a report without the events'
    /// counts; and a file with neither (as older 1.1 files and killed recorders leave).
    @Test(arguments: [
        (KernelEventsUse?.some(.refused(reason: "perf_event_paranoid is 3")),
         RecorderReport?.some(RecorderReport(walks: 7, walksMeetingChanges: 0))),
        (KernelEventsUse?.some(.off), RecorderReport?.some(RecorderReport(walks: 0, walksMeetingChanges: 0))),
        (KernelEventsUse?.none, RecorderReport?.none),
    ])
    func refusedOffAndUnknownReadBack(kernelEvents: KernelEventsUse?, report: RecorderReport?) throws {
        let path = RecordingReaderTests.temporaryPath("report")
        try Self.write(to: path, kernelEvents: kernelEvents, report: report)
        let reader = try RecordingReader(path: path)
        reader.verify()
        #expect(reader.readError == nil && reader.truncation == nil && !reader.indexWasRebuilt)
        #expect(reader.header.kernelEvents == kernelEvents)
        #expect(reader.recorderReport == report)
        #expect(reader.recorderReport?.events == nil)
        if FileManager.default.isExecutableFile(atPath: WalkthroughDecoderTests.python) {
            let check = try CommandResult.run([GoldenFileTests.directory.appendingPathComponent("walkthrough.py").path, "--check", path],
                                              executable: WalkthroughDecoderTests.python)
            #expect(check.status == 0 && check.standardOutput.hasPrefix("index agrees"), "\(check.standardOutput)")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: WalkthroughDecoderTests.python)))
    func theIndependentDecoderReadsTheReport() throws {
        let result = try WalkthroughDecoderTests.dump("report.vmasnap")
        #expect(result.status == 0, "\(result.standardError)")
        #expect(!result.standardOutput.contains("MISMATCH"), "\(result.standardOutput)")
        for expected in ["field 14 kernel events (length 1) = '2 (on)'", "record 0x08 RECORDER_REPORT", "300 walks",
                         "2 walks met a change", "1 processes from events", "3 changes found by walks only",
                         "129 event records lost", "in 1 loss windows"] {
            #expect(result.standardOutput.contains(expected), "\(expected)")
        }
        let check = try CommandResult.run([GoldenFileTests.directory.appendingPathComponent("walkthrough.py").path, "--check",
                                           Self.url.path], executable: WalkthroughDecoderTests.python)
        #expect(check.status == 0 && check.standardOutput.hasPrefix("index agrees"), "\(check.standardOutput)")
        let document = try WalkthroughDecoderTests.walkthrough()
        let reportLines = result.standardOutput.split(separator: "\n").filter { $0.contains("RECORDER_REPORT") || $0.contains("field 14") }
        #expect(reportLines.count == 2 && reportLines.allSatisfy { document.contains($0) })
    }
}
