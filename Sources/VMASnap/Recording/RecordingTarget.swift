/// What a recording follows.
public enum RecordingTarget: Hashable, Sendable {
    /// These processes (perf's -p), until every one of them is gone.
    case processes([Int32])
    /// Every process on the machine (perf's -a), found anew each round;
    /// kernel threads are left out.
    case allProcesses
    /// A command to start, followed with all of its descendants until it
    /// exits (perf's `-- COMMAND ARGS...`).
    case command([String])
}
