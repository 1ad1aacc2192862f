@testable import VMASnap

/// What a run of damaged or random inputs gave, one line an input, and a
/// digest of all of them: tests that feed readers and parsers such inputs
/// compare the digest, so that a change in what any input gives (not only a
/// crash) fails them. When a change is meant, the failure shows the new
/// digest and the first lines to check.
struct Outcomes {
    private(set) var lines: [String] = []

    /// Notes what one input gave.
    mutating func note(_ line: String) { lines.append(line) }

    /// "COUNT:CRC32C" of the lines.
    var digest: String {
        "\(lines.count):" + Hex.digits(UInt64(CRC32C.checksum(Array(lines.joined(separator: "\n").utf8))), minimumDigits: 8)
    }

    /// The lines, shortened, for a failure message.
    var excerpt: String { lines.prefix(12).map { String($0.prefix(300)) }.joined(separator: "\n") }

    /// What `reader` gives (see `FuzzEntryPoints.exerciseRecording`), for a file already opened.
    static func describe(_ reader: RecordingReader, records: [RecordingRecord]) -> String {
        let summary = reader.summary
        let histories: String
        do {
            let all = try reader.histories()
            histories = "\(all.count) histories, \(all.reduce(0) { $0 + $1.epochs.count }) epochs, "
                + "\(all.reduce(0) { $0 + $1.snapshotCount }) snapshots"
        } catch {
            histories = "histories: \(error)"
        }
        return "records \(records.count), rounds \(summary.rounds), snapshots \(summary.snapshots), "
            + "processes \(summary.processes), \(histories), truncation: \(reader.truncation.map { "\($0)" } ?? "none")"
    }
}
