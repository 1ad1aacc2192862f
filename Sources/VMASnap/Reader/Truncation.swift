/// Where a recording stops being readable: a file cut short (a killed
/// recorder) or corrupt. Everything before `offset` reads back.
public struct Truncation: Hashable, Sendable, CustomStringConvertible {
    /// The first byte not read: the start of the first frame that is
    /// incomplete or fails its checks.
    public var offset: UInt64
    /// What is wrong there, with the exact byte.
    public var error: FormatError

    /// Creates a truncation.
    public init(offset: UInt64, error: FormatError) {
        self.offset = offset
        self.error = error
    }

    /// What is wrong.
    public var reason: FormatError.Reason { error.reason }

    /// Whether the file merely ends early (a killed recorder), rather than
    /// holding bytes that fail their checks.
    public var isCutShort: Bool {
        switch error.reason {
        case .truncated, .unfinished: return true
        default: return false
        }
    }

    /// "cut short at byte 1234 (data ends inside a frame …)", "cut short at
    /// byte 1234 (the file ends without an index …)" or
    /// "unreadable from byte 1234 (byte 1240: frame checksum mismatch …)".
    public var description: String {
        isCutShort ? "cut short at byte \(offset) (\(error.reason))" : "unreadable from byte \(offset) (\(error))"
    }
}
