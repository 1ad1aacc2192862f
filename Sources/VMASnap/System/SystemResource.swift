/// A resource of getrlimit(2) (see `SystemCalls+Live` for the named ones).
struct SystemResource: RawRepresentable, Hashable, Sendable {
    /// The resource number.
    var rawValue: Int32
    /// Wraps a resource number.
    init(rawValue: Int32) { self.rawValue = rawValue }
}
