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
        let point = bytes.firstIndex(of: UInt8(ascii: "."))
        guard let seconds = Decimal.parse(bytes[..<(point ?? bytes.endIndex)]), seconds <= UInt64(Int64.max) else {
            return nil
        }
        var fraction: UInt64 = 0
        if let point {
            // Empty, or holding another ".": nil from the parse.
            let digits = bytes[bytes.index(after: point)...]
            guard digits.count <= 9, let value = Decimal.parse(digits) else { return nil }
            fraction = value
            for _ in digits.count..<9 { fraction *= 10 }
        }
        let (nanoseconds, overflow) = Int64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, carry) = nanoseconds.addingReportingOverflow(Int64(fraction))
        guard !overflow, !carry else { return nil }
        return total
    }
}
