/// Why a recording stopped following a process.
public enum ProcessEnd: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// It exited (its maps could no longer be read: ESRCH or ENOENT).
    case exited = 0
    /// Its maps stopped being readable (permission lost, for example after
    /// exec() of a setuid program).
    case unreadable = 1
    /// Its pid now belongs to another process (a different start time).
    case replaced = 2

    /// "exited", "unreadable" or "replaced".
    public var description: String {
        switch self {
        case .exited: return "exited"
        case .unreadable: return "unreadable"
        case .replaced: return "replaced"
        }
    }
}
