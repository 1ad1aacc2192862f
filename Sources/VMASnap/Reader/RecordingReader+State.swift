extension RecordingReader {
    /// The executable mappings of process `number` at `time` (nanoseconds on
    /// the header's clock), from its latest listed keyframe at or before
    /// `time` and what follows it (§5): nil before its first snapshot, from
    /// the time it was found gone, or when there is no such process. After
    /// its last snapshot (and not gone), the last mappings recorded.
    ///
    /// Decodes only the frames from that keyframe to `time`.
    ///
    /// - Parameters:
    ///   - number: the process number (see `processes`).
    ///   - time: nanoseconds on the header's clock.
    /// - Returns: the mappings in address order, or nil.
    /// - Throws: `SystemError` when the file cannot be read. A frame that
    ///   breaks a rule is not thrown: the reader rebuilds its index up to it
    ///   (see `truncation`) and answers from what comes before.
    public func state(of number: Int, at time: Int64) throws -> [ExecutableMapping]? {
        try retryingWithoutIndex { try replayState(of: number, at: time) }
    }

    private func replayState(of number: Int, at time: Int64) throws -> [ExecutableMapping]? {
        guard number >= 0, number < index.processes.count, time >= header.start else { return nil }
        let entry = index.processes[number]
        let relative = UInt64(time - header.start)
        if let gone = entry.goneTime, relative >= gone { return nil }
        guard let keyframe = entry.keyframes.last(where: { $0.time <= relative }) else { return nil }
        // Stop before a frame whose first round is after `time`, and after the process's last frame.
        var end = keyframe.frame + 1
        while end <= entry.lastFrame && index.frames[end].firstTime <= relative { end += 1 }
        var replay = RecordReplay(
            start: header.start, scope: .process(number, resumingLive: true), definitions: definitions.counts)
        var foundListedKeyframe = false
        var gone = false
        // The set as of the last record taken at or before `time`.
        var mappings: [StoredMapping]?
        try replayFrames(keyframe.frame..<end, through: &replay, concerning: number) { frame, step, replay in
            switch step.record {
            case .round, .quiet:
                return (step.time ?? 0) <= relative
            case .keyframe, .delta, .fork:
                guard !step.skipped else { return true }
                // Walked after `time` (its round began at or before it): what the
                // walk saw was not known to be in effect then (§3.3).
                guard let recordTime = step.time, recordTime <= relative else { return false }
                if step.record.isKeyframeLike, frame == keyframe.frame, recordTime == keyframe.time { foundListedKeyframe = true }
                mappings = replay.state(of: number)?.mappings
                return true
            case .gone:
                gone = (step.time ?? 0) <= relative
                return false
            default:
                return true
            }
        }
        guard foundListedKeyframe else {
            throw IndexMismatch(error: FormatError(offset: indexOffset ?? 0, reason: .invalid(
                "the index does not match the file: process \(number): it lists a keyframe at \(keyframe.time) ns "
                    + "that frame \(keyframe.frame) does not hold")))
        }
        guard !gone, let stored = mappings else { return nil }
        return try definitions.mappings(stored)
    }

    /// Everything the recording says about process `number`: its distinct
    /// mapping sets over time and the snapshots that saw each. Decodes the
    /// frames from its PROCESS record to its last record; the rounds after
    /// those, which confirmed its last set, the index counts.
    ///
    /// - Parameter number: the process number (see `processes`).
    /// - Returns: its history.
    /// - Throws: `FormatError` when there is no such process; `SystemError`
    ///   when the file cannot be read. A frame that breaks a rule is not
    ///   thrown: the reader rebuilds its index up to it (see `truncation`).
    public func history(of number: Int) throws -> ProcessHistory {
        try retryingWithoutIndex { try replayHistory(of: number) }
    }

    /// The histories of every process instance with `pid` (a reused pid
    /// has several), in the order of their process numbers.
    ///
    /// - Parameter pid: the process ID.
    /// - Returns: their histories; none when the recording never saw `pid`.
    /// - Throws: `SystemError` when the file cannot be read.
    public func histories(pid: Int32) throws -> [ProcessHistory] {
        try retryingWithoutIndex { try processNumbers(pid: pid).map { try replayHistory(of: $0) } }
    }

    /// The numbers of the processes with `pid`, in file order.
    ///
    /// - Parameter pid: the process ID.
    /// - Returns: process numbers (see `processes`); empty when none has it.
    public func processNumbers(pid: Int32) -> [Int] {
        if processNumbersByPID == nil {
            var numbers: [Int32: [Int]] = [:]
            for (number, process) in definitions.processes.enumerated() {
                numbers[process.identity.pid, default: []].append(number)
            }
            processNumbersByPID = numbers
        }
        return processNumbersByPID?[pid] ?? []
    }

    private func replayHistory(of number: Int) throws -> ProcessHistory {
        guard number >= 0, number < index.processes.count else {
            throw FormatError(offset: 0, reason: .undefined("process number", number: UInt64(max(number, 0))))
        }
        let entry = index.processes[number]
        var replay = RecordReplay(
            start: header.start, scope: .process(number, resumingLive: false), definitions: definitions.counts)
        var accumulator = HistoryAccumulator(process: definitions.processes[number], start: header.start, lossWindows: index.lossWindows)
        var keyframes: [RecordingIndex.Keyframe] = []
        try replayFrames(entry.firstFrame..<(entry.lastFrame + 1), through: &replay, concerning: number) { frame, step, replay in
            if step.record.isKeyframeLike, let time = step.time { keyframes.append(RecordingIndex.Keyframe(frame: frame, time: time)) }
            try accumulator.take(step, replay: replay, definitions: definitions)
            return true
        }
        replay.finish()
        let state = replay.state(of: number) ?? RecordReplay.ProcessState()
        accumulator.finish(state)
        // What the index says of the process must be what its frames hold.
        let mismatch: String?
        if !state.isDefined {
            mismatch = "its PROCESS record is not in frame \(entry.firstFrame)"
        } else if (state.firstTime ?? 0) != entry.firstTime || state.goneTime != entry.goneTime
            || state.snapshots > entry.snapshotCount || (!state.isLive && state.snapshots != entry.snapshotCount)
        {
            mismatch = "its first time, gone time or snapshot count is not what frames \(entry.firstFrame) to \(entry.lastFrame) hold"
        } else if !entry.keyframes.allSatisfy({ keyframes.contains($0) }) {
            mismatch = "it lists a keyframe its frames do not hold"
        } else {
            mismatch = nil
        }
        if let mismatch {
            throw IndexMismatch(error: FormatError(offset: indexOffset ?? 0, reason: .invalid(
                "the index does not match the file: process \(number): " + mismatch)))
        }
        // The rounds after its last frame confirmed its last set: the index counts them.
        if state.isLive, entry.snapshotCount > state.snapshots {
            accumulator.credit(entry.snapshotCount - state.snapshots, lastSeen: absolute(entry.lastTime))
        }
        return accumulator.history
    }

    /// The histories of every process, by process number, in one pass over
    /// the frames.
    ///
    /// - Returns: one history per process (see `processes`).
    /// - Throws: `SystemError` when the file cannot be read. A frame that
    ///   breaks a rule is not thrown: the reader rebuilds its index up to it
    ///   (see `truncation`) and the histories end there.
    public func histories() throws -> [ProcessHistory] {
        try retryingWithoutIndex {
            var accumulators = definitions.processes.map {
                HistoryAccumulator(process: $0, start: header.start, lossWindows: index.lossWindows)
            }
            var replay = RecordReplay(start: header.start)
            try replayFrames(0..<index.frames.count, through: &replay) { _, step, replay in
                if let process = step.record.process, process < accumulators.count {
                    try accumulators[process].take(step, replay: replay, definitions: definitions)
                }
                return true
            }
            replay.finish()
            for (number, state) in replay.processStates.enumerated() where number < accumulators.count {
                accumulators[number].finish(state)
            }
            return accumulators.map(\.history)
        }
    }
}
