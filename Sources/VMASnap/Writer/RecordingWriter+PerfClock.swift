extension RecordingWriter {
    /// Records a measurement of perf's clock against the recording's (a
    /// PERF_CLOCK record, format 1.1), in the next frame.
    ///
    /// - Throws: `WriterError.invalidHeader` when the measurement is
    ///   negative or its recording time is before the header's start;
    ///   `.closed` after `finish()`.
    public func recordPerfClock(_ reading: PerfClockReading) throws {
        try checkOpen()
        guard reading.perfTime >= 0, reading.uncertainty >= 0, reading.recordingTime >= header.start else {
            throw WriterError.invalidHeader("a perf clock measurement before the start or negative")
        }
        emit(.perfClock(perfTime: UInt64(reading.perfTime), recordingTime: UInt64(reading.recordingTime - header.start),
                        uncertainty: UInt64(reading.uncertainty)))
    }
}
