/// A time as a user gives it: seconds on the recording's clock (what
/// `perf script --ns` prints when perf recorded with `-k CLOCK_MONOTONIC`),
/// or "+SECONDS" after the recording's start.
public enum LookupTime: Hashable, Sendable {
    /// Nanoseconds on the recording's clock.
    case clock(Int64)
    /// Nanoseconds after the recording's start.
    case sinceStart(Int64)

    /// Parses "SECONDS[.FRACTION]" or "+SECONDS[.FRACTION]"; nil otherwise.
    public init?<Bytes: Collection>(text: Bytes) where Bytes.Element == UInt8 {
        if text.first == UInt8(ascii: "+") {
            guard let value = TimeText.parseSeconds(text.dropFirst()) else { return nil }
            self = .sinceStart(value)
        } else {
            guard let value = TimeText.parseSeconds(text) else { return nil }
            self = .clock(value)
        }
    }

    /// Parses a String (see `init(text:)`).
    public init?(_ string: String) { self.init(text: Array(string.utf8)) }

    /// Nanoseconds on the recording's clock, given the recording's start; a
    /// time after the start that lies past the clock's end (Int64.max) is
    /// that end, never a time wrapped around to before the start.
    public func nanoseconds(start: Int64) -> Int64 {
        exactNanoseconds(start: start) ?? Int64.max
    }

    /// Nanoseconds on the recording's clock, given the recording's start;
    /// nil when a time after the start does not fit an Int64.
    public func exactNanoseconds(start: Int64) -> Int64? {
        switch self {
        case .clock(let value): return value
        case .sinceStart(let value):
            let (sum, overflow) = start.addingReportingOverflow(value)
            return overflow ? nil : sum
        }
    }
}
