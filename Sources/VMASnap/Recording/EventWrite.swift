/// One write of an event round: a process's snapshot, EXEC or end, at the
/// time of the event that dates it (or of the walk that found it). An event
/// round's writes go out in time order, in as many rounds as it takes to
/// hold each process's snapshots in rounds of their own.
struct EventWrite {
    /// When it happened (nanoseconds on CLOCK_MONOTONIC).
    var time: Int64
    /// The process it concerns.
    var pid: Int32
    /// Whether it writes a snapshot of the process (one per round at most).
    var isSnapshot: Bool
    /// Writes it, given the time to date it with (`time`, or its round's
    /// when that is later: then it is not written as dated by its event,
    /// which an `exact` answer between the two times would contradict).
    var write: (_ time: Int64) throws -> Void
}

/// One set of a process's executable mappings that its events say took
/// effect at `time`.
struct EventStep {
    /// When (the event's time).
    var time: Int64
    /// The set from then on.
    var mappings: [ExecutableMapping]
    /// Whether one event made every change from the step before, at
    /// `time`: false for a removal the events imply without dating it (a
    /// mapping an mmap took the place of: unmapped then or unreported
    /// before), and for steps merged into one.
    var eventDated = true
    /// For a new process's first step, its parent's set at the fork: the
    /// parent (its pid).
    var forkedFrom: Int32?
}
