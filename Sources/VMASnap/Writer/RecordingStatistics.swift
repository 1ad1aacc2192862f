/// What a writer has recorded so far, for a recorder's status line.
public struct RecordingStatistics: Hashable, Sendable {
    /// Rounds ended.
    public var rounds = 0
    /// Snapshots of every process in every ended round, unchanged ones included.
    public var snapshots = 0
    /// Snapshots that found a change (deltas, and keyframes after a process's first).
    public var changes = 0
    /// Of `changes`, those a kernel event dated (format 1.2).
    public var eventDatedChanges = 0
    /// LOST records: windows in which kernel events may be missing (format 1.2).
    public var lossWindows = 0
    /// KEYFRAME records.
    public var keyframes = 0
    /// DELTA records.
    public var deltas = 0
    /// FORK records (format 2.0).
    public var forks = 0
    /// Processes seen (PROCESS records).
    public var processes = 0
    /// Processes with a snapshot that are not gone.
    public var liveProcesses = 0
    /// Records in the frames written so far.
    public var records = 0
    /// Records frames written so far.
    public var frames = 0
    /// Bytes written to the file so far (header, frames, and at the end the index and footer).
    public var bytesWritten: UInt64 = 0
    /// Bytes of the records frames written so far, compressed as they are in the file.
    public var frameBytes: UInt64 = 0
    /// The same frames' records before compression.
    public var decodedBytes: UInt64 = 0
    /// Symbol tables stored (SYMBOLS records, `record --keep-symbols`).
    public var symbolTables = 0
    /// Their compressed bytes in the file.
    public var symbolBytes: UInt64 = 0
    /// Bytes of records waiting for the next flush.
    public var pendingBytes = 0

    /// Creates empty statistics.
    public init() {}

    /// Adds the counts of what one round recorded (rounds, snapshots,
    /// changes, event-dated changes, keyframes, deltas, forks, processes, live processes).
    mutating func add(_ round: RecordingStatistics) {
        rounds += round.rounds
        snapshots += round.snapshots
        changes += round.changes
        eventDatedChanges += round.eventDatedChanges
        keyframes += round.keyframes
        deltas += round.deltas
        forks += round.forks
        processes += round.processes
        liveProcesses += round.liveProcesses
    }

    /// Decoded bytes per byte of frame in the file (1 when nothing is written yet).
    public var compressionRatio: Double {
        frameBytes == 0 ? 1 : Double(decodedBytes) / Double(frameBytes)
    }
}
