import SystemPackage

/// Why a process's mappings could not be captured.
public enum CaptureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No process has this pid.
    case noSuchProcess(pid: Int32)
    /// The maps of this process may not be read by this user.
    case permissionDenied(pid: Int32)
    /// The process exited while its mappings were being walked.
    case processExited(pid: Int32)
    /// The kernel has no PROCMAP_QUERY ioctl (before Linux 6.11): ENOTTY.
    case ioctlUnsupported(kernelRelease: String)
    /// The kernel rejected a query that should be valid: a bug in vmasnap or
    /// in its idea of the ABI, never taken to mean "unsupported".
    case queryRejected(pid: Int32, errno: Errno)
    /// Another system call failed.
    case system(SystemError)

    /// One line for a user.
    public var description: String {
        switch self {
        case .noSuchProcess(let pid):
            return "no such process: \(pid)"
        case .permissionDenied(let pid):
            return "permission denied reading the mappings of process \(pid): "
                + "this needs ptrace read access (the same user, or CAP_SYS_PTRACE)"
        case .processExited(let pid):
            return "process \(pid) exited while its mappings were being read"
        case .ioctlUnsupported(let release):
            return "this kernel (\(release)) has no PROCMAP_QUERY ioctl (Linux 6.11 or later); use --backend text"
        case .queryRejected(let pid, let errno):
            return "the kernel rejected a PROCMAP_QUERY on process \(pid) with \(errno.symbol ?? String(errno.rawValue)) "
                + "(\(errno)): this is a bug in vmasnap, please report it"
        case .system(let error):
            return error.description
        }
    }
}
