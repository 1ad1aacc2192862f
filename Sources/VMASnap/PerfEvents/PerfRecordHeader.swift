/// The 8 bytes that begin every perf record (`struct perf_event_header`):
/// u32 type, u16 misc, u16 size. `size` counts the header itself.
public struct PerfRecordHeader: Hashable, Sendable {
    /// The header's length in bytes.
    public static let size = 8

    /// The record's type.
    public var type: PerfRecordType
    /// Type-dependent flags (the CPU mode and a few per-type bits).
    public var misc: PerfRecordMisc
    /// The record's length in bytes, header included.
    public var size: UInt16

    /// Creates a header.
    @inlinable
    public init(type: PerfRecordType, misc: PerfRecordMisc, size: UInt16) {
        self.type = type
        self.misc = misc
        self.size = size
    }

    /// The header at `offset` of `bytes`, or nil if fewer than 8 bytes are there.
    @inlinable
    public init?(_ bytes: PerfBytes, at offset: Int = 0) {
        guard let type = bytes.u32(offset), let misc = bytes.u16(offset + 4), let size = bytes.u16(offset + 6) else {
            return nil
        }
        self.init(type: PerfRecordType(rawValue: type), misc: PerfRecordMisc(rawValue: misc), size: size)
    }
}
