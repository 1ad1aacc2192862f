import ArgumentParser
import VMASnap

/// The documented exit statuses (see the README), one per kind of failure.
enum ExitStatus: Int32 {
    /// Everything worked.
    case success = 0
    /// An operation failed (I/O, a full disk, a system call).
    case failure = 1
    /// No such process, it exited while being read, or it is a kernel thread.
    case noSuchProcess = 2
    /// Permission denied (ptrace read access, or an unsafe output directory).
    case permissionDenied = 3
    /// The file is not a recording vmasnap can read.
    case badRecording = 4
    /// The kernel lacks what was asked for (the ioctl before 6.11).
    case unsupported = 5
    /// Bad arguments, as ArgumentParser reports them.
    case usage = 64
    /// `record -- COMMAND`: the command could not be run (as a shell says).
    case commandNotExecutable = 126
    /// `record -- COMMAND`: the command was not found (as a shell says).
    case commandNotFound = 127
    /// Standard output was a pipe that closed: what a shell reports for a
    /// command SIGPIPE ended (128 + 13), without a message.
    case brokenPipe = 141

    /// The status for an error that a command let through.
    static func of(_ error: Error) -> ExitStatus {
        switch error {
        case let error as CaptureError:
            switch error {
            case .noSuchProcess, .processExited, .kernelThread: return .noSuchProcess
            case .permissionDenied: return .permissionDenied
            case .ioctlUnsupported: return .unsupported
            case .queryRejected, .system: return .failure
            }
        case is UsageError, is DurationTextError: return .usage
        case let error as RecorderError:
            switch error {
            case .noSuchProcess: return .noSuchProcess
            case .cannotStart(_, let errno):
                return errno == .noSuchFileOrDirectory ? .commandNotFound : .commandNotExecutable
            case .intervalTooShort, .durationNotPositive, .tooLong, .invalidProcessID, .noProcesses: return .usage
            }
        case let error as WriterError:
            switch error {
            case .unsafeDirectory: return .permissionDenied
            case .emptyPath: return .usage
            default: return .failure
            }
        case is FormatError, is PerfDataError: return .badRecording
        case is InputError: return .failure
        default: return .failure
        }
    }
}
