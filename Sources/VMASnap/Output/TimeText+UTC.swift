#if canImport(Glibc)
import Glibc
#endif

extension TimeText {
    /// "2025-11-29T00:00:00.100000000Z" (ISO 8601, UTC) for CLOCK_REALTIME
    /// nanoseconds: a recording's wall-clock times, from its reference pair.
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
