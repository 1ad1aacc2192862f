/// Builds a `RecordingIndex` from the records of the frames in file order,
/// taking each through a `RecordReplay`, which checks every rule and dates
/// and counts what the index records.
///
/// The writer feeds it the records it writes, a reader the records it scans,
/// so that a rebuilt index equals the written one.
struct IndexBuilder {
    /// The records so far, as the format's rules read them.
    private(set) var replay: RecordReplay
    /// Frames, definition frames, processes' frames and listed keyframes so
    /// far; the counts and times come from `replay` in `finished()`.
    private var index = RecordingIndex()
    private var frameNumber = -1
    private var frameFirst: UInt64?
    private var frameLast: UInt64?
    private var frameHasDefinitions = false
    private var frameOffset: UInt64 = 0

    /// Keyframes closer than this to the last one listed for their process
    /// are not listed (see `noteKeyframe`).
    let keyframeInterval: UInt64

    /// A builder for a file whose header starts at `start`, listing
    /// keyframes by the header's `keyframeInterval`. A reader's scan sets
    /// `keepsMappings`, so that every DELTA is checked against the mappings
    /// it changes; the writer, which made them from the mappings, does not.
    init(start: Int64, keyframeInterval: Int64 = 0, keepsMappings: Bool = false) {
        replay = RecordReplay(start: start, keepsMappings: keepsMappings)
        self.keyframeInterval = UInt64(max(keyframeInterval, 0))
    }

    /// Starts the next records frame, at `offset` of the file.
    mutating func beginFrame(offset: UInt64) {
        frameNumber += 1
        frameOffset = offset
        frameFirst = nil
        frameLast = nil
        frameHasDefinitions = false
    }

    /// Ends the frame begun last, whose payload decoded to `decodedLength` bytes.
    mutating func endFrame(decodedLength: Int) {
        replay.endFrame()
        index.frames.append(RecordingIndex.Frame(offset: frameOffset, firstTime: frameFirst ?? 0, lastTime: frameLast ?? 0))
        if frameHasDefinitions { index.definitionFrames.append(frameNumber) }
        index.summary.decodedBytes += UInt64(decodedLength)
        index.summary.recordsFrames += 1
    }

    /// Takes the next record of the current frame; throws the rule it
    /// breaks. Returns what the replay made of it.
    @discardableResult
    mutating func add(_ record: Record) throws -> RecordReplay.Step {
        let step = try replay.take(record)
        index.summary.records += 1
        switch record {
        case .path, .buildID, .file:
            frameHasDefinitions = true
        case .process:
            index.processes.append(RecordingIndex.Process(firstFrame: frameNumber, lastFrame: frameNumber))
            frameHasDefinitions = true
        case .exec(let process, _, _):
            index.processes[process].lastFrame = frameNumber
            // A definition frame: a reader loads the new name on opening.
            frameHasDefinitions = true
        case .perfClock, .symbols, .recorderReport:
            // Listed in DEFINITIONS: a reader finds the measurements, the
            // stored symbol tables and the recorder's report on opening.
            frameHasDefinitions = true
        case .round(let time):
            noteTime(first: time, last: time)
        case .quiet(_, let first, let last):
            noteTime(first: first, last: last)
        case .lost(let first, let last):
            // Listed in the index (LOST_WINDOWS), not in DEFINITIONS: a 1.1
            // reader, which skips both, rebuilds the same DEFINITIONS (§3.7).
            index.lossWindows.append(LossWindow(first: first, last: last))
        case .keyframe(let process, _, _, _), .fork(let process, _, _):
            // A FORK is its child's first snapshot, listed as its keyframe (§4, 2.0).
            index.processes[process].lastFrame = frameNumber
            noteKeyframe(process: process, time: step.time ?? 0)
        case .delta(let process, _, _, _, _), .gone(let process, _, _):
            index.processes[process].lastFrame = frameNumber
        case .unknown:
            break
        }
        return step
    }

    /// Lists a keyframe as a starting point for random access when it is the
    /// process's first, or at least a keyframe interval after the last one
    /// listed (both by the record's time). A reader replays forward from a
    /// listed keyframe and applies the keyframes and deltas it meets, so the
    /// others need no entry; this bounds the index by processes × duration /
    /// interval, not by how often processes change (a process whose delta
    /// would outgrow a keyframe gets a keyframe at every change).
    private mutating func noteKeyframe(process: Int, time: UInt64) {
        // A process's record times never decrease (the replay checks it); the
        // comparison only keeps the subtraction from trapping.
        if let last = index.processes[process].keyframes.last, time < last.time || time - last.time < keyframeInterval {
            return
        }
        index.processes[process].keyframes.append(RecordingIndex.Keyframe(frame: frameNumber, time: time))
    }

    private mutating func noteTime(first: UInt64, last: UInt64) {
        if frameFirst == nil { frameFirst = first }
        frameLast = last
    }

    /// The index once every frame has been given: the rounds after each live
    /// process's last record are counted as its (unchanged) snapshots.
    func finished() -> RecordingIndex {
        var replay = self.replay
        replay.finish()
        var result = index
        var snapshots: UInt64 = 0
        for (number, state) in replay.processStates.enumerated() {
            result.processes[number].firstTime = state.firstTime ?? 0
            result.processes[number].lastTime = state.snapshots > 0 ? state.lastSnapshotTime : 0
            result.processes[number].goneTime = state.goneTime
            result.processes[number].snapshotCount = state.snapshots
            snapshots += state.snapshots
        }
        result.summary.rounds = replay.closedRounds
        result.summary.snapshots = snapshots
        result.summary.firstTime = replay.firstRoundTime ?? 0
        result.summary.lastTime = replay.firstRoundTime == nil ? 0 : replay.lastClosedTime
        return result
    }
}
