import VMASnap

/// A recording opened for `lookup`, `timeline` and `diff`. A recording cut
/// short (a recorder killed mid-write) or damaged is read up to where it
/// stops being readable, and a stored index that was not used is said, each
/// with a one-line warning on stderr (`RecordingWarnings`). Histories are
/// read only for the processes asked about, so memory follows them, not the
/// size of the file.
struct OpenedRecording {
    /// Time zero of the file (what "+SECONDS" counts from).
    let start: Int64
    private let reader: RecordingReader
    private let warnings: RecordingWarnings

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

    /// Opens `path`; with `verifying`, reads and checks every frame first
    /// (`RecordingReader.verify()`), as the commands that read every frame do.
    init(path: String, verifying: Bool) throws {
        reader = try RecordingReader(path: path)
        warnings = RecordingWarnings(path: path)
        if verifying {
            reader.verify()
            if let error = reader.readError { throw error }
        }
        start = reader.header.start
        warn()
    }

    /// What is wrong with the file so far, on stderr, each said once.
    func warn() {
        warnings.report(reader)
    }

    /// `time` on the recording's clock; a usage error when a time after its
    /// start lies past the clock's end (`option` names where it was given).
    func nanoseconds(of time: LookupTime, option: String) throws -> Int64 {
        guard let nanoseconds = time.exactNanoseconds(start: start) else {
            throw UsageError(description: "\(option): the time lies past the end of the recording's clock "
                + "(its start is \(TimeText.format(nanoseconds: start)) s, and times stop at "
                + "\(TimeText.format(nanoseconds: Int64.max)) s)")
        }
        return nanoseconds
    }

    /// An index that reads each pid's histories the first time a lookup asks about it.
    func loadingIndex() -> LoadingAddressIndex {
        let reader = self.reader
        return LoadingAddressIndex(loadingHistoriesWith: { pid in try reader.histories(pid: pid) })
    }

    /// The histories of `pid` (every process's when nil), by pid, then first snapshot.
    func histories(pid: Int32?) throws -> [ProcessHistory] {
        let histories = try pid.map { try reader.histories(pid: $0) } ?? reader.histories()
        return histories.sorted {
            ($0.process.identity.pid, $0.epochs.first?.firstSeen ?? Int64.max)
                < ($1.process.identity.pid, $1.epochs.first?.firstSeen ?? Int64.max)
        }
    }
}
