import SystemPackage

/// Why a process's mappings could not be captured.
public enum CaptureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No process has this pid.
    case noSuchProcess(pid: Int32)
    /// The maps of this process may not be read by this user.
    case permissionDenied(pid: Int32)
    /// The process exited while its mappings were being walked.
    case processExited(pid: Int32)
    /// The process is a kernel thread: it has no user address space, so no mappings.
    case kernelThread(pid: Int32)
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
        case .kernelThread(let pid):
            return "process \(pid) is a kernel thread: it has no user address space, so no mappings"
        case .ioctlUnsupported(let release):
            return "this kernel (\(TextEscaping.escape(release))) has no PROCMAP_QUERY ioctl (Linux 6.11 or later); use --backend text"
        case .queryRejected(let pid, let errno):
            return "the kernel rejected a PROCMAP_QUERY on process \(pid) with \(errno.symbol ?? String(errno.rawValue)) "
                + "(\(errno)): this is a bug in vmasnap, please report it"
        case .system(let error):
            return error.description
        }
    }

    /// What it means that process `pid`'s mappings could no longer be read
    /// (ESRCH, or an empty maps file): it exited, unless it is a kernel
    /// thread, which never had any.
    static func gone(pid: Int32) -> CaptureError {
        ProcessStat.read(pid: pid)?.isKernelThread == true ? .kernelThread(pid: pid) : .processExited(pid: pid)
    }
}
