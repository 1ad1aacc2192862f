import Foundation
import Testing
@testable import VMASnap

/// perf.data files written by the installed perf during the test, read by
/// `PerfDataReader`: every sample, in the order `perf script` prints them,
/// with the pid, tid, time and ip perf prints.
@Suite struct PerfDataReaderTests {
    static let configurations: [(name: String, options: [String], pipe: Bool)] = [
        ("plain", [], false),
        ("callgraph", ["-g"], false),
        ("monotonic", ["-g", "-k", "CLOCK_MONOTONIC"], false),
        ("compressed", ["-g", "-z"], false),
        ("pipe", ["-g"], true),
        ("two-events", ["-e", "cpu-clock", "-e", "task-clock", "-g"], false),
        // At 1 kHz: system-wide sampling slows every process on the machine, other tests too.
        ("system-wide", ["-a", "-g", "-F", "1000"], false),
    ]

    @Test(.enabled(if: PerfEndToEndTests.perfWorks), arguments: 0..<configurations.count)
    func samplesMatchPerfScript(_ number: Int) throws {
        let configuration = Self.configurations[number]
        let path = try PerfSessions.record(configuration.name, options: configuration.options, pipe: configuration.pipe)
        let expected = try PerfSessions.scriptSamples(path)
        let (samples, reader) = try PerfSessions.readerSamples(path)
        #expect(expected.count > 50, "\(configuration.name): perf script printed \(expected.count) samples")
        #expect(samples.count == expected.count, "\(configuration.name)")
        let firstDifference = zip(samples, expected).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(firstDifference == nil, "\(configuration.name): sample \(firstDifference?.offset ?? -1): \(firstDifference.map { "\($0.element.0) vs \($0.element.1)" } ?? "")")
        #expect(reader.header.mode == (configuration.pipe ? .pipe : .file))
        print("perf.data \(configuration.name): \(samples.count) samples, \(reader.statistics.rounds) rounds, "
              + "largest held \(reader.statistics.largestHeldBytes) bytes, events \(reader.events.count)")
    }
}

extension PerfDataReaderTests {
    /// perf's pipe format through a real pipe, as `perf record -o - | vmasnap perf-resolve -` gives it.
    @Test(.enabled(if: PerfEndToEndTests.perfWorks))
    func pipeFormatOnStandardInput() throws {
        let path = try PerfSessions.record("stdin", options: ["-g"], pipe: true)
        let expected = try PerfSessions.scriptSamples(path)
        // A recording of other processes, without measurements of perf's clock.
        let recording = GoldenFileTests.directory.appendingPathComponent("clean-1.0.vmasnap").path
        let result = try CommandResult.run(
            ["-c", "cat '\(path)' | '\(BuildProducts.vmasnap)' perf-resolve - '\(recording)' --json"], executable: "/bin/sh")
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.lines.count == expected.count && expected.count > 50)
        let first = try JSONSerialization.jsonObject(with: Data(try #require(result.lines.first).utf8)) as? [String: Any]
        #expect(first?["pid"] as? Int == Int(expected[0].pid))
        // Not in the recording: the pid is unknown, the clock cannot be estimated from a pipe.
        #expect(result.standardError.contains("cannot be estimated from a pipe"))
    }

    /// Memory follows the largest round, not the file.
    @Test(.enabled(if: PerfEndToEndTests.perfWorks))
    func heldRecordsFollowRoundsNotTheFile() throws {
        // Small ring buffers (8 pages a CPU): perf writes a round each time it empties them.
        let path = try PerfSessions.record("rounds", options: ["-g", "-c", "100000", "-m", "8"], milliseconds: 600)
        let (samples, reader) = try PerfSessions.readerSamples(path)
        let size = try #require(reader.inputSize)
        print("perf.data of \(size) bytes, \(samples.count) samples, \(reader.statistics.rounds) rounds: "
              + "at most \(reader.statistics.largestHeldBytes) bytes held")
        #expect(reader.statistics.rounds >= 4)
        #expect(reader.statistics.largestHeldBytes < Int(size) / 2)
    }
}
