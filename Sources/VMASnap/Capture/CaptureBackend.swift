/// How a process's executable mappings are read.
public enum CaptureBackend: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The PROCMAP_QUERY ioctl on /proc/PID/maps (Linux 6.11+).
    case ioctl
    /// Parsing the text of /proc/PID/maps (any kernel).
    case text

    /// "ioctl" or "text".
    public var description: String { rawValue }
}

/// The backend a user asked for: one of the two, or the best available.
public enum BackendChoice: String, Hashable, Sendable, CaseIterable {
    /// The ioctl where the kernel has it, else text.
    case auto
    /// The ioctl, or an error on kernels without it.
    case ioctl
    /// Text parsing.
    case text
}
