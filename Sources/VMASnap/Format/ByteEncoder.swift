/// Appends the primitive values of the format to a byte array: little-endian
/// integers and unsigned LEB128 varints.
struct ByteEncoder {
    /// The bytes written so far.
    var bytes: [UInt8] = []

    /// An empty encoder.
    init() {}

    /// One byte.
    @inline(__always)
    mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// An unsigned LEB128 varint: seven bits a byte, low bits first, the high
    /// bit set on every byte but the last.
    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A non-negative integer as a varint.
    @inline(__always)
    mutating func varint(_ value: Int) {
        precondition(value >= 0, "negative varint")
        varint(UInt64(value))
    }

    /// A little-endian 16-bit integer.
    mutating func uint16(_ value: UInt16) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A little-endian 32-bit integer.
    mutating func uint32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A little-endian 64-bit integer.
    mutating func uint64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Raw bytes.
    mutating func append<Bytes: Sequence>(_ other: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: other)
    }

    /// The number of bytes `varint(value)` writes.
    static func varintLength(_ value: UInt64) -> Int {
        var length = 1
        var value = value >> 7
        while value != 0 {
            length += 1
            value >>= 7
        }
        return length
    }
}
