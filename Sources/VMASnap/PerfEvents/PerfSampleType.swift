/// `perf_event_attr.sample_type`: which fields a SAMPLE record holds (in
/// bit order), and which of them the sample_id trailer of other records holds.
public struct PerfSampleType: OptionSet, Hashable, Sendable {
    /// The raw bits.
    public var rawValue: UInt64

    /// Wraps raw bits.
    @inlinable
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// u64 ip.
    public static let ip = PerfSampleType(rawValue: 1 << 0)
    /// u32 pid, u32 tid.
    public static let tid = PerfSampleType(rawValue: 1 << 1)
    /// u64 time.
    public static let time = PerfSampleType(rawValue: 1 << 2)
    /// u64 addr (a data address).
    public static let addr = PerfSampleType(rawValue: 1 << 3)
    /// The counter value(s), as `read_format` says.
    public static let read = PerfSampleType(rawValue: 1 << 4)
    /// u64 nr, u64 ips[nr]: the call chain, with PERF_CONTEXT_* markers.
    public static let callchain = PerfSampleType(rawValue: 1 << 5)
    /// u64 id (after addr).
    public static let id = PerfSampleType(rawValue: 1 << 6)
    /// u32 cpu, u32 reserved.
    public static let cpu = PerfSampleType(rawValue: 1 << 7)
    /// u64 period.
    public static let period = PerfSampleType(rawValue: 1 << 8)
    /// u64 stream id.
    public static let streamID = PerfSampleType(rawValue: 1 << 9)
    /// u32 size, then raw tracepoint data.
    public static let raw = PerfSampleType(rawValue: 1 << 10)
    /// u64 nr, [u64 hw_idx], nr × {u64 from, to, flags}.
    public static let branchStack = PerfSampleType(rawValue: 1 << 11)
    /// u64 abi, then the user registers in `sample_regs_user`.
    public static let registersUser = PerfSampleType(rawValue: 1 << 12)
    /// u64 size, the stack bytes, u64 dyn_size.
    public static let stackUser = PerfSampleType(rawValue: 1 << 13)
    /// u64 weight.
    public static let weight = PerfSampleType(rawValue: 1 << 14)
    /// u64 data source.
    public static let dataSource = PerfSampleType(rawValue: 1 << 15)
    /// u64 id, first in the record (and last in the trailer).
    public static let identifier = PerfSampleType(rawValue: 1 << 16)
    /// u64 transaction.
    public static let transaction = PerfSampleType(rawValue: 1 << 17)
    /// u64 abi, then the registers in `sample_regs_intr`.
    public static let registersInterrupt = PerfSampleType(rawValue: 1 << 18)
    /// u64 physical address.
    public static let physicalAddress = PerfSampleType(rawValue: 1 << 19)
    /// u64 size, then AUX data.
    public static let aux = PerfSampleType(rawValue: 1 << 20)
    /// u64 cgroup id.
    public static let cgroup = PerfSampleType(rawValue: 1 << 21)
    /// u64 data page size.
    public static let dataPageSize = PerfSampleType(rawValue: 1 << 22)
    /// u64 code page size.
    public static let codePageSize = PerfSampleType(rawValue: 1 << 23)
    /// u64 weight as a structure (same place as `weight`).
    public static let weightStruct = PerfSampleType(rawValue: 1 << 24)

    /// Every bit this decoder knows; a sample type with others cannot be laid out.
    public static let known = PerfSampleType(rawValue: (1 << 25) - 1)
    /// The fields the sample_id trailer of non-sample records can hold.
    public static let sampleIDFields: PerfSampleType = [.tid, .time, .id, .streamID, .cpu, .identifier]
}

/// `perf_event_attr.read_format`: what a counter read (PERF_SAMPLE_READ,
/// the READ record) holds.
public struct PerfReadFormat: OptionSet, Hashable, Sendable {
    /// The raw bits.
    public var rawValue: UInt64

    /// Wraps raw bits.
    @inlinable
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// u64 time enabled.
    public static let totalTimeEnabled = PerfReadFormat(rawValue: 1 << 0)
    /// u64 time running.
    public static let totalTimeRunning = PerfReadFormat(rawValue: 1 << 1)
    /// u64 id with each value.
    public static let id = PerfReadFormat(rawValue: 1 << 2)
    /// Every counter of the group: u64 nr first.
    public static let group = PerfReadFormat(rawValue: 1 << 3)
    /// u64 lost with each value.
    public static let lost = PerfReadFormat(rawValue: 1 << 4)

    /// Every bit this decoder knows.
    public static let known = PerfReadFormat(rawValue: (1 << 5) - 1)
}
