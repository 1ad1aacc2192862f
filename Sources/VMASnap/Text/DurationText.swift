/// Durations as people type them on a command line: a decimal number and a
/// unit, such as "1ms", "250ms", "2s", "1.5s" or "1m".
public enum DurationText {
    /// The units understood, with their length in nanoseconds. The unit is
    /// required: a bare "100" could mean anything.
    static let units: [(suffix: String, nanoseconds: Int64)] = [
        ("ns", 1), ("us", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
        ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// The longest duration accepted: 100 years, so that any time on the
    /// clock plus a duration (or a few intervals) cannot overflow.
    public static let maximum: Int64 = 100 * 365 * 86_400 * 1_000_000_000

    /// Parses `text` into nanoseconds, exactly (no floating point: "0.1s" is
    /// 100000000). A fraction finer than a nanosecond is an error rather than
    /// silently rounded.
    ///
    /// - Parameter text: a decimal number and a unit, such as "1.5s".
    /// - Returns: nanoseconds, at most `maximum`.
    /// - Throws: `DurationTextError` naming what is wrong.
    public static func parse(_ text: String) throws -> Int64 {
        let bytes = Array(text.utf8)
        var numberEnd = 0
        while numberEnd < bytes.count, isDigit(bytes[numberEnd]) || bytes[numberEnd] == UInt8(ascii: ".") {
            numberEnd += 1
        }
        let number = bytes[..<numberEnd]
        let suffix = String(decoding: bytes[numberEnd...], as: UTF8.self)
        guard !number.isEmpty else { throw DurationTextError(text: text, reason: .notANumber) }
        guard let unit = units.first(where: { $0.suffix == suffix }) else {
            throw DurationTextError(text: text, reason: suffix.isEmpty ? .missingUnit : .unknownUnit)
        }
        let parts = number.split(separator: UInt8(ascii: "."), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count <= 2, !(parts[0].isEmpty && (parts.count == 1 || parts[1].isEmpty)),
            parts.count == 1 || !parts[1].isEmpty
        else { throw DurationTextError(text: text, reason: .notANumber) }
        guard let whole = parts[0].isEmpty ? 0 : Decimal.parse(parts[0]).flatMap({ Int64(exactly: $0) }) else {
            throw DurationTextError(text: text, reason: .tooLarge)
        }
        var (total, overflow) = whole.multipliedReportingOverflow(by: unit.nanoseconds)
        guard !overflow else { throw DurationTextError(text: text, reason: .tooLarge) }
        if parts.count == 2 {
            // Each fraction digit is worth a tenth of the previous one.
            var place = unit.nanoseconds
            for digit in parts[1] {
                let value = Int64(digit - UInt8(ascii: "0"))
                guard place % 10 == 0 else {
                    if value == 0 { continue }
                    throw DurationTextError(text: text, reason: .finerThanNanosecond)
                }
                place /= 10
                (total, overflow) = total.addingReportingOverflow(value * place)
                guard !overflow else { throw DurationTextError(text: text, reason: .tooLarge) }
            }
        }
        guard total <= maximum else { throw DurationTextError(text: text, reason: .tooLarge) }
        return total
    }

    /// `nanoseconds` in the largest unit that shows it exactly: "100ms", "1.5s", "2m".
    public static func format(_ nanoseconds: Int64) -> String {
        if nanoseconds == 0 { return "0s" }
        for unit in [("h", Int64(3_600_000_000_000)), ("m", 60_000_000_000)] where nanoseconds % unit.1 == 0 {
            return "\(nanoseconds / unit.1)\(unit.0)"
        }
        if nanoseconds >= 1_000_000_000 {
            // Seconds with as many decimals as needed.
            if nanoseconds % 1_000_000_000 == 0 { return "\(nanoseconds / 1_000_000_000)s" }
            var fraction = Decimal.padded(UInt64(nanoseconds % 1_000_000_000), digits: 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return "\(nanoseconds / 1_000_000_000).\(fraction)s"
        }
        for unit in [("ms", Int64(1_000_000)), ("us", 1_000)] where nanoseconds % unit.1 == 0 {
            return "\(nanoseconds / unit.1)\(unit.0)"
        }
        return "\(nanoseconds)ns"
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
