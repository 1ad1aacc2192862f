/// Whether a recorder used the kernel's events (fork, exec, mmap, exit)
/// beside its walks, as it decided before its first round (header fields 14
/// and 15, Formats/vmasnap.md section 2.1; format 1.1).
public enum KernelEventsUse: Hashable, Sendable {
    /// Off, as the recorder was asked (`--events off`).
    case off
    /// On.
    case on
    /// Asked for where the kernel permits them (`--events auto`), and the
    /// kernel did not: `reason` says why, as the recorder said it.
    case refused(reason: String)

    /// The value of header field 14.
    var fieldValue: UInt64 {
        switch self {
        case .off: return 1
        case .on: return 2
        case .refused: return 3
        }
    }

    /// "off", "on" or "refused", as `info` and `dump` name it.
    public var name: String {
        switch self {
        case .off: return "off"
        case .on: return "on"
        case .refused: return "refused"
        }
    }
}
