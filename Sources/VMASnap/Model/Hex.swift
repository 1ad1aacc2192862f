/// Hex digits in both directions, without Foundation's formatters.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The value of one hex digit, either case.
    @inline(__always)
    static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }

    /// Lowercase hex of `bytes`, two digits a byte.
    static func string<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// "0x" and lowercase hex digits, as addresses are printed everywhere.
    static func address(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// Parses an address: hex with or without "0x"; nil on anything else or overflow.
    static func parseAddress<Bytes: Collection>(_ text: Bytes) -> UInt64? where Bytes.Element == UInt8 {
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
