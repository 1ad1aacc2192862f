/// A clock of clock_gettime(2), by its Linux clock ID (see `SystemCalls+Live`
/// for the named ones).
struct SystemClock: RawRepresentable, Hashable, Sendable {
    /// The clock ID.
    var rawValue: Int32

    /// Wraps a clock ID.
    init(rawValue: Int32) { self.rawValue = rawValue }
}
