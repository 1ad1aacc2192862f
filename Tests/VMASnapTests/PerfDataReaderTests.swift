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
        ("system-wide", ["-a", "-g"], false),
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
