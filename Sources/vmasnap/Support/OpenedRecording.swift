import VMASnap

/// A recording opened for `lookup`, `timeline` and `diff`. A recording cut
/// short (a recorder killed mid-write) is read up to the cut, with a one-line
/// warning on stderr. Histories are read only for the processes asked about,
/// so memory follows them, not the size of the file.
struct OpenedRecording {
    /// Time zero of the file (what "+SECONDS" counts from).
    let start: Int64
    private let reader: RecordingReader

    init(path: String) throws {
        reader = try RecordingReader(path: path)
        if let truncation = reader.truncation {
            StandardError.line("vmasnap: warning: \(TextEscaping.escape(path)): \(TextEscaping.singleLine(truncation.description)); using what comes before")
        }
        start = reader.header.start
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
