/// The sets a process's events step it through, one per event at that
/// event's time, and the writing of event rounds in time order.
extension Recorder {
    /// At most this many sets are written for one process from one event
    /// round: a process that maps thousands of times between two drains
    /// gets its first ones (a program's start-up) dated one by one, and the
    /// rest as one set at the last one's time (the uncertain gap before it,
    /// as for a walk).
    static let maximumEventSteps = 32

    /// The sets `pending`'s events step a process through from `base`
    /// (after `initial`, the steps its fork and exec begin with): one per
    /// executable mmap, munmap, mprotect and mremap, at that event's time.
    ///
    /// With `walked` (a walk made after every event), only if they end in
    /// exactly the set the walk found (nil otherwise: the walk alone says
    /// what the process holds now); the walk's mappings, which carry what
    /// the kernel merged and the build ID, then stand for the events' own
    /// wherever they agree. Without (a process gone before it could be
    /// walked), from the events' fields alone: a change the fields cannot
    /// give (mprotect making memory executable, an mremap of memory not
    /// recorded) is left out.
    func eventSteps(_ pending: RecorderEvents.Pending, from base: [ExecutableMapping], initial: [EventStep],
                    walked: [ExecutableMapping]?, events: RecorderEvents) -> [EventStep]? {
        let pageSize = UInt64(system.pageSize())
        var changes: [(time: Int64, mapped: PerfMmapEvent?, call: TrackedSyscall?)] =
            pending.mapped.map { ($0.time, $0.event, nil) } + pending.syscalls.map { ($0.time, nil, $0.call) }
        if !pending.syscalls.isEmpty { changes.sort { $0.time < $1.time } }
        var set = base
        var steps = initial
        for (index, change) in changes.enumerated() {
            if let event = change.mapped {
                var mapping = ExecutableMapping(event, pageSize: pageSize)
                if walked == nil { mapping = withBuildID(mapping, events: events) }
                ExecutableMapping.map(mapping, over: &set, keepingEqual: true)
            } else if let call = change.call, !Recorder.apply(call, to: &set, pageSize: pageSize), walked != nil {
                return nil
            }
            // The first ones one by one, the rest in the last.
            if steps.count < Recorder.maximumEventSteps - 1 || index == changes.count - 1 {
                steps.append(EventStep(time: change.time, mappings: set))
            }
        }
        guard let walked else { return steps }
        guard matches(walked, set) else { return nil }
        for index in steps.indices {
            steps[index].mappings = steps[index].mappings.map { mapping in
                let found = walked.partitionPoint(where: { $0.start < mapping.start })
                guard found < walked.count, walked[found].start == mapping.start, walked[found].end == mapping.end,
                      walked[found].path == mapping.path
                else { return mapping }
                return walked[found]
            }
        }
        if !steps.isEmpty { steps[steps.count - 1].mappings = walked }
        return steps
    }

    /// Whether a walk shows exactly the mappings the events say (same
    /// ranges and files): only then does the walk take the events' time.
    func matches(_ walked: [ExecutableMapping], _ expected: [ExecutableMapping]) -> Bool {
        walked.count == expected.count && zip(walked, expected).allSatisfy { $0.start == $1.start && $0.end == $1.end && $0.path == $1.path }
    }

    /// Applies a munmap, mprotect or mremap to `mappings`; false when its
    /// result cannot be known from its arguments (mprotect making memory
    /// executable: which file, if any, is not in the call).
    static func apply(_ call: TrackedSyscall, to mappings: inout [ExecutableMapping], pageSize: UInt64) -> Bool {
        let range = call.affectedRange(pageSize: pageSize)
        switch call.operation {
        case .unmap:
            remove(range, from: &mappings)
            return true
        case .protect(_, _, let protection):
            // PROT_EXEC: still (or newly) executable, with what the call does not say.
            if protection & 4 != 0 {
                return mappings.contains { $0.start <= range.lowerBound && range.upperBound <= $0.end }
                    && protection & 2 == 0
            }
            remove(range, from: &mappings)
            return true
        case .remap:
            let moved = mappings.first { $0.start <= range.lowerBound && range.lowerBound < $0.end }
            remove(range, from: &mappings)
            guard let moved, let target = call.remappedRange(pageSize: pageSize) else { return moved == nil }
            var placed = moved
            placed.offset = moved.offset + (range.lowerBound - moved.start)
            placed.start = target.lowerBound
            placed.end = target.upperBound
            ExecutableMapping.map(placed, over: &mappings, keepingEqual: false)
            return true
        }
    }

    /// Removes `range` from `mappings` (in address order): what it covers is
    /// gone, the parts outside it stay.
    static func remove(_ range: Range<UInt64>, from mappings: inout [ExecutableMapping]) {
        guard !range.isEmpty else { return }
        var result: [ExecutableMapping] = []
        result.reserveCapacity(mappings.count + 1)
        for mapping in mappings {
            guard mapping.start < range.upperBound, range.lowerBound < mapping.end else {
                result.append(mapping)
                continue
            }
            if mapping.start < range.lowerBound {
                var before = mapping
                before.end = range.lowerBound
                result.append(before)
            }
            if range.upperBound < mapping.end {
                var after = mapping
                after.offset += range.upperBound - mapping.start
                after.start = range.upperBound
                result.append(after)
            }
        }
        mappings = result
    }

    /// `mapping` (from an MMAP2 record that gave the device and inode but no
    /// build ID) with the build ID read once from its file, by device and
    /// inode, when its path still names that file.
    func withBuildID(_ mapping: ExecutableMapping, events: RecorderEvents) -> ExecutableMapping {
        guard mapping.buildID == nil, mapping.inode != 0 else { return mapping }
        let file = RecorderEvents.MappedFile(device: mapping.device, inode: mapping.inode)
        let buildID: BuildID?
        if let known = events.buildIDs[file] {
            buildID = known
        } else {
            buildID = MapFiles.buildID(ofFileAt: mapping, system: system)
            events.buildIDs[file] = .some(buildID)
        }
        var result = mapping
        result.buildID = buildID
        return result
    }

    /// Writes `writes` in time order (a write's order among those of its
    /// time kept), each process's snapshots in rounds of their own: a round
    /// begins at the first write's time (never before what was last
    /// written), and a new one wherever a process would get a second
    /// snapshot in it.
    func writeInTimeOrder(_ writes: [EventWrite]) throws {
        guard !writes.isEmpty else { return }
        let ordered = writes.indices.sorted { (writes[$0].time, $0) < (writes[$1].time, $1) }.map { writes[$0] }
        var roundTime: Int64?
        var snapshotted: Set<Int32> = []
        for write in ordered {
            if roundTime == nil || (write.isSnapshot && snapshotted.contains(write.pid)) {
                if roundTime != nil { try writer.endRound() }
                let time = max(write.time, writtenUntil)
                try writer.beginRound(time: time)
                roundTime = time
                snapshotted = []
            }
            try write.write(max(write.time, roundTime!))
            if write.isSnapshot { snapshotted.insert(write.pid) }
        }
        try writer.endRound()
    }

    /// The earliest time a round may begin at: the last round's, or the
    /// latest time a record of it was dated with (a walk's, an event's).
    var writtenUntil: Int64 {
        max(writer.header.start + Int64(max(writer.roundCount == 0 ? 0 : writer.lastRoundTime, writer.latestRecordTime)),
            writer.header.start)
    }
}
