/// One frame of a sample, resolved: the ip (frame 0) or a call-chain entry.
public struct PerfResolvedFrame: Hashable, Sendable {
    /// The address.
    public var address: UInt64
    /// The context perf's markers (or the sample's CPU mode) put it in; nil when unknown.
    public var context: PerfCallchainContext?
    /// The recording's answer (`kernel` for frames outside user space).
    public var resolution: Resolution

    /// Creates a frame.
    public init(address: UInt64, context: PerfCallchainContext?, resolution: Resolution) {
        self.address = address
        self.context = context
        self.resolution = resolution
    }
}

/// perf's own answer for a frame (`perf-resolve --compare`), from its records.
public enum PerfViewAnswer: Hashable, Sendable {
    /// A mapping of a file: its path's number in `PerfMappingView.paths` and the file offset.
    case file(path: Int32, offset: UInt64, mapping: PerfMappingView.Mapping)
    /// A mapping that is not a file ("//anon", "[vdso]", ...).
    case notFile(path: Int32)
    /// No mapping covers it.
    case none
    /// Not a user-space frame.
    case kernel
}

/// One sample of a perf.data file, its frames resolved against a recording.
///
/// `frames` and `perfAnswers` point into the resolver's buffers: valid only
/// during the call that gives the sample.
public struct PerfResolvedSample {
    /// The process ID.
    public var pid: Int32
    /// The thread ID.
    public var tid: Int32
    /// The time perf recorded, on its event's clock.
    public var time: UInt64
    /// The same time on the recording's clock: what was looked up.
    public var recordingTime: Int64
    /// The CPU, when the event samples it.
    public var cpu: UInt32?
    /// The event (its position in the reader's events).
    public var event: Int
    /// The thread's command name as perf's records give it, if known.
    public var command: [UInt8]?
    /// The ip, then the call chain's entries, leaf first, without perf's markers.
    public var frames: UnsafeBufferPointer<PerfResolvedFrame>
    /// With `compare`: perf's answer for each frame, in the same order.
    public var perfAnswers: UnsafeBufferPointer<PerfViewAnswer>?
}

/// Which samples `PerfSampleResolver` resolves (all when empty).
public struct PerfSampleFilter: Hashable, Sendable {
    /// Only these processes.
    public var pids: Set<Int32>?
    /// Only these threads.
    public var tids: Set<Int32>?
    /// Only threads with these command names.
    public var commands: Set<[UInt8]>?
    /// Only times in this range (nanoseconds, on perf's clock, as perf script prints them).
    public var times: ClosedRange<UInt64>?

    /// A filter that lets everything through.
    public init(pids: Set<Int32>? = nil, tids: Set<Int32>? = nil, commands: Set<[UInt8]>? = nil, times: ClosedRange<UInt64>? = nil) {
        self.pids = pids
        self.tids = tids
        self.commands = commands
        self.times = times
    }
}
