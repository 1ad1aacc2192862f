#if canImport(Glibc)
import Glibc
#endif

/// Times as text: nanosecond counts as seconds with nine decimals (as perf
/// prints timestamps), and wall-clock times as ISO 8601 UTC.
public enum TimeText {
    /// "12.000000450" for 12000000450 ns; exact, negative values included.
    public static func seconds(_ nanoseconds: Int64) -> String { Decimal.seconds(nanoseconds: nanoseconds) }

    /// "2025-11-29T00:00:00.100000000Z" for CLOCK_REALTIME nanoseconds.
    public static func utc(realtime nanoseconds: Int64) -> String {
        var seconds = time_t(nanoseconds / 1_000_000_000)
        var fraction = nanoseconds % 1_000_000_000
        if fraction < 0 {
            seconds -= 1
            fraction += 1_000_000_000
        }
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "\(nanoseconds) ns" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var digits = String(fraction)
        while digits.count < 9 { digits = "0" + digits }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(digits)Z"
    }
}
