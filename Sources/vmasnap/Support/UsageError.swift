/// An argument that parsed but makes no sense, such as a malformed address.
struct UsageError: Error, CustomStringConvertible {
    /// One line for the user.
    var description: String
}
