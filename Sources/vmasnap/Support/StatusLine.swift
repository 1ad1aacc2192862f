import VMASnap

/// `record`'s line on a terminal, rewritten in place as the recording goes,
/// and its summary at the end in the manner of perf's.
final class StatusLine {
    private var shown = false

    /// A status line if stderr is a terminal; nil otherwise (a log file wants
    /// only the summary).
    static func onTerminal() -> StatusLine? {
        StandardStreams.isTerminal(.standardError) ? StatusLine() : nil
    }

    /// Replaces the line with `status`.
    func show(_ status: RecorderStatus) {
        let statistics = status.statistics
        let ratio = Decimal.fixed(Int64((statistics.compressionRatio * 10).rounded()), places: 1)
        let text = "vmasnap record: \(Decimal.fixed(status.elapsed / 100_000_000, places: 1))s, "
            + "\(status.liveProcesses) processes, \(statistics.snapshots) snapshots, \(statistics.changes) changes, "
            + "\(StatusLine.megabytes(statistics.bytesWritten)) MB written (\(ratio)x)"
        write("\r" + text + "\u{1B}[K")
        shown = true
    }

    /// Erases the line, before other output.
    func clear() {
        guard shown else { return }
        write("\r\u{1B}[K")
        shown = false
    }

    /// "[ vmasnap record: Captured and wrote 0.012 MB vmasnap.data (123 snapshots of 4 processes, 7 changes) ]",
    /// with ", N walks met a change in progress" before the parenthesis closes when some did.
    static func summary(_ status: RecorderStatus, path: String) -> String {
        let statistics = status.statistics
        let processes = statistics.processes
        let met = status.walks.walksMeetingChanges
        return "[ vmasnap record: Captured and wrote \(megabytes(statistics.bytesWritten)) MB \(TextEscaping.escape(path)) "
            + "(\(statistics.snapshots) snapshot\(statistics.snapshots == 1 ? "" : "s") of \(processes) "
            + "process\(processes == 1 ? "" : "es"), \(statistics.changes) change\(statistics.changes == 1 ? "" : "s")"
            + (met == 0 ? "" : ", \(met) walk\(met == 1 ? "" : "s") met a change in progress")
            + (statistics.symbolTables == 0 ? "" : ", symbols of \(statistics.symbolTables) file\(statistics.symbolTables == 1 ? "" : "s") "
                + "in \(megabytes(statistics.symbolBytes)) MB")
            + (status.events.map(eventsSummary) ?? "") + ") ]"
    }

    /// "; events: 200 processes, 3 changes found by walks only, 0 records lost".
    static func eventsSummary(_ events: KernelEventCounts) -> String {
        "; events: \(events.processesFromEvents) process\(events.processesFromEvents == 1 ? "" : "es"), "
            + "\(events.walkFoundChanges) change\(events.walkFoundChanges == 1 ? "" : "s") found by walks only, "
            + "\(events.lostRecords) record\(events.lostRecords == 1 ? "" : "s") lost in \(events.lostWindows) window\(events.lostWindows == 1 ? "" : "s")"
    }

    /// Bytes in MB (2^20, as perf counts them) with three decimals.
    static func megabytes(_ bytes: UInt64) -> String {
        Decimal.fixed(Int64((bytes * 1000 + 524_288) / 1_048_576), places: 3)
    }

    /// A failure is ignored: the status line is only a courtesy.
    private func write(_ text: String) {
        try? StandardStreams.write(Array(text.utf8), to: .standardError)
    }
}
