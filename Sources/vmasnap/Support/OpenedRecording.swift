import VMASnap

/// A recording opened for `lookup`, `timeline` and `diff`. A recording cut
/// short (a recorder killed mid-write) is read up to the cut, with a one-line
/// warning on stderr. Histories are read only for the processes asked about,
/// so memory follows them, not the size of the file.
struct OpenedRecording {
    /// Time zero of the file (what "+SECONDS" counts from).
    let start: Int64
    private let reader: RecordingReader

    /// The file's header.
    var header: RecordingHeader { reader.header }
    /// Its measurements of perf's clock (format 1.1).
    var perfClockReadings: [PerfClockReading] { reader.perfClockReadings }
    /// The symbol tables it stores (`record --keep-symbols`).
    var storedSymbolTables: [StoredSymbolTable] { reader.storedSymbolTables }
    /// Its first and last round times, if it has rounds.
    var timeSpan: ClosedRange<Int64>? {
        let summary = reader.summary
        guard let first = summary.firstTime, let last = summary.lastTime, first <= last else { return nil }
        return first...last
    }

    init(path: String) throws {
        reader = try RecordingReader(path: path)
        if let truncation = reader.truncation {
            StandardError.line("vmasnap: warning: \(TextEscaping.escape(path)): \(truncation); using what comes before")
        }
        start = reader.header.start
    }

    /// An index that reads each pid's histories the first time a lookup asks about it.
    func loadingIndex() -> AddressIndex {
        let reader = self.reader
        return AddressIndex(loadingHistoriesWith: { pid in try OpenedRecording.histories(of: pid, in: reader) })
    }

    /// The histories of `pid` (every process's when nil), by pid, then first snapshot.
    func histories(pid: Int32?) throws -> [ProcessHistory] {
        let histories = try pid.map { try OpenedRecording.histories(of: $0, in: reader) } ?? reader.histories()
        return histories.sorted {
            ($0.process.identity.pid, $0.epochs.first?.firstSeen ?? Int64.max)
                < ($1.process.identity.pid, $1.epochs.first?.firstSeen ?? Int64.max)
        }
    }

    /// Every process instance with `pid`, each read from its own frames.
    private static func histories(of pid: Int32, in reader: RecordingReader) throws -> [ProcessHistory] {
        try reader.processes.indices.filter { reader.processes[$0].identity.pid == pid }.map { try reader.history(of: $0) }
    }
}
