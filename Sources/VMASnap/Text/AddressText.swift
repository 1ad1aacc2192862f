/// Addresses as text: printed as "0x" and lowercase hex everywhere; parsed
/// from hex with or without "0x", as perf prints them.
public enum AddressText {
    /// "0x" and lowercase hex digits.
    public static func format(_ value: UInt64) -> String { Hex.address(value) }

    /// Parses hex with or without "0x"; nil on anything else or on overflow.
    public static func parse(_ text: String) -> UInt64? { Hex.parseAddress(Array(text.utf8)) }

    /// Parses hex bytes with or without "0x".
    public static func parse<Bytes: Collection>(bytes: Bytes) -> UInt64? where Bytes.Element == UInt8 {
        Hex.parseAddress(bytes)
    }
}
