import VMASnap

/// A growable run of bytes that output is formatted into in place.
///
/// lookup and perf-resolve print tens of millions of answers: appending to
/// an `Array` checks its capacity and uniqueness at each append, and its
/// elements are retained and released with it. Here a line's writer makes
/// room once (`reserve`), then stores bytes and digits straight into the
/// memory (`put…`), unchecked. Not copyable: one owner, freed with it.
struct OutputBytes: ~Copyable {
    /// The bytes; `count` of them are written.
    private(set) var base: UnsafeMutablePointer<UInt8>
    /// How many bytes are written.
    private(set) var count = 0
    /// How many fit before it grows.
    private(set) var capacity: Int

    /// An empty run with room for `capacity` bytes.
    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Forgets the bytes written, keeping the memory.
    mutating func removeAll() { count = 0 }

    /// Makes room for `length` more bytes: the `put` calls that follow,
    /// up to that many bytes, need no check.
    @inline(__always)
    mutating func reserve(_ length: Int) {
        if capacity &- count < length { grow(toHold: count + length) }
    }

    private mutating func grow(toHold needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    // MARK: Unchecked writes, into room reserved before

    /// Puts one byte.
    @inline(__always)
    mutating func put(_ byte: UInt8) {
        base[count] = byte
        count &+= 1
    }

    /// Puts `bytes`, which must not lie in this run's memory past `count`.
    @inline(__always)
    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        count &+= bytes.count
    }

    /// Puts a literal's bytes.
    @inline(__always)
    mutating func put(_ text: StaticString) {
        put(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Puts lowercase hex digits (at most `Hex.maximumDigits` bytes).
    @inline(__always)
    mutating func putHex(_ value: UInt64) { count &+= Hex.write(value, to: base + count) }

    /// Puts a decimal number (at most `Decimal.maximumSignedLength` bytes).
    @inline(__always)
    mutating func putDecimal(_ value: Int64) { count &+= Decimal.write(value, to: base + count) }

    /// Puts seconds with nine decimals (at most `Decimal.maximumSecondsLength` bytes).
    @inline(__always)
    mutating func putSeconds(nanoseconds: Int64) { count &+= Decimal.writeSeconds(nanoseconds: nanoseconds, to: base + count) }

    /// Copies `length` bytes written before, from `offset`, to the end.
    @inline(__always)
    mutating func putCopy(from offset: Int, length: Int) {
        UnsafeMutableRawPointer(base + count).copyMemory(from: base + offset, byteCount: length)
        count &+= length
    }

    // MARK: Checked appends

    /// Appends `bytes`, making room for them.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        put(bytes)
    }

    /// Appends `bytes`, making room for them.
    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Appends one byte, making room for it.
    mutating func append(_ byte: UInt8) {
        reserve(1)
        put(byte)
    }
}
