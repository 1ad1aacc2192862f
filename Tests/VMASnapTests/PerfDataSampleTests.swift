import Foundation
import Testing
@testable import VMASnap

/// The committed perf.data and recording (Tests/PerfDataSamples): read and
/// resolved where perf is not installed, against perf's own account of
/// them, kept beside them.
@Suite struct PerfDataSampleTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PerfDataSamples")
    static let perfData = directory.appendingPathComponent("fixture-g.perf.data").path
    static let recording = directory.appendingPathComponent("fixture.vmasnap").path

    static func script() throws -> [PerfResolveEndToEndTests.ScriptSample] {
        PerfResolveEndToEndTests.parseScript(try String(contentsOf: directory.appendingPathComponent("fixture-g.script.txt"), encoding: .utf8))
    }

    @Test func readerMatchesPerfsAccount() throws {
        let expected = try Self.script()
        let (samples, reader) = try PerfSessions.readerSamples(Self.perfData)
        #expect(samples.count == expected.count && samples.count == 30)
        #expect(zip(samples, expected).allSatisfy { $0.pid == $1.pid && $0.tid == $1.tid && $0.time == $1.time })
        #expect(reader.header.mode == .file && reader.header.order == .littleEndian)
        #expect(reader.features.hostName == "vm" && reader.features.perfVersion == "6.1.187")
        #expect(reader.features.commandLine?.contains("CLOCK_MONOTONIC") == true)
        #expect(reader.features.clockData?.clockID == 1)
        #expect(reader.events.attributes.first?.flags.contains(.useClockID) == true)
        #expect(reader.features.buildIDs.contains { String(decoding: $0.filename, as: UTF8.self) == "/tmp/vmasnap-sample/liba.so"
            && $0.buildID == [0xaa, 0xaa, 0x00, 0x00] })
    }

    @Test func everyFrameResolvesAsPerfAttributesIt() throws {
        let result = try CommandResult.run(["perf-resolve", Self.perfData, Self.recording, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let figures = try PerfResolveEndToEndTests.compare(try Self.script(), result.lines, mmaps: nil)
        #expect(figures.frameCountMismatches == 0)
        #expect(figures.perfFileFrames == 116 && figures.same == 116)
        #expect(figures.statuses["exact"] == 94 && figures.statuses["kernel"] == 6)
        #expect(result.standardError == "[ vmasnap perf-resolve: 30 samples, 122 frames: 94 exact, 17 loaded-between, "
            + "5 unloaded-between, 6 kernel ]\n")
    }

    @Test func textAndFilters() throws {
        let text = try CommandResult.run(["perf-resolve", Self.perfData, Self.recording])
        #expect(text.status == 0)
        let sampleLines = text.lines.filter { !$0.hasPrefix("\t") }
        #expect(sampleLines.count == 30 && sampleLines.allSatisfy { $0.hasSuffix(" vmasnap-fixture") })
        #expect(text.lines.contains { $0.hasPrefix("\t") && $0.contains(" exact ") && $0.hasSuffix(" aaaa0000 /tmp/vmasnap-sample/liba.so") })
        #expect(text.lines.contains { $0.hasPrefix("\t") && $0.hasSuffix(" bbbb0000bbbb /tmp/vmasnap-sample/libb.so") })

        let expected = try Self.script()
        let middle = expected[15].time
        let later = try CommandResult.run(["perf-resolve", Self.perfData, Self.recording, "--json", "--time", "\(TimeText.format(nanoseconds: middle)),"])
        #expect(later.lines.count == expected.filter { $0.time >= middle }.count)
        let none = try CommandResult.run(["perf-resolve", Self.perfData, Self.recording, "--pid", "1", "--json"])
        #expect(none.status == 0 && none.lines.isEmpty && none.standardError.contains("0 samples (of 30)"))
        let byComm = try CommandResult.run(["perf-resolve", Self.perfData, Self.recording, "--comm", "vmasnap-fixture,other", "--json"])
        #expect(byComm.lines.count == 30)
        let byTid = try CommandResult.run(["perf-resolve", Self.perfData, Self.recording, "--tid", "\(expected[0].tid)", "--json"])
        #expect(byTid.lines.count == 30)
        let bad = try CommandResult.run(["perf-resolve", Self.perfData, Self.recording, "--time", "soon"])
        #expect(bad.status == 64 && bad.standardError.contains("--time"))
    }

    @Test func pipeFromStandardInput() throws {
        let result = try CommandResult.run(["perf-resolve", "-", Self.recording], inputFile: Self.perfData)
        #expect(result.status == 4)
        #expect(result.standardError.contains("cannot be read from a pipe"))
    }
}
