import VMASnap

/// The text lines `timeline` and `diff` share.
enum ProcessText {
    /// "pid 1234 (comm) start 98765: 12 snapshots from T1 to T2, found gone at T3".
    static func heading(_ history: ProcessHistory) -> String {
        let process = history.process
        var text = "pid \(process.identity.pid) (\(TextEscaping.escape(process.command))) start \(process.identity.startTime): "
            + "\(history.snapshotCount) snapshots"
        if let first = history.epochs.first, let last = history.epochs.last {
            text += " from \(TimeText.format(nanoseconds: first.firstSeen)) to \(TimeText.format(nanoseconds: last.lastSeen))"
        }
        if let gone = history.goneTime { text += ", found gone at \(TimeText.format(nanoseconds: gone))" }
        return text
    }

    /// "0xSTART-0xEND 0xOFFSET BUILD-ID PATH" ("-" for an unknown build ID).
    static func mapping(_ mapping: ExecutableMapping) -> String {
        "\(AddressText.format(mapping.start))-\(AddressText.format(mapping.end)) \(AddressText.format(mapping.offset)) "
            + "\(mapping.buildID?.description ?? "-") \(mapping.path)"
    }
}
