/// The fixed facts of a recording, written once at the start of the file.
///
/// Every time in a recording is an `Int64` count of nanoseconds on `clock`;
/// `start` is time zero of the file (frames store times relative to it).
public struct RecordingHeader: Hashable, Sendable {
    /// The clock of every time in the file.
    public var clock: RecordingClock
    /// Time zero of the file, in nanoseconds on `clock`.
    public var start: Int64
    /// CLOCK_REALTIME in nanoseconds, read together with `referenceMonotonic`,
    /// to show times as wall-clock times.
    public var referenceRealtime: Int64
    /// `clock` in nanoseconds at the moment `referenceRealtime` was read.
    public var referenceMonotonic: Int64
    /// /proc/sys/kernel/random/boot_id: times are only comparable within one boot.
    public var bootID: String
    /// The machine's host name.
    public var hostName: String
    /// The kernel release (`uname -r`).
    public var kernelRelease: String
    /// The recorder's options (its command line).
    public var options: String
    /// sysconf(_SC_CLK_TCK): the unit of process start times.
    public var clockTicksPerSecond: Int
    /// How mappings were captured: "ioctl" or "text".
    public var backend: String
    /// The writer's flush interval, in nanoseconds.
    public var flushInterval: Int64
    /// The writer's keyframe interval, in nanoseconds.
    public var keyframeInterval: Int64
    /// perf's default clock measured against `clock` as the recording
    /// started (format 1.1; nil when it could not be measured, and in 1.0 files).
    public var perfClock: PerfClockReading?
    /// Whether the recorder used kernel events, as it decided before its
    /// first round (format 1.1; nil when unknown: not said, and in older files).
    public var kernelEvents: KernelEventsUse?
    /// The major format version the file declares (the writer writes 2).
    public internal(set) var majorVersion: UInt16 = FormatConstants.majorVersion
    /// The minor format version the file declares (the writer writes 0: format 2.0).
    public internal(set) var minorVersion: UInt16 = FormatConstants.minorVersion

    /// Creates a header from its fields.
    public init(
        clock: RecordingClock = .monotonic, start: Int64, referenceRealtime: Int64, referenceMonotonic: Int64,
        bootID: String, hostName: String, kernelRelease: String, options: String, clockTicksPerSecond: Int,
        backend: String, flushInterval: Int64 = 1_000_000_000, keyframeInterval: Int64 = 30_000_000_000,
        perfClock: PerfClockReading? = nil
    ) {
        self.clock = clock
        self.start = start
        self.referenceRealtime = referenceRealtime
        self.referenceMonotonic = referenceMonotonic
        self.bootID = bootID
        self.hostName = hostName
        self.kernelRelease = kernelRelease
        self.options = options
        self.clockTicksPerSecond = clockTicksPerSecond
        self.backend = backend
        self.flushInterval = flushInterval
        self.keyframeInterval = keyframeInterval
        self.perfClock = perfClock
    }

    /// The wall-clock time (CLOCK_REALTIME nanoseconds) of `time` on the
    /// recording's clock, by the reference pair.
    public func realtime(of time: Int64) -> Int64 {
        referenceRealtime &+ (time &- referenceMonotonic)
    }
}
