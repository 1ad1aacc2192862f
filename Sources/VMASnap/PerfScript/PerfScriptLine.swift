/// One line of `perf script -F pid,tid,time,ip --ns` text, understood.
public enum PerfScriptLine: Hashable, Sendable {
    /// A sample line: "PID/TID SECONDS.NANOSECONDS: [IP [SYM (DSO)]]". perf
    /// prints no ip on it when a call chain follows (the chain's first frame
    /// is the sample's ip).
    case sample(PerfScriptSample)
    /// A call-chain frame line: a tab, the ip in hex, maybe " SYM+OFF (DSO)".
    case frame(PerfScriptFrame)
    /// An empty line: it ends a sample.
    case blank
    /// A line to skip: a "#" comment (perf script --header), or another kind
    /// of event, such as the PERF_RECORD_MMAP2 lines of --show-mmap-events.
    case ignored
}

/// The fields of a perf script sample line that a lookup needs.
public struct PerfScriptSample: Hashable, Sendable {
    /// The process ID.
    public var pid: Int32
    /// The thread ID, when perf printed it.
    public var tid: Int32?
    /// The time in nanoseconds (seconds as perf printed them).
    public var time: Int64
    /// The sample's ip, when printed on the sample line (always an address).
    public var address: UInt64?
    /// What perf said about the ip's DSO, when the dso field was printed.
    public var dso: PerfScriptDSO

    /// Creates a sample.
    public init(pid: Int32, tid: Int32?, time: Int64, address: UInt64?, dso: PerfScriptDSO) {
        self.pid = pid
        self.tid = tid
        self.time = time
        self.address = address
        self.dso = dso
    }
}

/// A call-chain frame of a perf script sample.
public struct PerfScriptFrame: Hashable, Sendable {
    /// The value perf printed: an address, or (see `CallchainAddressMode`)
    /// an offset in the DSO.
    public var value: UInt64
    /// What perf said about its DSO, when the dso field was printed.
    public var dso: PerfScriptDSO

    /// Creates a frame.
    public init(value: UInt64, dso: PerfScriptDSO) {
        self.value = value
        self.dso = dso
    }
}

/// The "(DSO)" at the end of a perf script line, as far as a lookup cares.
public enum PerfScriptDSO: UInt8, Hashable, Sendable {
    /// No "(DSO)" field was printed.
    case absent
    /// "([unknown])": perf did not attribute the ip to any mapping, and so
    /// printed it as an address.
    case unknown
    /// Any other DSO name (a file, "[kernel.kallsyms]", "[vdso]").
    case named
}
