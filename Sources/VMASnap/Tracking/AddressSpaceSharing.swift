import SystemPackage

/// Whether two processes share one address space (one mm), as a vfork or
/// CLONE_VM child shares its parent's until it execs: a /proc/PID/maps
/// descriptor opened then stays bound to the parent's address space after
/// the child's exec (issue 15), so a walker must not trust it.
public enum AddressSpaceSharing: Hashable, Sendable, CustomStringConvertible {
    /// The same address space (kcmp says so).
    case shared
    /// Different address spaces.
    case separate
    /// Cannot be told: kcmp is unavailable (a kernel without
    /// CONFIG_CHECKPOINT_RESTORE, or no ptrace access) and the address-space
    /// fields of /proc/PID/stat agree, as they do after a plain fork too.
    case undetermined(Errno)

    /// Compares the address spaces of `first` and `second` with
    /// kcmp(KCMP_VM); where kcmp is refused, compares the layout fields of
    /// their /proc/PID/stat (code, data, heap, stack, arguments and
    /// environment addresses), which differ only between different address
    /// spaces.
    ///
    /// - Returns: `.shared`, `.separate`, or `.undetermined` with kcmp's errno.
    public static func compare(_ first: Int32, _ second: Int32) -> AddressSpaceSharing {
        compare(first, second, system: .live)
    }

    /// Compares `pid`'s address space with its parent's: shared for a
    /// vfork or CLONE_VM child that has not exec'd yet.
    ///
    /// - Returns: the parent's pid and the comparison, nil when the process is gone.
    public static func withParent(of pid: Int32) -> (parent: Int32, sharing: AddressSpaceSharing)? {
        guard let fields = statFields(pid, system: .live), fields.count > 1, let parent = Int32(fields[1]) else { return nil }
        return (parent, compare(pid, parent, system: .live))
    }

    static func compare(_ first: Int32, _ second: Int32, system: SystemCalls) -> AddressSpaceSharing {
        let compared = Result { () throws(Errno) in try system.shareAddressSpace(first, second) }
        switch compared {
        case .success(true): return .shared
        case .success(false): return .separate
        case .failure(let errno):
            guard let a = layout(first, system: system), let b = layout(second, system: system), a != b else {
                return .undetermined(errno)
            }
            return .separate
        }
    }

    /// start_code, end_code, start_stack (fields 26–28) and start_data …
    /// env_end (46–52) of /proc/PID/stat: all come from the mm; 0 without
    /// ptrace access, which tells nothing, so nil then.
    private static func layout(_ pid: Int32, system: SystemCalls) -> [Substring]? {
        guard let fields = statFields(pid, system: system), fields.count >= 50 else { return nil }
        // fields[0] is the state (field 3).
        let picked = [25, 26, 27, 45, 46, 47, 48, 49, 50, 51].compactMap { $0 - 3 < fields.count ? fields[$0 - 3] : nil }
        return picked.allSatisfy({ $0 == "0" }) ? nil : picked
    }

    /// The fields of /proc/PID/stat after the command name, from the state (field 3) on.
    private static func statFields(_ pid: Int32, system: SystemCalls) -> [Substring]? {
        guard case .success(let text) = TextFile.read("/proc/\(pid)/stat", system: system),
            let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// "shared", "separate" or "undetermined (EPERM)".
    public var description: String {
        switch self {
        case .shared: return "shared"
        case .separate: return "separate"
        case .undetermined(let errno): return "undetermined (\(errno.symbol ?? "\(errno.rawValue)"))"
        }
    }
}
