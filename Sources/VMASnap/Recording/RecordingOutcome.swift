/// How a recording ended.
public struct RecordingOutcome {
    /// What ended it.
    public enum Ending: Hashable, Sendable {
        /// `duration` passed.
        case duration
        /// SIGINT or SIGTERM.
        case signal(Int32)
        /// Every -p process is gone.
        case targetsGone
        /// The command exited.
        case commandExited
        /// Writing failed (see `failure`).
        case failed
    }

    /// What ended it.
    public var ending: Ending
    /// How the command ended, with a command (nil otherwise).
    public var commandExit: CommandExit?
    /// The last status: the totals for a summary.
    public var status: RecorderStatus
    /// The error that stopped the recording early, if one did (a full disk,
    /// a file size limit). What was written before it stays readable.
    public var failure: Error?
}
