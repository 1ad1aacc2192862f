/// One measurement of perf's default clock against the recording's clock
/// (Formats/vmasnap.md, section 2.4): perf's clock read `perfTime` when the
/// recording's clock read `recordingTime`, give or take `uncertainty`.
public struct PerfClockReading: Hashable, Sendable {
    /// perf's clock (the kernel's local_clock), absolute nanoseconds.
    public var perfTime: Int64
    /// The recording's clock (CLOCK_MONOTONIC) at the same instant, absolute nanoseconds.
    public var recordingTime: Int64
    /// Nanoseconds: the recording's clock read `recordingTime` ± this.
    public var uncertainty: Int64

    /// Creates a measurement.
    public init(perfTime: Int64, recordingTime: Int64, uncertainty: Int64) {
        self.perfTime = perfTime
        self.recordingTime = recordingTime
        self.uncertainty = uncertainty
    }

    /// What to add to a perf time to get the recording's time, by this measurement alone.
    public var offset: Int64 { recordingTime &- perfTime }
}
