/// Builds one process's `ProcessHistory` from the replay of its records:
/// each KEYFRAME or DELTA whose set differs from the last begins an epoch;
/// the snapshots the replay counts in between (unchanged ones included) go
/// to the epoch they confirmed. A change dated exactly by a kernel event
/// (`RecordReplay.Step.datesChangeExactly`) ends the epoch before it at its
/// time, leaving no uncertain gap between the two.
struct HistoryAccumulator {
    var process: RecordedProcess
    /// The header's start: times here are absolute.
    let start: Int64
    /// The recording's LOST windows (§3.7), relative to the start: an
    /// event-dated change inside one is read as walk-found.
    let lossWindows: [LossWindow]
    var epochs: [ProcessHistory.Epoch] = []
    var goneTime: Int64?
    /// The last epoch's mappings as stored, to compare without resolving.
    private var currentStored: [StoredMapping]?
    /// The process's snapshots already given to epochs.
    private var credited: UInt64 = 0

    init(process: RecordedProcess, start: Int64, lossWindows: [LossWindow]) {
        self.process = process
        self.start = start
        self.lossWindows = lossWindows
    }

    /// Takes a step of the process's records; `replay` has taken it.
    mutating func take(_ step: RecordReplay.Step, replay: RecordReplay, definitions: Definitions) throws {
        guard let number = step.record.process, let state = replay.state(of: number), let time = step.time else { return }
        switch step.record {
        case .keyframe, .delta, .fork:
            guard !step.skipped, let stored = state.mappings else { return }
            // The rounds since its last record confirmed the last set; the last
            // of them closed at `lastClosedTime`.
            credit(state.snapshots - min(state.snapshots, credited + 1), lastSeen: absolute(replay.lastClosedTime))
            let recordTime = absolute(time)
            var resolved: [ExecutableMapping]?
            if currentStored != stored {
                resolved = try definitions.mappings(stored)
            }
            if let last = epochs.last, resolved == nil || resolved == last.mappings {
                epochs[epochs.count - 1].snapshotCount += 1
                epochs[epochs.count - 1].lastSeen = recordTime
            } else {
                let mappings = try resolved ?? definitions.mappings(stored)
                let exact = step.datesChangeExactly(lossWindows: lossWindows)
                // An exactly dated change: the old set was in effect until it.
                if exact, !epochs.isEmpty { epochs[epochs.count - 1].lastSeen = recordTime }
                epochs.append(ProcessHistory.Epoch(
                    firstSeen: recordTime, lastSeen: recordTime, snapshotCount: 1, mappings: mappings, datedByEvent: exact))
            }
            currentStored = stored
            credited = state.snapshots
        case .gone:
            finish(state)
            goneTime = absolute(time)
        default:
            break
        }
    }

    /// Gives the last epoch the snapshots the replay counted since the last record.
    mutating func finish(_ state: RecordReplay.ProcessState) {
        credit(state.snapshots - min(state.snapshots, credited), lastSeen: absolute(state.lastSnapshotTime))
        credited = max(credited, state.snapshots)
    }

    /// Adds `count` unchanged snapshots to the last epoch, the last at `lastSeen`.
    mutating func credit(_ count: UInt64, lastSeen: Int64) {
        guard count > 0, !epochs.isEmpty else { return }
        epochs[epochs.count - 1].snapshotCount += Int(clamping: count)
        epochs[epochs.count - 1].lastSeen = lastSeen
    }

    var history: ProcessHistory { ProcessHistory(process: process, epochs: epochs, goneTime: goneTime) }

    private func absolute(_ relative: UInt64) -> Int64 { start &+ Int64(clamping: relative) }
}
