extension RecordingWriter {
    /// Records what the recorder met (a RECORDER_REPORT record, format 1.1),
    /// in the next frame. A recorder writes one, as it finishes (a reader
    /// uses the last).
    ///
    /// - Parameter report: the counts; its `events` only when kernel events were on.
    /// - Throws: `WriterError.closed` after `finish()`.
    public func recordRecorderReport(_ report: RecorderReport) throws {
        try checkOpen()
        emit(.recorderReport(report))
    }
}
