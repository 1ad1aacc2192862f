/// How a command that a recording started ended.
public enum CommandExit: Hashable, Sendable, CustomStringConvertible {
    /// It exited with this status (0...255).
    case exited(Int32)
    /// A signal killed it.
    case signaled(Int32)

    /// Decodes a wait status from waitpid().
    init(waitStatus status: Int32) {
        let signal = status & 0x7F
        if signal == 0 {
            self = .exited((status >> 8) & 0xFF)
        } else {
            self = .signaled(signal)
        }
    }

    /// The status a shell would report: the exit status, or 128 + the signal.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let status): return status
        case .signaled(let signal): return 128 + signal
        }
    }

    /// "exited with status 3" or "killed by signal 9".
    public var description: String {
        switch self {
        case .exited(let status): return "exited with status \(status)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }
}
