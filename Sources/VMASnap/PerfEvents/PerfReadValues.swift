/// The counter values of a sample (PERF_SAMPLE_READ), laid out as the
/// event's `read_format` says: one value, or with PERF_FORMAT_GROUP a value
/// for every counter of the group (the leader first), each with its id and
/// lost count when the format asks for them.
///
/// A view into the record's bytes, valid only while they are.
public struct PerfReadValues: RandomAccessCollection {
    /// One counter's value.
    public struct Value: Hashable, Sendable {
        /// The counter's value.
        public var value: UInt64
        /// Its event id (PERF_FORMAT_ID).
        public var id: UInt64?
        /// Samples it lost (PERF_FORMAT_LOST).
        public var lost: UInt64?
    }

    /// The time the event was enabled (PERF_FORMAT_TOTAL_TIME_ENABLED).
    public let timeEnabled: UInt64?
    /// The time it was running (PERF_FORMAT_TOTAL_TIME_RUNNING).
    public let timeRunning: UInt64?
    /// Where a group's first value starts.
    let base: UnsafeRawPointer?
    let swapped: Bool
    let format: PerfReadFormat
    /// The one value of a read without PERF_FORMAT_GROUP (whose id and lost
    /// count do not follow it directly).
    let single: Value?
    /// The number of values: 1, or the group's count.
    public let count: Int

    /// A group's values, `count` entries from `base`.
    init(base: UnsafeRawPointer, swapped: Bool, format: PerfReadFormat, count: Int, timeEnabled: UInt64?, timeRunning: UInt64?) {
        self.base = base
        self.swapped = swapped
        self.format = format
        self.count = count
        self.single = nil
        self.timeEnabled = timeEnabled
        self.timeRunning = timeRunning
    }

    /// One event's value.
    init(single: Value, format: PerfReadFormat, timeEnabled: UInt64?, timeRunning: UInt64?) {
        self.base = nil
        self.swapped = false
        self.format = format
        self.count = 1
        self.single = single
        self.timeEnabled = timeEnabled
        self.timeRunning = timeRunning
    }

    /// The first index.
    public var startIndex: Int { 0 }
    /// One past the last index.
    public var endIndex: Int { count }

    /// The bytes of one value: the value, then its id and lost count if present.
    var entrySize: Int { 8 + (format.contains(.id) ? 8 : 0) + (format.contains(.lost) ? 8 : 0) }

    /// The value at `position`.
    public subscript(position: Int) -> Value {
        precondition(position >= 0 && position < count, "read value index out of range")
        if let single { return single }
        let entry = base! + position * entrySize
        func u64(_ slot: Int) -> UInt64 {
            let value = entry.loadUnaligned(fromByteOffset: 8 * slot, as: UInt64.self)
            return swapped ? value.byteSwapped : value
        }
        let hasID = format.contains(.id)
        return Value(value: u64(0), id: hasID ? u64(1) : nil, lost: format.contains(.lost) ? u64(hasID ? 2 : 1) : nil)
    }
}
