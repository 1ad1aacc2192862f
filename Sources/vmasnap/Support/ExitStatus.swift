import ArgumentParser
import VMASnap

/// The documented exit statuses (see the README), one per kind of failure.
enum ExitStatus: Int32 {
    /// Everything worked.
    case success = 0
    /// An operation failed (I/O, a full disk, a system call).
    case failure = 1
    /// No such process, or it exited while being read.
    case noSuchProcess = 2
    /// Permission denied (ptrace read access, or an unsafe output directory).
    case permissionDenied = 3
    /// The file is not a recording vmasnap can read.
    case badRecording = 4
    /// The kernel lacks what was asked for (the ioctl before 6.11).
    case unsupported = 5
    /// Bad arguments, as ArgumentParser reports them.
    case usage = 64

    /// The status for an error that a command let through.
    static func of(_ error: Error) -> ExitStatus {
        switch error {
        case let error as CaptureError:
            switch error {
            case .noSuchProcess, .processExited: return .noSuchProcess
            case .permissionDenied: return .permissionDenied
            case .ioctlUnsupported: return .unsupported
            case .queryRejected, .system: return .failure
            }
        case is FormatError: return .badRecording
        case is UsageError: return .usage
        default: return .failure
        }
    }
}
