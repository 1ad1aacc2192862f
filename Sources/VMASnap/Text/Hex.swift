/// Hex digits in both directions, without Foundation's formatters: the one
/// table of digits, and the one parser of addresses.
public enum Hex {
    /// The lowercase digits, by value.
    public static let digitTable: [UInt8] = Array("0123456789abcdef".utf8)

    /// The value of one hex digit, either case; nil for any other byte.
    @inline(__always)
    public static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }

    /// Appends two lowercase digits for `byte`.
    @inline(__always)
    public static func append(byte: UInt8, to bytes: inout [UInt8]) {
        digitTable.withUnsafeBufferPointer { table in
            bytes.append(table[Int(byte >> 4)])
            bytes.append(table[Int(byte & 0xF)])
        }
    }

    /// Appends the lowercase digits of `value`, at least `minimumDigits` of them.
    /// (Inlinable: other modules print millions of addresses with it.)
    @inlinable @inline(__always)
    public static func append(_ value: UInt64, minimumDigits: Int = 1, to bytes: inout [UInt8]) {
        var shift = 60
        while shift > 0 && (value >> UInt64(shift)) == 0 && shift >= minimumDigits * 4 { shift -= 4 }
        // The digits go into a local buffer and onto `bytes` in one append:
        // a byte at a time, each append checks capacity and uniqueness
        // (perf-resolve prints millions of these).
        var digits: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var count = 0
            let table: StaticString = "0123456789abcdef"
            while shift >= 0 {
                buffer[count] = table.utf8Start[Int((value >> UInt64(shift)) & 0xF)]
                count += 1
                shift -= 4
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Lowercase hex of `bytes`, two digits a byte.
    public static func string<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes { append(byte: byte, to: &text) }
        return String(decoding: text, as: UTF8.self)
    }

    /// The lowercase digits of `value`, at least `minimumDigits` of them, without "0x".
    public static func digits(_ value: UInt64, minimumDigits: Int = 1) -> String {
        var text: [UInt8] = []
        append(value, minimumDigits: minimumDigits, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// "0x" and lowercase hex digits, as addresses are printed everywhere.
    public static func address(_ value: UInt64) -> String { "0x" + digits(value) }

    /// Parses an address: hex with or without "0x".
    ///
    /// - Returns: the value; nil on anything else or on overflow.
    public static func parseAddress<Bytes: Collection>(_ text: Bytes) -> UInt64? where Bytes.Element == UInt8 {
        var body = text[...]
        if body.count > 2, body.first == UInt8(ascii: "0"),
            let x = body.dropFirst().first, x == UInt8(ascii: "x") || x == UInt8(ascii: "X")
        {
            body = body.dropFirst(2)
        }
        guard !body.isEmpty, body.count <= 16 else { return nil }
        var value: UInt64 = 0
        for digit in body {
            guard let nibble = Hex.value(of: digit) else { return nil }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }
}
