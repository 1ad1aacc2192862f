/// Why the writer refused a call or could not write.
public enum RecordingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A header field cannot be stored (explained).
    case invalidHeader(String)
    /// The descriptor is not at the start of the file.
    case notAtStart(offset: Int64)
    /// A mapping the format cannot store: unaligned, empty, out of order or
    /// overlapping (explained); real VMAs never are.
    case invalidMapping(String)
    /// A process description the format cannot store (explained).
    case invalidProcess(String)
    /// No process has this number.
    case unknownProcess(Int)
    /// The process was already recorded as gone.
    case processGone(Int)
    /// The process already has a snapshot in this round.
    case duplicateSnapshot(process: Int)
    /// `snapshot` or `processGone` outside beginRound…endRound.
    case notInRound
    /// `beginRound` inside a round.
    case roundNotEnded
    /// A round time before the header's start or before the previous round.
    case timeOutOfOrder(time: Int64, previous: Int64)
    /// One round's records exceed what one frame may hold.
    case roundTooLarge(bytes: Int)
    /// The writer was finished, or failed earlier.
    case closed
    /// Writing or syncing the file failed.
    case system(SystemError)
    /// The writer's own records failed its index's checks: a bug in vmasnap.
    case inconsistent(String)

    /// One line for a user.
    public var description: String {
        switch self {
        case .invalidHeader(let reason): return "cannot write the recording header: \(reason)"
        case .notAtStart(let offset): return "the recording must start at byte 0 of its file, not \(offset)"
        case .invalidMapping(let reason): return "cannot record a mapping: \(reason)"
        case .invalidProcess(let reason): return "cannot record a process: \(reason)"
        case .unknownProcess(let number): return "no recorded process has number \(number)"
        case .processGone(let number): return "recorded process \(number) is already gone"
        case .duplicateSnapshot(let number): return "recorded process \(number) already has a snapshot in this round"
        case .notInRound: return "snapshots and gone processes must be recorded between beginRound and endRound"
        case .roundNotEnded: return "beginRound called before the previous round ended"
        case .timeOutOfOrder(let time, let previous):
            return "round time \(time) ns is before \(previous) ns (the start or the previous round)"
        case .roundTooLarge(let bytes): return "one round's records take \(bytes) bytes, more than a frame may hold"
        case .closed: return "the recording was already finished or failed"
        case .system(let error): return error.description
        case .inconsistent(let message): return "internal error in the recording writer: \(message)"
        }
    }
}
