extension RecordingWriter {
    /// The number of `process` in this recording: a new one (and a PROCESS
    /// record) the first time its identity is seen, the same one until it is
    /// gone. May be called between rounds; its record goes with the next round.
    public func processSeen(_ process: RecordedProcess) throws -> Int {
        try checkOpen()
        if let number = liveNumbers[process.identity] { return number }
        guard process.identity.pid >= 0, process.parentPID >= 0 else {
            throw RecordingError.invalidProcess("negative pid in \(process.identity) (parent \(process.parentPID))")
        }
        let executable = process.executable.map { pathNumber($0) }
        let number = processes.count
        roundRecords.append(.process(StoredProcess(
            number: number, pid: UInt64(process.identity.pid), startTime: process.identity.startTime,
            parentPID: UInt64(process.parentPID), executable: executable, command: process.command)))
        processes.append(ProcessState(identity: process.identity))
        liveNumbers[process.identity] = number
        statistics.processes += 1
        return number
    }

    /// Records that process `number` ran exec(): the same process (pid and
    /// start time), now named `command` and running `executable`. Its new
    /// mappings come with its next snapshot, as any change does.
    public func processExecuted(process number: Int, command: [UInt8], executable: MappedPath?) throws {
        try checkOpen()
        try checkLive(number)
        roundRecords.append(.exec(process: number, executable: executable.map { pathNumber($0) }, command: command))
    }

    /// Records a snapshot of process `number` taken in this round: a KEYFRAME
    /// the first time, when the keyframe interval has passed since its last
    /// one and something changed, or when the change is smaller to write as a
    /// keyframe; a DELTA for other changes; nothing when nothing changed.
    ///
    /// `mappings` must be in address order, not overlapping, with start, end
    /// and offset multiples of 4096, as every capture returns them.
    ///
    /// `walkTime` is when the walk of this process began (nanoseconds on the
    /// header's clock), if later than the round's time: a change is dated
    /// then, so that no lookup takes a set the walk had not yet seen as in
    /// effect. Processes walked late in a long round need it.
    public func snapshot(process number: Int, mappings: [ExecutableMapping], walkTime: Int64? = nil) throws -> SnapshotOutcome {
        try checkOpen()
        guard let time = roundTime else { throw RecordingError.notInRound }
        let delay = delayAfterRound(walkTime)
        try checkLive(number)
        guard processes[number].lastSnapshotRound != roundCount else {
            throw RecordingError.duplicateSnapshot(process: number)
        }
        try validate(mappings)
        let outcome: SnapshotOutcome
        if let previous = processes[number].mappings {
            let diff = SnapshotDiff(from: previous, to: mappings)
            if diff.isEmpty {
                outcome = .unchanged
            } else {
                let stored = mappings.map { store($0) }
                let keyframe = Record.keyframe(process: number, mappings: stored, delay: delay)
                if time - processes[number].lastKeyframeTime >= UInt64(max(header.keyframeInterval, 0)) {
                    outcome = .keyframe
                    roundRecords.append(keyframe)
                } else {
                    let delta = Record.delta(
                        process: number, removed: diff.removed.map(\.start), added: diff.added.map { store($0) }, delay: delay)
                    if delta.encodedLength > keyframe.encodedLength {
                        outcome = .keyframe
                        roundRecords.append(keyframe)
                    } else {
                        outcome = .delta
                        roundRecords.append(delta)
                    }
                }
                statistics.changes += 1
            }
        } else {
            outcome = .keyframe
            roundRecords.append(.keyframe(process: number, mappings: mappings.map { store($0) }, delay: delay))
            statistics.liveProcesses += 1
        }
        switch outcome {
        case .keyframe:
            processes[number].lastKeyframeTime = time
            statistics.keyframes += 1
        case .delta:
            statistics.deltas += 1
        case .unchanged:
            break
        }
        processes[number].mappings = mappings
        processes[number].lastSnapshotRound = roundCount
        return outcome
    }

    /// Records that process `number` is gone, and why. A later process with
    /// the same identity gets a new number. `time` is when it was found gone,
    /// if later than the round's time: lookups answer "after-exit" only from then.
    public func processGone(process number: Int, reason: ProcessEnd, time: Int64? = nil) throws {
        try checkOpen()
        guard roundTime != nil else { throw RecordingError.notInRound }
        try checkLive(number)
        roundRecords.append(.gone(process: number, reason: reason.rawValue, delay: delayAfterRound(time)))
        processes[number].gone = true
        if processes[number].mappings != nil {
            statistics.liveProcesses -= 1
            if processes[number].lastSnapshotRound == roundCount { goneAfterSnapshot += 1 }
        }
        processes[number].mappings = nil
        if liveNumbers[processes[number].identity] == number { liveNumbers[processes[number].identity] = nil }
    }

    private func checkLive(_ number: Int) throws {
        guard number >= 0, number < processes.count else { throw RecordingError.unknownProcess(number) }
        guard !processes[number].gone else { throw RecordingError.processGone(number) }
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
                throw RecordingError.invalidMapping("\(place) offset \(AddressText.format(mapping.offset)) is not page-aligned")
            }
            guard mapping.end > mapping.start else { throw RecordingError.invalidMapping("\(place) is empty") }
            guard mapping.start >= previousEnd else {
                throw RecordingError.invalidMapping("\(place) is out of address order or overlaps the mapping before it")
            }
            guard mapping.permissions.rawValue <= 0x0F else {
                throw RecordingError.invalidMapping("\(place) has unknown permission bits")
            }
            guard mapping.pageSize > 0 else { throw RecordingError.invalidMapping("\(place) has page size 0") }
            guard mapping.device.minor < 1 << 20 else {
                throw RecordingError.invalidMapping("\(place) has minor device number \(mapping.device.minor) (over 20 bits)")
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
        roundRecords.append(.file(StoredFile(
            device: UInt64(mapping.device.major) << 20 | UInt64(mapping.device.minor), inode: mapping.inode,
            path: path, buildID: buildID)))
        return number
    }

    private func pathNumber(_ path: MappedPath) -> Int {
        if let number = pathNumbers[path] { return number }
        let number = pathNumbers.count
        pathNumbers[path] = number
        roundRecords.append(.path(path.bytes))
        return number
    }

    private func buildIDNumber(_ buildID: BuildID) -> Int {
        if let number = buildIDNumbers[buildID] { return number }
        let number = buildIDNumbers.count
        buildIDNumbers[buildID] = number
        roundRecords.append(.buildID(buildID.bytes))
        return number
    }

    /// Nanoseconds from the open round's time to `time` (0 when nil or not later).
    private func delayAfterRound(_ time: Int64?) -> UInt64 {
        guard let time, let round = roundTime else { return 0 }
        let roundAbsolute = header.start + Int64(round)
        return time > roundAbsolute ? UInt64(time - roundAbsolute) : 0
    }
}
