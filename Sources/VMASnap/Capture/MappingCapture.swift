/// Reads the executable, file-backed mappings of one process, repeatedly.
///
/// A capture keeps what it needs between walks (the open /proc/PID/maps
/// descriptor, names and build IDs already fetched), so walking the same
/// process again costs only what changed.
public protocol MappingCapture: AnyObject {
    /// The process.
    var pid: Int32 { get }
    /// How this capture reads it.
    var backend: CaptureBackend { get }
    /// What the walks so far met: changes the process made while it was
    /// walked (the mappings a walk returns are in address order and never
    /// overlap, whatever it met).
    var walkStatistics: WalkStatistics { get }
    /// Walks the process's executable file-backed mappings, in address order.
    ///
    /// - Throws: `CaptureError` (the process exited, the walk failed).
    func capture() throws -> [ExecutableMapping]
    /// The executable file-backed mapping that covers `address` now, or nil.
    ///
    /// - Throws: `CaptureError`, as `capture()` does.
    func mapping(covering address: UInt64) throws -> ExecutableMapping?
}

/// Opens captures, choosing the backend.
public enum MappingCaptures {
    /// Opens a capture of process `pid` with the backend `choice` names.
    ///
    /// `.auto` chooses the ioctl when the kernel supports it (probed once per
    /// run), text otherwise.
    ///
    /// - Throws: `CaptureError`: the process cannot be opened, or `.ioctl` on a kernel without it.
    public static func open(pid: Int32, backend choice: BackendChoice = .auto) throws -> any MappingCapture {
        switch try resolve(choice) {
        case .ioctl: return try IoctlCapture(pid: pid)
        case .text: return try TextCapture(pid: pid)
        }
    }

    /// The backend `choice` stands for on this kernel.
    ///
    /// - Throws: `CaptureError.ioctlUnsupported` for `.ioctl` before Linux 6.11; `.queryRejected` when the probe fails oddly.
    public static func resolve(_ choice: BackendChoice) throws -> CaptureBackend {
        switch choice {
        case .text: return .text
        case .ioctl:
            guard try IoctlSupport.isSupported() else {
                throw CaptureError.ioctlUnsupported(kernelRelease: KernelInfo.release)
            }
            return .ioctl
        case .auto:
            return try IoctlSupport.isSupported() ? .ioctl : .text
        }
    }
}
