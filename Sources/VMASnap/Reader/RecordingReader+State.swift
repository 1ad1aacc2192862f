extension RecordingReader {
    /// The executable mappings of process `number` at `time` (nanoseconds on
    /// the header's clock), from its latest keyframe at or before `time` and
    /// the deltas after it: nil before its first snapshot, from the time it
    /// was found gone, or when there is no such process. After its last
    /// snapshot (and not gone), the last mappings recorded.
    ///
    /// Decodes only the frames from that keyframe to `time`.
    ///
    /// - Throws: `FormatError` when a frame it needs is damaged; `SystemError` when reading fails.
    public func state(of number: Int, at time: Int64) throws -> [ExecutableMapping]? {
        guard number >= 0, number < index.processes.count, time >= header.start else { return nil }
        let entry = index.processes[number]
        let relative = UInt64(time - header.start)
        if let gone = entry.goneTime, relative >= gone { return nil }
        guard let keyframe = entry.keyframes.last(where: { $0.time <= relative }) else { return nil }
        var mappings: [ExecutableMapping]?
        var frameNumber = keyframe.frame
        scan: while frameNumber <= entry.lastFrame {
            if frameNumber > keyframe.frame && index.frames[frameNumber].firstTime > relative { break }
            let frame = try readFrame(frameNumber)
            var records = frame.records
            var inRound = false
            var currentRound: UInt64 = 0
            while let record = try records.next() {
                do {
                    switch record {
                    case .round(let roundTime):
                        if roundTime > relative { break scan }
                        inRound = true
                        currentRound = roundTime
                    case .quiet(_, let first, _):
                        if first > relative { break scan }
                        inRound = false
                    case .keyframe(let process, let stored, let delay) where process == number:
                        guard inRound else { throw FormatError.Reason.invalid("a keyframe outside a round") }
                        // Walked after `time` (the round started at or before it):
                        // what the walk saw was not known to be in effect then.
                        if delay > relative - currentRound { break scan }
                        mappings = try definitions.mappings(stored)
                    case .delta(let process, let removed, let added, let delay) where process == number:
                        guard inRound else { throw FormatError.Reason.invalid("a delta outside a round") }
                        if delay > relative - currentRound { break scan }
                        guard let current = mappings else {
                            throw FormatError.Reason.invalid("a delta of process \(number) before its keyframe")
                        }
                        mappings = try Self.apply(removed: removed, added: try definitions.mappings(added), to: current)
                    default:
                        break
                    }
                } catch let reason as FormatError.Reason {
                    throw records.error(reason)
                }
            }
            frameNumber += 1
        }
        return mappings
    }

    /// Everything the recording says about process `number`: its distinct
    /// mapping sets over time and the snapshots that saw each. Decodes the
    /// frames from its first record to its last.
    ///
    /// - Throws: `FormatError` for an unknown process or a damaged frame; `SystemError` when reading fails.
    public func history(of number: Int) throws -> ProcessHistory {
        guard number >= 0, number < index.processes.count else {
            throw FormatError(offset: 0, reason: .undefined("process number", number: UInt64(max(number, 0))))
        }
        let entry = index.processes[number]
        var accumulators = [number: HistoryAccumulator(process: definitions.processes[number])]
        try replay(frames: entry.firstFrame...entry.lastFrame, into: &accumulators, only: number)
        var accumulator = accumulators[number]!
        // Rounds after its last record confirmed its last mappings: the index counts them.
        if accumulator.isLive, !accumulator.epochs.isEmpty {
            let counted = accumulator.epochs.reduce(0) { $0 + $1.snapshotCount }
            let total = Int(clamping: entry.snapshotCount)
            if total > counted {
                accumulator.epochs[accumulator.epochs.count - 1].snapshotCount += total - counted
                accumulator.epochs[accumulator.epochs.count - 1].lastSeen = absolute(entry.lastTime)
            }
        }
        return accumulator.history
    }

    /// The histories of every process, by process number, in one pass over
    /// the frames.
    ///
    /// - Throws: `FormatError` when a frame is damaged; `SystemError` when reading fails.
    public func histories() throws -> [ProcessHistory] {
        var accumulators: [Int: HistoryAccumulator] = [:]
        for (number, process) in definitions.processes.enumerated() {
            accumulators[number] = HistoryAccumulator(process: process)
        }
        if !index.frames.isEmpty {
            try replay(frames: 0...(index.frames.count - 1), into: &accumulators, only: nil)
        }
        return (0..<definitions.processes.count).map { accumulators[$0]!.history }
    }

    /// Replays the frames, feeding the accumulators the records of their
    /// processes (or only of `only`), and finally credits the rounds after
    /// each live process's last record.
    private func replay(frames: ClosedRange<Int>, into accumulators: inout [Int: HistoryAccumulator], only: Int?) throws {
        var closedRounds: UInt64 = 0
        var lastClosedTime: Int64 = 0
        var openRound: Int64?
        func closeRound() {
            if let time = openRound {
                closedRounds += 1
                lastClosedTime = time
                openRound = nil
            }
        }
        // The latest time of a record with a delay: no round may begin before it.
        var latestRecordTime = Int64.min
        /// The time of a snapshot or gone record of the open round, noted as the latest so far.
        func timeInRound(_ what: String, delay: UInt64) throws -> Int64 {
            guard let round = openRound else { throw FormatError.Reason.invalid("\(what) outside a round") }
            let time = try Self.time(of: what, round: round, delay: delay)
            latestRecordTime = max(latestRecordTime, time)
            return time
        }
        for frameNumber in frames {
            let frame = try readFrame(frameNumber)
            var records = frame.records
            while let record = try records.next() {
                do {
                    switch record {
                    case .round(let time):
                        closeRound()
                        guard closedRounds < FormatConstants.maximumRounds else {
                            throw FormatError.Reason.tooLarge("round count", value: closedRounds, limit: FormatConstants.maximumRounds)
                        }
                        openRound = absolute(time)
                        try Self.checkNotBefore(openRound!, latestRecordTime)
                    case .quiet(let count, let first, let last):
                        closeRound()
                        try Self.checkNotBefore(absolute(first), latestRecordTime)
                        guard count <= FormatConstants.maximumRounds - min(closedRounds, FormatConstants.maximumRounds) else {
                            throw FormatError.Reason.tooLarge("round count", value: count, limit: FormatConstants.maximumRounds)
                        }
                        closedRounds += count
                        lastClosedTime = absolute(last)
                    case .keyframe(let process, let stored, let delay):
                        guard only == nil || only == process else { break }
                        let time = try timeInRound("a keyframe", delay: delay)
                        guard var accumulator = accumulators[process] else {
                            throw FormatError.Reason.undefined("process number", number: UInt64(process))
                        }
                        accumulator.snapshot(try definitions.mappings(stored), time: time, closedRounds: closedRounds,
                                             lastClosedTime: lastClosedTime)
                        accumulators[process] = accumulator
                    case .delta(let process, let removed, let added, let delay):
                        guard only == nil || only == process else { break }
                        let time = try timeInRound("a delta", delay: delay)
                        guard var accumulator = accumulators[process] else {
                            throw FormatError.Reason.undefined("process number", number: UInt64(process))
                        }
                        guard let current = accumulator.mappings else {
                            throw FormatError.Reason.invalid("a delta of process \(process) before its keyframe")
                        }
                        let new = try Self.apply(removed: removed, added: try definitions.mappings(added), to: current)
                        accumulator.snapshot(new, time: time, closedRounds: closedRounds, lastClosedTime: lastClosedTime)
                        accumulators[process] = accumulator
                    case .gone(let process, _, let delay):
                        guard only == nil || only == process else { break }
                        let time = try timeInRound("a process gone", delay: delay)
                        guard var accumulator = accumulators[process] else {
                            throw FormatError.Reason.undefined("process number", number: UInt64(process))
                        }
                        accumulator.gone(time: time, closedRounds: closedRounds, lastClosedTime: lastClosedTime)
                        accumulators[process] = accumulator
                    default:
                        break
                    }
                } catch let reason as FormatError.Reason {
                    throw records.error(reason)
                }
            }
            closeRound()
        }
        for number in accumulators.keys {
            accumulators[number]!.catchUp(closedRounds: closedRounds, lastClosedTime: lastClosedTime)
        }
    }

    /// `mappings` without those starting at `removed` and with `added`, in
    /// address order; throws when a removed start is not there or the result overlaps.
    static func apply(removed: [UInt64], added: [ExecutableMapping], to mappings: [ExecutableMapping]) throws
        -> [ExecutableMapping]
    {
        var result = mappings
        if !removed.isEmpty {
            let starts = Set(removed)
            let before = result.count
            result.removeAll { starts.contains($0.start) }
            guard before - result.count == starts.count else {
                throw FormatError.Reason.invalid("a delta removes a mapping the process does not have")
            }
        }
        if !added.isEmpty {
            result.append(contentsOf: added)
            result.sort { $0.start < $1.start }
        }
        var previousEnd: UInt64 = 0
        for mapping in result {
            guard mapping.start >= previousEnd else {
                throw FormatError.Reason.invalid("a delta adds a mapping that overlaps another at \(AddressText.format(mapping.start))")
            }
            previousEnd = mapping.end
        }
        return result
    }

    /// The absolute time of a record `delay` ns after its round (at `round`).
    static func time(of what: String, round: Int64, delay: UInt64) throws -> Int64 {
        guard delay <= UInt64(Int64.max - max(round, 0)) else {
            throw FormatError.Reason.invalid("\(what) \(delay) ns after its round, past the end of time")
        }
        return round + Int64(delay)
    }

    /// A round that begins before the walks of an earlier one: not a recording's order.
    static func checkNotBefore(_ roundTime: Int64, _ latestRecordTime: Int64) throws {
        guard roundTime >= latestRecordTime else {
            throw FormatError.Reason.invalid("a round at \(roundTime) ns begins before a walk at \(latestRecordTime) ns")
        }
    }
}
