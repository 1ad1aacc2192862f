import SystemPackage

/// Why a recording could not start or go on.
public enum RecorderError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The command to record could not be started (not found, not executable...).
    case cannotStart(command: String, errno: Errno)
    /// A -p process does not exist.
    case noSuchProcess(pid: Int32)
    /// A process ID that no process can have (0 or negative).
    case invalidProcessID(Int32)
    /// No process to record: an empty list of process IDs.
    case noProcesses
    /// The interval is too short to be meant (under 1 ms) or not positive.
    case intervalTooShort(nanoseconds: Int64)
    /// The duration is not positive.
    case durationNotPositive(nanoseconds: Int64)
    /// An interval or duration longer than `DurationText.maximum`.
    case tooLong(nanoseconds: Int64)

    /// One line for a user.
    public var description: String {
        switch self {
        case .cannotStart(let command, let errno):
            let name = errno.symbol.map { " (\($0))" } ?? ""
            return "cannot start \(TextEscaping.escape(command)): \(errno)\(name)"
        case .noSuchProcess(let pid):
            return "no such process: \(pid)"
        case .invalidProcessID(let pid):
            return "invalid process ID \(pid): a process ID is a positive number"
        case .noProcesses:
            return "no process to record: the list of process IDs is empty"
        case .intervalTooShort(let nanoseconds):
            return "interval \(DurationText.format(nanoseconds)) is too short: the shortest is 1ms"
        case .durationNotPositive(let nanoseconds):
            return "duration \(DurationText.format(nanoseconds)) is not positive"
        case .tooLong(let nanoseconds):
            return "\(DurationText.format(nanoseconds)) is too long: the longest interval or duration is 100 years"
        }
    }
}
