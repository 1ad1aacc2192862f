/// Decimal numbers as text, in both directions, without Foundation: the one
/// place that formats and parses them.
public enum Decimal {
    /// `value` with exactly `places` decimals (0 to 18; others are taken as
    /// the nearest of those), such as "12.000000450".
    ///
    /// - Returns: the text; `String(value)` when it is too large for fixed point.
    public static func format(_ value: Double, places: Int) -> String {
        let places = clamped(places)
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let negative = value < 0
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9.0e18 else { return String(value) }
        return (negative ? "-" : "") + fixed(UInt64(scaled), places: places)
    }

    /// `nanoseconds` as seconds with nine decimals, exact: "689.928032317".
    public static func seconds(nanoseconds: Int64) -> String {
        (nanoseconds < 0 ? "-" : "") + fixed(nanoseconds.magnitude, places: 9)
    }

    /// `units` with its last `places` digits after a decimal point: 1234 with
    /// 3 places is "1.234" (0 to 18 places; others are taken as the nearest
    /// of those).
    public static func fixed(_ units: Int64, places: Int) -> String {
        (units < 0 ? "-" : "") + fixed(units.magnitude, places: places)
    }

    /// `value` with leading zeros to at least `digits` digits.
    public static func padded(_ value: UInt64, digits: Int) -> String {
        var bytes: [UInt8] = []
        append(value, minimumDigits: digits, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the digits of `value`, at least `minimumDigits` of them.
    @inlinable @inline(__always)
    public static func append(_ value: UInt64, minimumDigits: Int = 1, to bytes: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: UInt64.max has 20 digits
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            while count < min(minimumDigits, buffer.count) {
                buffer[count] = UInt8(ascii: "0")
                count += 1
            }
            // Most significant first, onto `bytes` in one append (see Hex.append).
            var low = 0
            var high = count - 1
            while low < high {
                buffer.swapAt(low, high)
                low += 1
                high -= 1
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Appends a signed `value`.
    @inlinable @inline(__always)
    public static func append(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        append(value.magnitude, to: &bytes)
    }

    /// Appends `nanoseconds` as seconds with nine decimals (see `seconds(nanoseconds:)`).
    @inlinable @inline(__always)
    public static func appendSeconds(nanoseconds: Int64, to bytes: inout [UInt8]) {
        if nanoseconds < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = nanoseconds.magnitude
        append(magnitude / 1_000_000_000, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        append(magnitude % 1_000_000_000, minimumDigits: 9, to: &bytes)
    }

    /// The value of a non-empty run of decimal digits.
    ///
    /// - Returns: the value; nil for any other byte, an empty run, or overflow.
    public static func parse<Bytes: Collection>(_ digits: Bytes) -> UInt64? where Bytes.Element == UInt8 {
        if let value = digits.withContiguousStorageIfAvailable({ parse(UnsafeRawBufferPointer($0)) }) { return value }
        return Array(digits).withUnsafeBytes { parse($0) }
    }

    /// The value of a non-empty run of decimal digits in memory (a plain
    /// loop: /proc parsers call it for every field).
    ///
    /// - Returns: the value; nil for any other byte, an empty run, or overflow.
    @inline(__always)
    public static func parse(_ digits: UnsafeRawBufferPointer) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        var index = 0
        while index < digits.count {
            let digit = digits[index] &- 0x30  // "0"
            guard digit < 10 else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = product.addingReportingOverflow(UInt64(digit))
            guard !overflow, !carry else { return nil }
            value = sum
            index += 1
        }
        return value
    }

    /// The value of digits with an optional leading "-".
    ///
    /// - Returns: the value; nil for anything else or when it does not fit an Int64.
    public static func parseSigned<Bytes: Collection>(_ text: Bytes) -> Int64? where Bytes.Element == UInt8 {
        let negative = text.first == UInt8(ascii: "-")
        guard let magnitude = parse(negative ? text.dropFirst() : text[...]) else { return nil }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return Int64(exactly: magnitude)
    }

    /// Decimal places a UInt64 divisor can hold.
    private static func clamped(_ places: Int) -> Int { min(max(places, 0), 18) }

    private static func fixed(_ units: UInt64, places: Int) -> String {
        let places = clamped(places)
        var divisor: UInt64 = 1
        for _ in 0..<places { divisor *= 10 }
        var bytes: [UInt8] = []
        append(units / divisor, to: &bytes)
        if places > 0 {
            bytes.append(UInt8(ascii: "."))
            append(units % divisor, minimumDigits: places, to: &bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
