/// Reads the primitive values of the format from a byte array, checking every
/// length: running past the end, an overlong varint or a value too large for
/// what it counts is a `FormatError` naming where it happened, never a trap.
struct ByteDecoder {
    /// Where the bytes came from, so that errors can name a byte of the file.
    enum Origin: Hashable {
        /// Bytes of the file; `bytes[0]` is at this file offset.
        case file(UInt64)
        /// The decoded (decompressed) payload of the frame at this file offset.
        case decoded(frame: UInt64)
    }

    /// All the bytes.
    let bytes: [UInt8]
    /// The next byte to read.
    private(set) var position: Int
    /// The end of the readable range.
    let end: Int
    /// Where `bytes` came from.
    let origin: Origin

    /// A decoder of `bytes[range]`.
    init(_ bytes: [UInt8], range: Range<Int>? = nil, origin: Origin) {
        self.bytes = bytes
        let range = range ?? 0..<bytes.count
        self.position = range.lowerBound
        self.end = range.upperBound
        self.origin = origin
    }

    /// Whether every byte has been read.
    var isAtEnd: Bool { position >= end }

    /// Bytes not read yet.
    var remaining: Int { end - position }

    /// An error at `position` (the current one by default).
    func error(_ reason: FormatError.Reason, at position: Int? = nil) -> FormatError {
        let at = UInt64(position ?? self.position)
        switch origin {
        case .file(let base): return FormatError(offset: base &+ at, reason: reason)
        case .decoded(let frame): return FormatError(offset: frame, decodedOffset: at, reason: reason)
        }
    }

    /// One byte.
    mutating func byte(_ what: @autoclosure () -> String) throws -> UInt8 {
        guard position < end else { throw error(.truncated(what())) }
        defer { position += 1 }
        return bytes[position]
    }

    /// An unsigned LEB128 varint of at most 10 bytes that fits 64 bits.
    mutating func varint(_ what: @autoclosure () -> String) throws -> UInt64 {
        let start = position
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw error(.truncated(what()), at: start) }
            let byte = bytes[position]
            position += 1
            if shift == 63 {
                // The tenth byte may only hold bit 63.
                guard byte & 0x80 == 0 else { throw error(.varintTooLong(what()), at: start) }
                guard byte <= 1 else { throw error(.varintOverflow(what()), at: start) }
            }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// A varint that counts something in memory: at most `limit`.
    mutating func count(_ what: @autoclosure () -> String, limit: Int) throws -> Int {
        let start = position
        let value = try varint(what())
        guard value <= UInt64(limit) else {
            throw error(.tooLarge(what(), value: value, limit: UInt64(limit)), at: start)
        }
        return Int(value)
    }

    /// A varint that numbers something already defined: less than `count`.
    mutating func number(_ what: @autoclosure () -> String, below count: Int) throws -> Int {
        let start = position
        let value = try varint(what())
        guard value < UInt64(count) else {
            throw error(.undefined(what(), number: value), at: start)
        }
        return Int(value)
    }

    /// A little-endian 16-bit integer.
    mutating func uint16(_ what: @autoclosure () -> String) throws -> UInt16 {
        UInt16(truncatingIfNeeded: try little(2, what()))
    }

    /// A little-endian 32-bit integer.
    mutating func uint32(_ what: @autoclosure () -> String) throws -> UInt32 {
        UInt32(truncatingIfNeeded: try little(4, what()))
    }

    /// A little-endian 64-bit integer.
    mutating func uint64(_ what: @autoclosure () -> String) throws -> UInt64 {
        try little(8, what())
    }

    /// `count` raw bytes.
    mutating func bytes(_ count: Int, _ what: @autoclosure () -> String) throws -> [UInt8] {
        guard count >= 0, count <= remaining else { throw error(.truncated(what())) }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    /// Skips `count` bytes.
    mutating func skip(_ count: Int, _ what: @autoclosure () -> String) throws {
        guard count >= 0, count <= remaining else { throw error(.truncated(what())) }
        position += count
    }

    /// Moves to `position` (within the decoder's range).
    mutating func seek(to position: Int) {
        self.position = min(max(position, 0), end)
    }

    /// A decoder of the next `length` bytes, which this one skips.
    mutating func prefix(_ length: UInt64, _ what: @autoclosure () -> String) throws -> ByteDecoder {
        guard length <= UInt64(remaining) else { throw error(.truncated(what())) }
        let count = Int(length)
        defer { position += count }
        return ByteDecoder(bytes, range: position..<position + count, origin: origin)
    }

    private mutating func little(_ size: Int, _ what: String) throws -> UInt64 {
        guard size <= remaining else { throw error(.truncated(what)) }
        var value: UInt64 = 0
        for index in 0..<size { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += size
        return value
    }
}
