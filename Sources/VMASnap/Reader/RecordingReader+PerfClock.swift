extension RecordingReader {
    /// Every measurement of perf's clock the recording holds (format 1.1):
    /// the header's, taken at the start, and those of PERF_CLOCK records
    /// (the recorder writes one as it finishes), in recording-time order.
    /// Empty for 1.0 files and for recorders that could not measure.
    public var perfClockReadings: [PerfClockReading] {
        var readings = header.perfClock.map { [$0] } ?? []
        for stored in definitions.perfClocks {
            readings.append(PerfClockReading(
                perfTime: Int64(clamping: stored.perfTime), recordingTime: absolute(stored.recordingTime),
                uncertainty: Int64(clamping: stored.uncertainty)))
        }
        return readings.sorted { $0.recordingTime < $1.recordingTime }
    }
}
