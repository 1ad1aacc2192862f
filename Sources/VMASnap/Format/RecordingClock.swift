/// The clock of every time in a recording, by its Linux clock ID.
public struct RecordingClock: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The clock ID (CLOCK_MONOTONIC is 1).
    public var rawValue: UInt64

    /// Wraps a clock ID.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// CLOCK_MONOTONIC, the clock of `perf record -k CLOCK_MONOTONIC`.
    public static let monotonic = RecordingClock(rawValue: 1)

    /// "CLOCK_MONOTONIC", or "clock N" for another ID.
    public var description: String {
        switch rawValue {
        case 0: return "CLOCK_REALTIME"
        case 1: return "CLOCK_MONOTONIC"
        case 4: return "CLOCK_MONOTONIC_RAW"
        case 7: return "CLOCK_BOOTTIME"
        default: return "clock \(rawValue)"
        }
    }
}
