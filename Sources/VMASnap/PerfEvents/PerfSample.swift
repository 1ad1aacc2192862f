/// A decoded SAMPLE record: the fields its attribute's sample_type names
/// (nil when it does not), up to the call chain; the fields after it are
/// checked and skipped.
///
/// `callchain` is a view into the record's bytes: a sample is valid only
/// while they are (a decoder's caller gets it for the duration of one call).
public struct PerfSample {
    /// The record's misc bits (its CPU mode: where the ip is).
    public var misc: PerfRecordMisc
    /// The event's sample id (PERF_SAMPLE_IDENTIFIER, else PERF_SAMPLE_ID).
    public var id: UInt64?
    /// The instruction pointer.
    public var ip: UInt64?
    /// The process (thread group) ID.
    public var pid: Int32?
    /// The thread ID.
    public var tid: Int32?
    /// The time, in nanoseconds on the attribute's clock (perf's clock by default).
    public var time: UInt64?
    /// The data address (PERF_SAMPLE_ADDR).
    public var address: UInt64?
    /// The stream id.
    public var streamID: UInt64?
    /// The CPU.
    public var cpu: UInt32?
    /// The sample period.
    public var period: UInt64?
    /// The call chain (empty without PERF_SAMPLE_CALLCHAIN).
    public var callchain: PerfCallchain

    /// A sample of nothing but its misc bits.
    public init(misc: PerfRecordMisc) {
        self.misc = misc
        callchain = .empty
    }
}

/// The sample_id trailer of a non-sample kernel record (with
/// `sample_id_all`): the sample_type's TID, TIME, ID, STREAM_ID, CPU and
/// IDENTIFIER fields, nil where it has none.
public struct PerfSampleID: Hashable, Sendable {
    /// The process ID.
    public var pid: Int32?
    /// The thread ID.
    public var tid: Int32?
    /// The time, on the attribute's clock.
    public var time: UInt64?
    /// The event's sample id (ID or IDENTIFIER).
    public var id: UInt64?
    /// The stream id.
    public var streamID: UInt64?
    /// The CPU.
    public var cpu: UInt32?

    /// A trailer with no fields.
    public init() {}
}
