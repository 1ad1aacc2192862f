import VMASnap

/// A recording opened for `lookup`, `timeline` and `diff`: its start time
/// and every process history. A recording cut short (a recorder killed
/// mid-write) is read up to the cut, with a one-line warning on stderr.
struct OpenedRecording {
    /// Time zero of the file (what "+SECONDS" counts from).
    let start: Int64
    /// Every process instance's history.
    let histories: [ProcessHistory]

    init(path: String) throws {
        let reader = try RecordingReader(path: path)
        if let truncation = reader.truncation {
            StandardError.line("vmasnap: warning: \(TextEscaping.escape(path)): \(truncation); using what comes before")
        }
        start = reader.header.start
        histories = try reader.histories()
    }

    /// The histories of `pid` (all when nil), by pid, then first snapshot.
    func histories(pid: Int32?) -> [ProcessHistory] {
        histories.filter { pid == nil || $0.process.identity.pid == pid }.sorted {
            ($0.process.identity.pid, $0.epochs.first?.firstSeen ?? Int64.max)
                < ($1.process.identity.pid, $1.epochs.first?.firstSeen ?? Int64.max)
        }
    }
}
