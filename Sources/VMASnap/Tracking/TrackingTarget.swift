/// What a `TrackingSession` follows.
public enum TrackingTarget: Hashable, Sendable {
    /// A command started by `GatedCommand`, before it execs: the process and
    /// every descendant it will have (one event per online CPU, inherited).
    case command(pid: Int32)
    /// Running processes (`record -p`): every thread each has now, and the
    /// threads and children they make later (one event per thread and CPU,
    /// inherited).
    case processes([Int32])
    /// Every process on the machine (`record -a`): one event per CPU for
    /// all tasks. Needs perf_event_paranoid 0 or below, or CAP_PERFMON.
    case systemWide
}
