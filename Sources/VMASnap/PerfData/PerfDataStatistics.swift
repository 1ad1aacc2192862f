/// What a perf.data reader met on its way through the records.
public struct PerfDataStatistics: Hashable, Sendable {
    /// Bytes of input read.
    public var bytesRead: UInt64 = 0
    /// Records of each type (kernel and perf's own), COMPRESSED data's included.
    public var recordsByType: [UInt32: Int] = [:]
    /// FINISHED_ROUND records.
    public var rounds = 0
    /// Kernel records whose sample id names no event (perf skips and counts them too).
    public var unknownEventRecords = 0
    /// Records with a time before one already handed on (perf warns of these).
    public var outOfOrderRecords = 0
    /// Records the kernel dropped (the sum of LOST records).
    public var lostRecords: UInt64 = 0
    /// Samples the kernel dropped (the sum of LOST_SAMPLES records).
    public var lostSamples: UInt64 = 0
    /// Bytes of COMPRESSED data, and what they decoded to.
    public var compressedBytes: UInt64 = 0
    /// Bytes the COMPRESSED data decoded to.
    public var decompressedBytes: UInt64 = 0
    /// The most bytes of records held for ordering at once: what bounds the reader's memory.
    public var largestHeldBytes = 0
    /// How often the holding limit forced the earliest half out before its round ended.
    public var forcedFlushes = 0

    /// The number of records of `type`.
    public func count(_ type: PerfRecordType) -> Int { recordsByType[type.rawValue] ?? 0 }
}
