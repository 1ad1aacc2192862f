import SystemPackage

/// Opening files under /proc/PID with the errors users need to see.
enum ProcFiles {
    /// Opens /proc/PID/FILE read-only. ENOENT becomes "no such process" and
    /// EACCES/EPERM "permission denied", which carries the ptrace hint.
    static func open(pid: Int32, file: String, system: SystemCalls) throws -> OwnedDescriptor {
        let path = "/proc/\(pid)/\(file)"
        do throws(Errno) {
            return try OwnedDescriptor.open(path, .readOnly, system: system)
        } catch .noSuchFileOrDirectory, .noSuchProcess {
            throw CaptureError.noSuchProcess(pid: pid)
        } catch .permissionDenied, .notPermitted {
            throw CaptureError.permissionDenied(pid: pid)
        } catch {
            throw CaptureError.system(SystemError(.open, path, error))
        }
    }
}
