extension RecordingWriter {
    /// Records that kernel events may be missing from `first` through
    /// `last` (nanoseconds on the header's clock, both included) for every
    /// process: a LOST record (format 1.2, Formats/vmasnap.md §3.7), in the
    /// next frame. An event-dated change inside the window is read as found
    /// by a walk, so that no lookup answers `exact` where an event may be missing.
    ///
    /// It belongs to no round: it may be given in a round or between rounds,
    /// and may date before the last round (events are read late).
    ///
    /// - Parameters:
    ///   - first: the last time the events were known complete.
    ///   - last: when they are known complete again (the walk after the loss began).
    /// - Throws: `WriterError.invalidChange` for a window before the
    ///   header's start or ending before it begins; `.closed` after `finish()`.
    public func eventsLost(from first: Int64, through last: Int64) throws {
        try checkOpen()
        guard first >= header.start, last >= first else {
            throw WriterError.invalidChange("a lost window from \(first) to \(last) ns (the recording starts at \(header.start) ns)")
        }
        emit(.lost(first: UInt64(first - header.start), last: UInt64(last - header.start)))
        statistics.lossWindows += 1
    }
}
