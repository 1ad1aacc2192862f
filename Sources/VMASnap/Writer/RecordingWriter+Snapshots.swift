extension RecordingWriter {
    /// The number of `process` in this recording: a new one (and a PROCESS
    /// record) the first time its identity is seen, the same one until it is
    /// gone. May be called between rounds; its record goes with the next round.
    ///
    /// - Parameter process: the process as first seen.
    /// - Returns: its number.
    /// - Throws: `WriterError` for a negative pid or a closed writer.
    public func processSeen(_ process: RecordedProcess) throws -> Int {
        try checkOpen()
        if let number = liveNumbers[process.identity] { return number }
        guard process.identity.pid >= 0, process.parentPID >= 0 else {
            throw WriterError.invalidProcess("negative pid in \(process.identity) (parent \(process.parentPID))")
        }
        let executable = process.executable.map { pathNumber($0) }
        let number = processCount
        appendToRound(.process(StoredProcess(
            number: number, pid: UInt64(process.identity.pid), startTime: process.identity.startTime,
            parentPID: UInt64(process.parentPID), executable: executable, command: process.command)))
        processCount += 1
        liveProcesses[number] = ProcessState(identity: process.identity)
        liveNumbers[process.identity] = number
        roundStatistics.processes += 1
        return number
    }

    /// Records that process `number` ran exec(): the same process (pid and
    /// start time), now named `command` and running `executable`. Its new
    /// mappings come with its next snapshot, as any change does.
    ///
    /// - Throws: `WriterError` for an unknown or gone process, or a closed writer.
    public func processExecuted(process number: Int, command: [UInt8], executable: MappedPath?) throws {
        try checkOpen()
        _ = try checkLive(number)
        appendToRound(.exec(process: number, executable: executable.map { pathNumber($0) }, command: command))
    }

    /// Records a snapshot of process `number` taken in this round: a KEYFRAME
    /// the first time, when the keyframe interval has passed since its last
    /// one and something changed, or when the change is smaller to write as a
    /// keyframe; a DELTA for other changes; nothing when nothing changed.
    ///
    /// `mappings` must be in address order, not overlapping, with start, end
    /// and offset multiples of 4096, as every capture returns them.
    ///
    /// - Parameters:
    ///   - number: the process, as `processSeen` numbered it.
    ///   - mappings: every executable mapping the walk found.
    ///   - walkTime: when the walk of this process began (nanoseconds on the
    ///     header's clock), if later than the round's time: a change is dated
    ///     then, so that no lookup takes a set the walk had not yet seen as in
    ///     effect. Processes walked late in a long round need it.
    ///   - eventDated: a kernel event dated the change (format 1.2): every
    ///     change from the previous snapshot took effect at exactly
    ///     `walkTime` (the round's time when nil), and the previous set was in
    ///     effect until then; for the process's first snapshot, the process
    ///     (or its exec'd image) began then. Lookups then answer `exact` on
    ///     both sides of the change. False (a walk found it): the change is
    ///     known only to lie after the last confirmation of the old set.
    /// - Returns: what was written.
    /// - Throws: `WriterError` outside a round, for an unknown, gone or
    ///   already snapshotted process, for mappings the format cannot store,
    ///   or `.snapshotTooLarge` when the round could not hold it (nothing of
    ///   it is recorded then; the writer goes on).
    public func snapshot(
        process number: Int, mappings: [ExecutableMapping], walkTime: Int64? = nil, eventDated: Bool = false
    ) throws -> SnapshotOutcome {
        let state = try checkSnapshot(of: number)
        try validate(mappings)
        let diff = state.mappings.map { SnapshotDiff(from: $0, to: mappings) }
        return try write(process: number, state: state, mappings: mappings, diff: diff, time: walkTime, eventDated: eventDated)
    }

    /// Records that process `child` was forked from process `parent` at
    /// `time`: its first snapshot is the parent's mappings as last recorded,
    /// written as a FORK (format 2.0, Formats/vmasnap.md §3.3.1): a
    /// reference to the parent, not the set again. When the parent's own
    /// set came through `maximumForkDepth` forks, or the fork is not dated
    /// by its event, it is a KEYFRAME of that set instead (the FORK would be
    /// too deep to follow, or say an origin it does not have).
    ///
    /// - Parameters:
    ///   - child: the new process, as `processSeen` numbered it, without a snapshot yet.
    ///   - parent: the process it was forked from, which must have a snapshot.
    ///   - time: the fork's time (nanoseconds on the header's clock), if
    ///     later than the round's time.
    ///   - eventDated: whether a kernel event (PERF_RECORD_FORK) dated it
    ///     (the default); false when the fork's time is only an estimate.
    /// - Returns: what was written (`.fork`, or `.keyframe`).
    /// - Throws: `WriterError.invalidChange` when the child already has a
    ///   snapshot or the parent has none, and what `snapshot` throws.
    public func processForked(process child: Int, parent: Int, time: Int64? = nil, eventDated: Bool = true) throws -> SnapshotOutcome {
        let state = try checkSnapshot(of: child)
        guard state.mappings == nil else {
            throw WriterError.invalidChange("process \(child) has a snapshot already: a fork must be its first")
        }
        let source = try checkLive(parent)
        guard let inherited = source.mappings else {
            throw WriterError.invalidChange("process \(parent) has no snapshot for its child \(child) to start from")
        }
        let asFork = eventDated && source.forkDepth < FormatConstants.maximumForkDepth
        return try write(process: child, state: state, mappings: inherited, diff: nil, time: time, eventDated: eventDated,
                         forkedFrom: asFork ? (parent, source.forkDepth + 1) : nil)
    }

    /// Records a change of process `number`'s mappings in this round: the
    /// mappings removed and added, as kernel events report them, rather than
    /// the whole set. The writer applies it to the mappings it has for the
    /// process and writes what `snapshot` would for the result.
    ///
    /// - Parameters:
    ///   - change: mappings the process no longer has (each exactly as
    ///     recorded) and mappings it gained, in address order.
    ///   - number: the process, which must have had a snapshot.
    ///   - time: when the change happened (nanoseconds on the header's
    ///     clock), if later than the round's time.
    ///   - eventDated: a kernel event dated the change at exactly `time`
    ///     (see `snapshot(process:mappings:walkTime:eventDated:)`).
    /// - Returns: what was written (`.unchanged` when the change cancels out).
    /// - Throws: `WriterError.invalidChange` when it removes a mapping the
    ///   process does not have or the process has no snapshot yet,
    ///   `.invalidMapping` when the result cannot be stored, and what
    ///   `snapshot` throws.
    public func record(_ change: SnapshotDiff, process number: Int, time: Int64? = nil, eventDated: Bool = false) throws -> SnapshotOutcome {
        let state = try checkSnapshot(of: number)
        guard let current = state.mappings else {
            throw WriterError.invalidChange("process \(number) has no snapshot to change: its first must be a whole set")
        }
        if !change.removed.isEmpty {
            let present = Set(current)
            for mapping in change.removed where !present.contains(mapping) {
                throw WriterError.invalidChange(
                    "process \(number) has no mapping \(AddressText.format(mapping.start))-\(AddressText.format(mapping.end)) to remove")
            }
        }
        let mappings = change.applied(to: current)
        try validate(mappings)
        return try write(
            process: number, state: state, mappings: mappings, diff: SnapshotDiff(from: current, to: mappings), time: time,
            eventDated: eventDated)
    }

    /// The checks common to `snapshot` and `record`; the process's state.
    private func checkSnapshot(of number: Int) throws -> ProcessState {
        try checkOpen()
        guard roundTime != nil else { throw WriterError.notInRound }
        let state = try checkLive(number)
        guard state.lastSnapshotRound != roundCount else {
            throw WriterError.duplicateSnapshot(process: number)
        }
        return state
    }

    /// Writes the snapshot giving `mappings` (checked), `diff` from the
    /// process's previous one (nil for its first: a FORK of `forkedFrom`'s
    /// parent, at that depth, when given; else a KEYFRAME). When its records would
    /// not fit in the round's frame (a process with tens of thousands of
    /// mappings of files with long names), nothing of it stays: the records
    /// and definitions it added are taken back and `.snapshotTooLarge` thrown.
    private func write(
        process number: Int, state: ProcessState, mappings: [ExecutableMapping], diff: SnapshotDiff?, time: Int64?,
        eventDated: Bool, forkedFrom: (parent: Int, depth: Int)? = nil
    ) throws -> SnapshotOutcome {
        let roundTime = self.roundTime!
        let delay = delayAfterRound(time)
        let mark = roundMark()
        var state = state
        var record: Record?
        let outcome: SnapshotOutcome
        if let diff {
            if diff.isEmpty {
                outcome = .unchanged
            } else {
                let stored = mappings.map { store($0) }
                let keyframe = Record.keyframe(process: number, mappings: stored, delay: delay, eventDated: eventDated)
                if roundTime - state.lastKeyframeTime >= UInt64(max(header.keyframeInterval, 0)) {
                    outcome = .keyframe
                    record = keyframe
                } else {
                    let delta = Record.delta(
                        process: number, removed: diff.removed.map(\.start), added: diff.added.map { store($0) }, delay: delay,
                        eventDated: eventDated)
                    if delta.encodedLength > keyframe.encodedLength {
                        outcome = .keyframe
                        record = keyframe
                    } else {
                        outcome = .delta
                        record = delta
                    }
                }
            }
        } else if let forkedFrom {
            outcome = .fork
            record = .fork(process: number, parent: forkedFrom.parent, delay: delay)
        } else {
            outcome = .keyframe
            record = .keyframe(process: number, mappings: mappings.map { store($0) }, delay: delay, eventDated: eventDated)
        }
        if let record {
            guard roundRecordBytes + record.encodedLength <= RecordingWriter.roundBudget else {
                let bytes = roundRecordBytes - mark.bytes + record.encodedLength
                rollBack(to: mark)
                throw WriterError.snapshotTooLarge(process: number, bytes: bytes)
            }
            appendToRound(record)
        }
        switch outcome {
        case .keyframe, .fork:
            // A FORK gives the whole set too: the keyframe interval counts from it.
            state.lastKeyframeTime = roundTime
            state.forkDepth = forkedFrom?.depth ?? 0
            if outcome == .fork { roundStatistics.forks += 1 } else { roundStatistics.keyframes += 1 }
        case .delta:
            roundStatistics.deltas += 1
        case .unchanged:
            break
        }
        if diff == nil {
            roundStatistics.liveProcesses += 1
        } else if outcome != .unchanged {
            roundStatistics.changes += 1
            if eventDated { roundStatistics.eventDatedChanges += 1 }
        }
        state.mappings = mappings
        state.lastSnapshotRound = roundCount
        liveProcesses[number] = state
        return outcome
    }

    /// Records that process `number` is gone, and why. A later process with
    /// the same identity gets a new number. `time` is when it was found gone,
    /// if later than the round's time: lookups answer "after-exit" only from then.
    ///
    /// - Throws: `WriterError` outside a round, for an unknown or gone process,
    ///   or a closed writer.
    public func processGone(process number: Int, reason: ProcessEnd, time: Int64? = nil) throws {
        try checkOpen()
        guard roundTime != nil else { throw WriterError.notInRound }
        let state = try checkLive(number)
        appendToRound(.gone(process: number, reason: reason.rawValue, delay: delayAfterRound(time)))
        if state.mappings != nil {
            roundStatistics.liveProcesses -= 1
            if state.lastSnapshotRound == roundCount { goneAfterSnapshot += 1 }
        }
        // Nothing of a gone process is kept: memory follows the processes
        // alive, however many came and went.
        liveProcesses[number] = nil
        if liveNumbers[state.identity] == number { liveNumbers[state.identity] = nil }
        if recentlyGone.count == RecordingWriter.recentlyGoneLimit { recentlyGone.removeFirst() }
        recentlyGone.append(state.identity)
    }

    /// The state of process `number`, which must have been seen and not be gone.
    private func checkLive(_ number: Int) throws -> ProcessState {
        guard number >= 0, number < processCount else { throw WriterError.unknownProcess(number) }
        guard let state = liveProcesses[number] else { throw WriterError.processGone(number) }
        return state
    }

    /// Checks that the format can store the walk: aligned, non-empty, ascending,
    /// not overlapping; permissions in 4 bits; a minor device number in 20 bits.
    private func validate(_ mappings: [ExecutableMapping]) throws {
        let unit = FormatConstants.pageUnit
        var previousEnd: UInt64 = 0
        for mapping in mappings {
            // Only for the messages: formatting it for every mapping showed in profiles.
            var place: String { "\(AddressText.format(mapping.start))-\(AddressText.format(mapping.end))" }
            guard mapping.start % unit == 0, mapping.end % unit == 0, mapping.offset % unit == 0 else {
                throw WriterError.invalidMapping("\(place) offset \(AddressText.format(mapping.offset)) is not page-aligned")
            }
            guard mapping.end > mapping.start else { throw WriterError.invalidMapping("\(place) is empty") }
            guard mapping.start >= previousEnd else {
                throw WriterError.invalidMapping("\(place) is out of address order or overlaps the mapping before it")
            }
            guard mapping.permissions.rawValue <= 0x0F else {
                throw WriterError.invalidMapping("\(place) has unknown permission bits")
            }
            guard mapping.pageSize > 0 else { throw WriterError.invalidMapping("\(place) has page size 0") }
            guard mapping.device.minor < 1 << 20 else {
                throw WriterError.invalidMapping("\(place) has minor device number \(mapping.device.minor) (over 20 bits)")
            }
            previousEnd = mapping.end
        }
    }

    /// The stored form of a mapping, defining its file (and the file's path
    /// and build ID) first if this recording has not yet.
    private func store(_ mapping: ExecutableMapping) -> StoredMapping {
        StoredMapping(
            start: mapping.start, end: mapping.end, offset: mapping.offset, permissions: mapping.permissions.rawValue,
            file: fileNumber(mapping), pageSize: mapping.pageSize)
    }

    private func fileNumber(_ mapping: ExecutableMapping) -> Int {
        let key = FileKey(device: mapping.device, inode: mapping.inode, path: mapping.path, buildID: mapping.buildID)
        if let number = fileNumbers[key] { return number }
        let path = pathNumber(mapping.path)
        let buildID = mapping.buildID.map { buildIDNumber($0) }
        let number = fileNumbers.count
        fileNumbers[key] = number
        roundDefinitions.append(.file(key))
        appendToRound(.file(StoredFile(
            device: UInt64(mapping.device.major) << 20 | UInt64(mapping.device.minor), inode: mapping.inode,
            path: path, buildID: buildID)))
        return number
    }

    private func pathNumber(_ path: MappedPath) -> Int {
        if let number = pathNumbers[path] { return number }
        let number = pathNumbers.count
        pathNumbers[path] = number
        roundDefinitions.append(.path(path))
        appendToRound(.path(path.bytes))
        return number
    }

    private func buildIDNumber(_ buildID: BuildID) -> Int {
        if let number = buildIDNumbers[buildID] { return number }
        let number = buildIDNumbers.count
        buildIDNumbers[buildID] = number
        roundDefinitions.append(.buildID(buildID))
        appendToRound(.buildID(buildID.bytes))
        return number
    }

    /// Nanoseconds from the open round's time to `time` (0 when nil or not later).
    /// Notes the record's time as the latest, which the next round may not precede.
    private func delayAfterRound(_ time: Int64?) -> UInt64 {
        guard let time, let round = roundTime else { return 0 }
        let roundAbsolute = header.start + Int64(round)
        let delay = time > roundAbsolute ? UInt64(time - roundAbsolute) : 0
        latestRecordTime = max(latestRecordTime, round + delay)
        return delay
    }
}
