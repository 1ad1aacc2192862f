/// Times as text: nanoseconds printed as seconds with nine decimals, and
/// seconds parsed back to exact nanoseconds (no floating point, so that a
/// time perf prints with --ns round-trips exactly).
public enum TimeText {
    /// "SECONDS.NNNNNNNNN", such as "689.928032317".
    public static func format(nanoseconds: Int64) -> String { Decimal.seconds(nanoseconds: nanoseconds) }

    /// Parses "SECONDS" or "SECONDS.FRACTION" (at most nine fraction digits;
    /// fewer are scaled, so perf's microsecond "689.928032" works too) into
    /// nanoseconds; nil on anything else, including signs and overflow.
    public static func parseSeconds<Bytes: Collection>(_ bytes: Bytes) -> Int64? where Bytes.Element == UInt8 {
        var seconds: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var sawDigit = false
        var sawPoint = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !sawPoint, sawDigit else { return nil }
                sawPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte &- UInt8(ascii: "0"))
            if sawPoint {
                fractionDigits += 1
                guard fractionDigits <= 9 else { return nil }
                fraction = fraction * 10 + digit
            } else {
                sawDigit = true
                let (times10, overflow1) = seconds.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(digit)
                guard !overflow1, !overflow2 else { return nil }
                seconds = sum
            }
        }
        guard sawDigit, !(sawPoint && fractionDigits == 0) else { return nil }
        while fractionDigits < 9 {
            fraction *= 10
            fractionDigits += 1
        }
        let (nanoseconds, overflow1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = nanoseconds.addingReportingOverflow(fraction)
        guard !overflow1, !overflow2 else { return nil }
        return total
    }
}
