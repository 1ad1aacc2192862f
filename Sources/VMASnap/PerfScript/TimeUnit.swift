/// The unit of the times in lookup input: seconds with a fraction, as perf
/// script prints them, or integers of a smaller unit, as BPF samplers print
/// them (bpftrace's `nsecs` is integer nanoseconds of CLOCK_MONOTONIC, the
/// recording's clock).
public enum TimeUnit: String, Hashable, Sendable, CaseIterable {
    /// "SECONDS[.FRACTION]", up to nine decimals.
    case seconds = "s"
    /// Integer milliseconds.
    case milliseconds = "ms"
    /// Integer microseconds.
    case microseconds = "us"
    /// Integer nanoseconds.
    case nanoseconds = "ns"

    /// Nanoseconds in one unit (for the integer units).
    var nanosecondsPerUnit: Int64 {
        switch self {
        case .seconds: return 1_000_000_000
        case .milliseconds: return 1_000_000
        case .microseconds: return 1_000
        case .nanoseconds: return 1
        }
    }

    /// Parses a time in this unit: on the recording's clock, or "+TIME"
    /// after its start.
    ///
    /// - Parameter text: The field's bytes.
    /// - Returns: The time, or nil when it is not a number of this unit or
    ///   does not fit 64-bit nanoseconds.
    public func parse<Bytes: Collection>(_ text: Bytes) -> LookupTime? where Bytes.Element == UInt8 {
        if self == .seconds { return LookupTime(text: text) }
        let sinceStart = text.first == UInt8(ascii: "+")
        let digits = sinceStart ? text.dropFirst() : text[...]
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(byte &- UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        let (nanoseconds, overflow) = value.multipliedReportingOverflow(by: nanosecondsPerUnit)
        guard !overflow else { return nil }
        return sinceStart ? .sinceStart(nanoseconds) : .clock(nanoseconds)
    }
}
