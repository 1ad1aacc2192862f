/// How an address was resolved, or why it could not be.
///
/// Snapshots are periodic, so the answer depends on where the time falls
/// between them: let S0 be the process's last snapshot at or before the time
/// and S1 the one after it.
///
/// What dated the change from S0's set to S1's decides how certain the
/// answer is (format 1.2, Formats/vmasnap.md §5.1). A change **dated by a
/// kernel event** (outside every window of lost events) took effect at
/// exactly S1's time and S0's set was in effect until then: every time is
/// answered `exact` (or `unmapped`) from one set or the other, never
/// `loadedBetween` or `unloadedBetween`. A change **found by a walk** (and
/// an event-dated one inside a lost-events window, and every change of a
/// 1.0 or 1.1 file) happened at an unknown time after the last snapshot
/// that saw S0's set: between that snapshot and S1, a mapping the change
/// touched gets `loadedBetween` or `unloadedBetween`.
public enum ResolutionStatus: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// A mapping covering the address is in S0 and unchanged in S1 (or S0 is
    /// the process's last snapshot and it had not been found gone yet), or
    /// the time is before an event-dated change to S1 and S0 has it (S0's set
    /// was in effect until the event), or at or after that change and S1 has it.
    case exact = 0
    /// Not in S0, but covered by a mapping that S1 added and that overlaps
    /// nothing in S0: the library was loaded between the two snapshots, by a
    /// change a walk found (never before an event-dated change). The answer
    /// comes from S1.
    case loadedBetween = 1
    /// In S0, but gone or changed in S1, by a change a walk found (never
    /// before an event-dated change): the answer comes from S0, and the
    /// sample may have run after the unload.
    case unloadedBetween = 2
    /// The process is known at that time, but no mapping answers for the
    /// address (or a mapping S1 added overlaps one of S0, which makes the
    /// answer ambiguous; or only S1 has it and the time is before S1's
    /// event-dated change).
    case unmapped = 3
    /// The recording never snapshotted a process with this pid.
    case unknownPID = 4
    /// The time is before the first snapshot of any process with this pid.
    case beforeFirstSnapshot = 5
    /// The time is at or after the moment the recorder found the process gone.
    case afterExit = 6
    /// A kernel address (at or above 0xffff800000000000); no process state
    /// is needed or consulted.
    case kernel = 7
    /// A call-chain frame that the profiler printed as an offset relative to
    /// its DSO rather than as an address (perf 6.1 does this): it is not
    /// resolved, so that an offset is never mistaken for an address. The
    /// index never returns this status; the perf script reader does.
    case relative = 8

    /// The lowest kernel address on x86-64 and arm64 (48-bit VA split).
    public static let kernelAddressStart: UInt64 = 0xffff_8000_0000_0000

    /// The name printed in text and JSON output: "exact", "loaded-between",
    /// "unloaded-between", "unmapped", "unknown-pid", "before-first-snapshot",
    /// "after-exit", "kernel" or "relative".
    public var description: String {
        switch self {
        case .exact: return "exact"
        case .loadedBetween: return "loaded-between"
        case .unloadedBetween: return "unloaded-between"
        case .unmapped: return "unmapped"
        case .unknownPID: return "unknown-pid"
        case .beforeFirstSnapshot: return "before-first-snapshot"
        case .afterExit: return "after-exit"
        case .kernel: return "kernel"
        case .relative: return "relative"
        }
    }

    /// Whether the status comes with a mapping.
    public var hasMapping: Bool {
        self == .exact || self == .loadedBetween || self == .unloadedBetween
    }
}
