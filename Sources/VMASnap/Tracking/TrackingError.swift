import SystemPackage

/// Why live tracking could not start.
public enum TrackingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A system call failed.
    case system(SystemError)
    /// The kernel refused the events (see the denial for why and what would allow them).
    case denied(TrackingDenial)
    /// The target process is gone.
    case noSuchProcess(pid: Int32)
    /// A gated command could not be executed (its exec failed).
    case cannotExecute(command: String, errno: Errno)

    /// One line: "tracking events: perf_event_paranoid is 2 (needs 0 or below, or CAP_PERFMON)".
    public var description: String {
        switch self {
        case .system(let error): return error.description
        case .denied(let denial): return "tracking events: \(denial)"
        case .noSuchProcess(let pid): return "no process \(pid)"
        case .cannotExecute(let command, let errno):
            return "cannot execute \(command): \(errno)\(errno.symbol.map { " (\($0))" } ?? "")"
        }
    }
}
