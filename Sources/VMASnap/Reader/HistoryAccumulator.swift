/// Builds one process's `ProcessHistory` from its records and the rounds,
/// counting the implicit (unchanged) snapshots lazily: the rounds closed
/// since its last explicit record all confirmed its current mappings.
struct HistoryAccumulator {
    var process: RecordedProcess
    var epochs: [ProcessHistory.Epoch] = []
    var mappings: [ExecutableMapping]?
    var goneTime: Int64?
    /// The round count up to which `epochs.last` is up to date.
    private var countedRounds: UInt64 = 0
    /// The round in which it last had a snapshot record.
    private var lastSnapshotRound: UInt64?

    init(process: RecordedProcess) { self.process = process }

    /// Whether it has a snapshot and is not gone: every round confirms it.
    var isLive: Bool { mappings != nil && goneTime == nil }

    /// Credits the rounds closed before the open round `round` (whose time
    /// was `lastClosedTime` for the last of them) to the current epoch.
    mutating func catchUp(closedRounds: UInt64, lastClosedTime: Int64) {
        guard isLive, closedRounds > countedRounds, !epochs.isEmpty else {
            countedRounds = max(countedRounds, closedRounds)
            return
        }
        epochs[epochs.count - 1].snapshotCount += Int(clamping: closedRounds - countedRounds)
        epochs[epochs.count - 1].lastSeen = lastClosedTime
        countedRounds = closedRounds
    }

    /// A snapshot record (keyframe or delta) in the open round, numbered
    /// `closedRounds`, giving `new` mappings at `time`.
    mutating func snapshot(_ new: [ExecutableMapping], time: Int64, closedRounds: UInt64, lastClosedTime: Int64) {
        catchUp(closedRounds: closedRounds, lastClosedTime: lastClosedTime)
        if let current = mappings, current == new, !epochs.isEmpty {
            epochs[epochs.count - 1].snapshotCount += 1
            epochs[epochs.count - 1].lastSeen = time
        } else {
            epochs.append(ProcessHistory.Epoch(firstSeen: time, lastSeen: time, snapshotCount: 1, mappings: new))
        }
        mappings = new
        countedRounds = closedRounds + 1
        lastSnapshotRound = closedRounds
    }

    /// GONE in the open round.
    mutating func gone(time: Int64, closedRounds: UInt64, lastClosedTime: Int64) {
        catchUp(closedRounds: closedRounds, lastClosedTime: lastClosedTime)
        goneTime = time
    }

    var history: ProcessHistory { ProcessHistory(process: process, epochs: epochs, goneTime: goneTime) }
}
