/// A view of perf record bytes in their writer's byte order: fixed-size
/// fields read at byte offsets, swapped when the order is not this machine's.
///
/// The view neither owns nor copies its bytes; it is valid while they are.
/// Every read is bounds-checked: a read past the end returns nil, so that
/// decoders cannot trap on a length or count that lies.
public struct PerfBytes {
    /// The bytes.
    public let raw: UnsafeRawBufferPointer
    /// Whether fields are swapped as they are read.
    public let swapped: Bool

    /// A view of `raw`, written in `order`.
    @inlinable
    public init(_ raw: UnsafeRawBufferPointer, order: PerfByteOrder) {
        self.raw = raw
        self.swapped = order.isSwapped
    }

    /// A view of `raw` that swaps fields when `swapped`.
    @inlinable
    public init(_ raw: UnsafeRawBufferPointer, swapped: Bool) {
        self.raw = raw
        self.swapped = swapped
    }

    /// The number of bytes.
    @inlinable
    public var count: Int { raw.count }

    /// Whether `length` bytes at `offset` lie inside the view.
    @inlinable
    public func contains(_ offset: Int, _ length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= raw.count && length <= raw.count - offset
    }

    /// The u8 at `offset`, or nil past the end.
    @inlinable
    public func u8(_ offset: Int) -> UInt8? {
        guard contains(offset, 1) else { return nil }
        return raw[offset]
    }

    /// The u16 at `offset`, or nil past the end.
    @inlinable
    public func u16(_ offset: Int) -> UInt16? {
        guard contains(offset, 2) else { return nil }
        let value = raw.baseAddress!.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return swapped ? value.byteSwapped : value
    }

    /// The u32 at `offset`, or nil past the end.
    @inlinable
    public func u32(_ offset: Int) -> UInt32? {
        guard contains(offset, 4) else { return nil }
        let value = raw.baseAddress!.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return swapped ? value.byteSwapped : value
    }

    /// The u64 at `offset`, or nil past the end.
    @inlinable
    public func u64(_ offset: Int) -> UInt64? {
        guard contains(offset, 8) else { return nil }
        let value = raw.baseAddress!.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        return swapped ? value.byteSwapped : value
    }

    /// The u64 at `offset`, which the caller has checked lies inside the view.
    @inlinable
    func u64Unchecked(_ offset: Int) -> UInt64 {
        let value = raw.baseAddress!.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        return swapped ? value.byteSwapped : value
    }

    /// Two u32 fields stored in one u64 slot (pid and tid, cpu and res).
    ///
    /// In a file of the other byte order perf swaps such a slot as two u32s,
    /// so each half is swapped on its own and keeps its place.
    @inlinable
    public func u32Pair(_ offset: Int) -> (UInt32, UInt32)? {
        guard let first = u32(offset), let second = u32(offset + 4) else { return nil }
        return (first, second)
    }

    /// `length` bytes at `offset`, or nil past the end.
    @inlinable
    public func slice(_ offset: Int, _ length: Int) -> UnsafeRawBufferPointer? {
        guard contains(offset, length) else { return nil }
        return UnsafeRawBufferPointer(rebasing: raw[offset..<offset + length])
    }

    /// The bytes of a NUL-terminated string in `offset..<end` (a file name
    /// or command name padded with NULs), without the NUL; nil when the
    /// range is not inside the view. A string without a NUL ends at `end`.
    public func string(_ offset: Int, end: Int) -> [UInt8]? {
        guard offset <= end, contains(offset, end - offset) else { return nil }
        var stop = offset
        while stop < end && raw[stop] != 0 { stop += 1 }
        return Array(raw[offset..<stop])
    }
}
