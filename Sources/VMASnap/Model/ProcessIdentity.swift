/// A process, told apart from a later one that reuses its pid by its start
/// time (field 22 of /proc/PID/stat, in clock ticks since boot).
///
/// exec() keeps both, so an exec'd process is the same identity with new
/// mappings.
public struct ProcessIdentity: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The process ID.
    public var pid: Int32
    /// Start time in clock ticks after boot, as /proc/PID/stat gives it.
    public var startTime: UInt64

    /// Creates an identity.
    public init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    /// "PID" and, after a slash, the start time: "1234/98765".
    public var description: String { "\(pid)/\(startTime)" }

    /// Orders by pid, then start time.
    public static func < (lhs: ProcessIdentity, rhs: ProcessIdentity) -> Bool {
        (lhs.pid, lhs.startTime) < (rhs.pid, rhs.startTime)
    }
}
