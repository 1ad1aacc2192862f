/// Builds a `RecordingIndex` from the records of the frames in file order,
/// checking on the way that every record refers only to what came before it.
///
/// The writer feeds it the records it writes, a reader the records it scans,
/// so that a rebuilt index equals the written one.
///
/// Snapshots are counted by the rule of the format: in every round, each
/// process that has had a keyframe and is not gone counts one snapshot, and a
/// process with a KEYFRAME or DELTA in the round counts one even if a GONE
/// follows. Counting is lazy (per process, the rounds between becoming live
/// and going), so quiet runs cost nothing per process.
struct IndexBuilder {
    private(set) var index = RecordingIndex()
    /// Definitions seen so far.
    private(set) var pathCount = 0
    private(set) var buildIDCount = 0
    private(set) var fileCount = 0
    /// The largest relative time that fits an Int64 absolute time.
    let timeLimit: UInt64

    private struct Liveness {
        /// The round of its first keyframe.
        var liveSince: UInt64?
        /// The last round with a KEYFRAME or DELTA of it.
        var lastSnapshotRound: UInt64?
        var gone = false
    }
    private var liveness: [Liveness] = []
    private var closedRounds: UInt64 = 0
    /// The latest time of a record with a delay: the next round may not begin before it.
    private var latestRecordTime: UInt64 = 0
    private var lastClosedTime: UInt64 = 0
    private var firstRoundTime: UInt64?
    private var openRound: UInt64?
    private var frameNumber = -1
    private var frameFirst: UInt64?
    private var frameLast: UInt64?
    private var frameHasDefinitions = false
    private var frameOffset: UInt64 = 0

    /// A builder for a file whose header starts at `start`.
    /// Keyframes closer than this to the last one listed for their process
    /// are not listed (see `noteKeyframe`).
    let keyframeInterval: UInt64

    init(start: Int64, keyframeInterval: Int64 = 0) {
        timeLimit = UInt64(Int64.max - max(start, 0))
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
        closeRound()
        index.frames.append(RecordingIndex.Frame(offset: frameOffset, firstTime: frameFirst ?? 0, lastTime: frameLast ?? 0))
        if frameHasDefinitions { index.definitionFrames.append(frameNumber) }
        index.summary.decodedBytes += UInt64(decodedLength)
        index.summary.recordsFrames += 1
    }

    /// Lists a keyframe as a starting point for random access when it is the
    /// process's first, or at least a keyframe interval after the last one
    /// listed. A reader replays forward from a listed keyframe and applies
    /// the keyframes and deltas it meets, so the others need no entry; this
    /// bounds the index by processes × duration / interval, not by how often
    /// processes change (a process whose delta would outgrow a keyframe gets
    /// a keyframe at every change).
    private mutating func noteKeyframe(process: Int, time: UInt64) {
        if let last = index.processes[process].keyframes.last, time < last.time || time - last.time < keyframeInterval {
            return
        }
        index.processes[process].keyframes.append(RecordingIndex.Keyframe(frame: frameNumber, time: time))
    }

    /// Takes the next record of the current frame; throws what is wrong with it.
    mutating func add(_ record: Record) throws {
        index.summary.records += 1
        switch record {
        case .path:
            pathCount += 1
            frameHasDefinitions = true
        case .buildID:
            buildIDCount += 1
            frameHasDefinitions = true
        case .file(let file):
            guard file.path < pathCount else { throw FormatError.Reason.undefined("path number", number: UInt64(file.path)) }
            if let buildID = file.buildID, buildID >= buildIDCount {
                throw FormatError.Reason.undefined("build ID number", number: UInt64(buildID))
            }
            fileCount += 1
            frameHasDefinitions = true
        case .process(let process):
            guard process.number == index.processes.count else {
                throw FormatError.Reason.invalid(
                    "process number \(process.number) out of sequence (expected \(index.processes.count))")
            }
            if let executable = process.executable, executable >= pathCount {
                throw FormatError.Reason.undefined("path number", number: UInt64(executable))
            }
            index.processes.append(RecordingIndex.Process(firstFrame: frameNumber, lastFrame: frameNumber))
            liveness.append(Liveness())
            frameHasDefinitions = true
        case .exec(let process, let executable, _):
            try checkProcess(process)
            if let executable, executable >= pathCount {
                throw FormatError.Reason.undefined("path number", number: UInt64(executable))
            }
            index.processes[process].lastFrame = frameNumber
            // A definition frame: a reader loads the new name on opening.
            frameHasDefinitions = true
        case .symbols(let buildID, _, _):
            guard buildID < buildIDCount else { throw FormatError.Reason.undefined("build ID number", number: UInt64(buildID)) }
            // A definition frame: a reader finds every table on opening.
            frameHasDefinitions = true
        case .perfClock(_, let recordingTime, _):
            guard recordingTime <= timeLimit else {
                throw FormatError.Reason.tooLarge("a perf clock's recording time", value: recordingTime, limit: timeLimit)
            }
            frameHasDefinitions = true
        case .round(let time):
            closeRound()
            try checkTime(time, after: max(lastClosedTime, latestRecordTime))
            guard closedRounds < FormatConstants.maximumRounds else {
                throw FormatError.Reason.tooLarge("round count", value: closedRounds + 1, limit: FormatConstants.maximumRounds)
            }
            openRound = time
            noteTime(first: time, last: time)
        case .quiet(let count, let first, let last):
            closeRound()
            try checkTime(first, after: max(lastClosedTime, latestRecordTime))
            try checkTime(last, after: first)
            guard count <= FormatConstants.maximumRounds - closedRounds else {
                throw FormatError.Reason.tooLarge("round count", value: count, limit: FormatConstants.maximumRounds)
            }
            closedRounds += count
            lastClosedTime = last
            noteTime(first: first, last: last)
        case .keyframe(let process, let mappings, let delay):
            let time = try roundTime(for: "a keyframe", delay: delay)
            try checkProcess(process)
            try checkFiles(mappings)
            guard !liveness[process].gone else {
                throw FormatError.Reason.invalid("keyframe of process \(process) after it is gone")
            }
            if liveness[process].liveSince == nil {
                liveness[process].liveSince = closedRounds
                index.processes[process].firstTime = time
            }
            try snapshotted(process)
            noteKeyframe(process: process, time: time)
        case .delta(let process, _, let added, let delay):
            _ = try roundTime(for: "a delta", delay: delay)
            try checkProcess(process)
            try checkFiles(added)
            guard liveness[process].liveSince != nil, !liveness[process].gone else {
                throw FormatError.Reason.invalid("delta of process \(process), which has no live keyframe")
            }
            try snapshotted(process)
        case .gone(let process, _, let delay):
            let time = try roundTime(for: "a process gone", delay: delay)
            try checkProcess(process)
            guard !liveness[process].gone else {
                throw FormatError.Reason.invalid("process \(process) is gone twice")
            }
            liveness[process].gone = true
            index.processes[process].goneTime = time
            index.processes[process].lastFrame = frameNumber
            if let since = liveness[process].liveSince {
                let explicit = liveness[process].lastSnapshotRound == closedRounds
                index.processes[process].snapshotCount = closedRounds - since + (explicit ? 1 : 0)
                index.processes[process].lastTime = explicit ? time : lastClosedTime
            }
        case .unknown:
            break
        }
    }

    /// The index once every frame has been given.
    func finished() -> RecordingIndex {
        var result = index
        var snapshots: UInt64 = 0
        for number in liveness.indices {
            let state = liveness[number]
            if !state.gone, let since = state.liveSince {
                // Every round closed since its first keyframe confirmed it.
                result.processes[number].snapshotCount = closedRounds - since
                result.processes[number].lastTime = lastClosedTime
            }
            snapshots += result.processes[number].snapshotCount
        }
        result.summary.rounds = closedRounds
        result.summary.snapshots = snapshots
        result.summary.firstTime = firstRoundTime ?? 0
        result.summary.lastTime = firstRoundTime == nil ? 0 : lastClosedTime
        return result
    }

    private mutating func closeRound() {
        guard let time = openRound else { return }
        closedRounds += 1
        lastClosedTime = time
        openRound = nil
    }

    private mutating func noteTime(first: UInt64, last: UInt64) {
        if frameFirst == nil { frameFirst = first }
        frameLast = last
        if firstRoundTime == nil { firstRoundTime = first }
    }

    private func checkTime(_ time: UInt64, after previous: UInt64) throws {
        guard time <= timeLimit else {
            throw FormatError.Reason.tooLarge("time", value: time, limit: timeLimit)
        }
        guard time >= previous else {
            throw FormatError.Reason.invalid("time \(time) ns goes back before \(previous) ns")
        }
    }

    private mutating func roundTime(for what: String) throws -> UInt64 {
        try roundTime(for: what, delay: 0)
    }

    /// The time of a record in the open round: the round's time plus the
    /// record's delay, within the file's time range.
    private mutating func roundTime(for what: String, delay: UInt64) throws -> UInt64 {
        guard let time = openRound else { throw FormatError.Reason.invalid("\(what) outside a round") }
        let (sum, overflow) = time.addingReportingOverflow(delay)
        guard !overflow, sum <= timeLimit else {
            throw FormatError.Reason.invalid("\(what) \(delay) ns after its round, past the end of time")
        }
        // A round's walks end before the next round begins (checked there), so
        // times never go backwards for anything that reads them.
        latestRecordTime = max(latestRecordTime, sum)
        return sum
    }

    private func checkProcess(_ process: Int) throws {
        guard process < index.processes.count else {
            throw FormatError.Reason.undefined("process number", number: UInt64(process))
        }
    }

    private func checkFiles(_ mappings: [StoredMapping]) throws {
        for mapping in mappings where mapping.file >= fileCount {
            throw FormatError.Reason.undefined("file number", number: UInt64(mapping.file))
        }
    }

    private mutating func snapshotted(_ process: Int) throws {
        guard liveness[process].lastSnapshotRound != closedRounds else {
            throw FormatError.Reason.invalid("two snapshots of process \(process) in one round")
        }
        liveness[process].lastSnapshotRound = closedRounds
        index.processes[process].lastFrame = frameNumber
    }
}
