import SystemPackage

/// Something a `TrackingSession` did differently from what it was asked,
/// which the recorder reports (one line each on stderr).
public enum TrackingNotice: Hashable, Sendable, CustomStringConvertible {
    /// The locked-memory budget refused the requested buffer size: these are smaller.
    case smallerBuffers(requestedBytes: Int, grantedBytes: Int, errno: Errno)
    /// Descriptors ran out: the soft RLIMIT_NOFILE was raised to its hard limit.
    case raisedDescriptorLimit(from: UInt64, to: UInt64)
    /// Threads listed under /proc/PID/task that ended before their events opened.
    case threadsEnded(count: Int)

    /// One line.
    public var description: String {
        switch self {
        case .smallerBuffers(let requested, let granted, let errno):
            return "ring buffers of \(granted / 1024) KiB a CPU instead of \(requested / 1024) KiB "
                + "(the locked-memory budget refused them: \(errno.symbol ?? "\(errno.rawValue)")); bursts may lose events"
        case .raisedDescriptorLimit(let from, let to):
            return "raised the open-file limit from \(from) to \(to) for the tracking events"
        case .threadsEnded(let count):
            return "\(count) thread\(count == 1 ? "" : "s") ended while tracking was being set up"
        }
    }
}
