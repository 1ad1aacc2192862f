/// A signal number (see `SystemCalls+Live` for the named ones).
struct Signal: RawRepresentable, Hashable, Sendable {
    /// The signal number.
    var rawValue: Int32

    /// Wraps a signal number.
    init(rawValue: Int32) { self.rawValue = rawValue }
}
