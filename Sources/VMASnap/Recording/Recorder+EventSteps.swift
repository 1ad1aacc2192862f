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
    /// exactly the set the walk found, or with `acceptingMore` in a set
    /// the walk holds all of (it saw mmaps whose events are not read yet,
    /// which come with the next event round); nil otherwise: the walk alone
    /// says what the process holds now. The walk's mappings, which carry
    /// what the kernel merged and the build ID, then stand for the events'
    /// own wherever they agree. Without (a process gone before it could be
    /// walked), from the events' fields alone: a change the fields cannot
    /// give (mprotect making memory executable, an mremap of memory not
    /// recorded) is left out.
    func eventSteps(_ pending: RecorderEvents.Pending, from base: [ExecutableMapping], initial: [EventStep],
                    walked: [ExecutableMapping]?, acceptingMore: Bool = false, readingBuildIDs: Bool = true,
                    events: RecorderEvents) -> [EventStep]? {
        let pageSize = UInt64(system.pageSize())
        var changes: [(time: Int64, mapped: PerfMmapEvent?, call: TrackedSyscall?, taken: Range<UInt64>?)] =
            pending.mapped.map { ($0.time, $0.event, nil, nil) } + pending.syscalls.map { ($0.time, nil, $0.call, nil) }
            + pending.takenByMemory.map { ($0.time, nil, nil, $0.range) }
        if !pending.syscalls.isEmpty || !pending.takenByMemory.isEmpty { changes.sort { $0.time < $1.time } }
        var set = base
        var steps = initial
        var merged = false
        for (index, change) in changes.enumerated() {
            // The first ones one by one, the rest in the last.
            let kept = steps.count < Recorder.maximumEventSteps - 2 || index == changes.count - 1
            if let event = change.mapped {
                var mapping = ExecutableMapping(event, pageSize: pageSize)
                if walked == nil && readingBuildIDs { mapping = withBuildID(mapping, events: events) }
                // What the mmap takes the place of ends at the mmap: until
                // then its addresses held it or nothing executable (the
                // kernel reports every mapping made executable, an mmap or an
                // mprotect adding PROT_EXEC), so an address executed there
                // was its (perf dates it the same way; §3.3, origin 1).
                ExecutableMapping.map(mapping, over: &set, keepingEqual: true)
            } else if let call = change.call, !Recorder.apply(call, to: &set, pageSize: pageSize), walked != nil {
                return nil
            } else if let taken = change.taken {
                let before = set
                ExecutableMapping.unmap(taken, from: &set)
                // Memory over addresses nothing held by then changes nothing
                // (but the last change carries the merged ones' set).
                if set == before, !(merged && index == changes.count - 1) { continue }
            }
            if kept {
                steps.append(EventStep(time: change.time, mappings: set, eventDated: !merged))
            } else {
                merged = true
            }
        }
        guard let walked else { return steps }
        // Each mapping the events end in must still be there, whole or in
        // part; every other one the walk found is one they have not said yet.
        var within = 0
        for mapping in set {
            let pieces = Recorder.walkedPieces(of: mapping, in: walked)
            guard !pieces.isEmpty else { return nil }
            within += pieces.count
        }
        let exact = within == walked.count
        guard exact || acceptingMore else { return nil }
        for index in steps.indices {
            steps[index].mappings = steps[index].mappings.flatMap { mapping in
                let pieces = Recorder.walkedPieces(of: mapping, in: walked)
                return pieces.isEmpty ? [mapping] : pieces
            }
        }
        if exact, !steps.isEmpty { steps[steps.count - 1].mappings = walked }
        // A removal whose mappings the walk shows were never there as the
        // events had them (the part of a library's extent ld.so mapped over)
        // is no step.
        steps = steps.indices.compactMap { index in
            index > 0 && !steps[index].eventDated && steps[index].mappings == steps[index - 1].mappings ? nil : steps[index]
        }
        return steps
    }

    /// The mappings of `walked` (in address order) that lie within `mapping`
    /// and map the same file at the same offsets: the mapping as the kernel
    /// holds it now. An MMAP2 record gives the range of one mmap call, and
    /// later calls the events do not report (without mmap_data, those of
    /// memory that is not executable: ld.so maps a library's whole extent
    /// with its first segment's protection, then its data segments over the
    /// rest) may have taken parts of it since; what they took was the
    /// record's file, so dating what is left with the record's time never
    /// answers an address wrongly.
    static func walkedPieces(of mapping: ExecutableMapping, in walked: [ExecutableMapping]) -> [ExecutableMapping] {
        var index = walked.partitionPoint(where: { $0.end > mapping.start })
        var pieces: [ExecutableMapping] = []
        while index < walked.count, walked[index].start < mapping.end {
            let candidate = walked[index]
            if candidate.start >= mapping.start, candidate.end <= mapping.end, candidate.path == mapping.path,
               candidate.offset &- mapping.offset == candidate.start - mapping.start {
                pieces.append(candidate)
            }
            index += 1
        }
        return pieces
    }

    /// The steps `pending`'s events take a live process through from
    /// `base` (what was recorded for it), confirmed without a walk: one
    /// PROCMAP_QUERY at the start of each mapping they leave made (the VMA
    /// as the kernel holds it, its name, its build ID) and one at each end
    /// of each range they unmapped or made not executable. Nil when a query
    /// does not show what the events say (a full walk decides then), or when
    /// more than `maximumSelectiveQueries` would be needed.
    func selectivelyConfirmedSteps(_ pending: RecorderEvents.Pending, from base: [ExecutableMapping],
                                   capture: any MappingCapture, events: RecorderEvents) -> [EventStep]? {
        guard pending.exec == nil,
              let unconfirmed = eventSteps(pending, from: base, initial: [], walked: nil, readingBuildIDs: false, events: events),
              let final = unconfirmed.last?.mappings
        else { return nil }
        let pageSize = UInt64(system.pageSize())
        let recorded = Set(base)
        let made = final.filter { !recorded.contains($0) }
        let cleared = pending.syscalls.compactMap { change -> Range<UInt64>? in
            if case .protect(_, _, let protection) = change.call.operation, protection & 4 != 0 { return nil }
            return change.call.affectedRange(pageSize: pageSize)
        } + pending.takenByMemory.map(\.range)
        guard made.count + 2 * cleared.count <= Recorder.maximumSelectiveQueries else { return nil }
        // What the kernel holds now where the events made or removed mappings.
        var queried: [ExecutableMapping] = []
        do {
            for mapping in made {
                guard let found = try capture.mapping(covering: mapping.start),
                      !Recorder.walkedPieces(of: mapping, in: [found]).isEmpty
                else { return nil }
                queried.append(found)
            }
            for range in cleared where !range.isEmpty {
                for address in Set([range.lowerBound, range.upperBound - pageSize]) {
                    // Free, or a mapping the events made since.
                    if let found = try capture.mapping(covering: address),
                       !final.contains(where: { !Recorder.walkedPieces(of: $0, in: [found]).isEmpty }) {
                        return nil
                    }
                }
            }
        } catch {
            return nil
        }
        // The set the queries confirm: the recorded mappings the events left
        // alone, and the made ones as the kernel holds them.
        var confirmed = final.filter { recorded.contains($0) } + queried
        confirmed.sort { $0.start < $1.start }
        return eventSteps(pending, from: base, initial: [], walked: confirmed, events: events)
    }

    /// More queries than this (a burst of mmaps read at once) cost more
    /// than a walk's revalidation of an unchanged set: a full walk instead.
    static let maximumSelectiveQueries = 16

    /// Applies a munmap, mprotect or mremap to `mappings`; false when its
    /// result cannot be known from its arguments (mprotect making memory
    /// executable: which file, if any, is not in the call).
    static func apply(_ call: TrackedSyscall, to mappings: inout [ExecutableMapping], pageSize: UInt64) -> Bool {
        let range = call.affectedRange(pageSize: pageSize)
        switch call.operation {
        case .unmap:
            ExecutableMapping.unmap(range, from: &mappings)
            return true
        case .protect(_, _, let protection):
            // PROT_EXEC: still (or newly) executable, with what the call does not say.
            if protection & 4 != 0 {
                return mappings.contains { $0.start <= range.lowerBound && range.upperBound <= $0.end }
                    && protection & 2 == 0
            }
            ExecutableMapping.unmap(range, from: &mappings)
            return true
        case .remap:
            let moved = mappings.first { $0.start <= range.lowerBound && range.lowerBound < $0.end }
            ExecutableMapping.unmap(range, from: &mappings)
            guard let moved, let target = call.remappedRange(pageSize: pageSize) else { return moved == nil }
            var placed = moved
            placed.offset = moved.offset + (range.lowerBound - moved.start)
            placed.start = target.lowerBound
            placed.end = target.upperBound
            ExecutableMapping.map(placed, over: &mappings, keepingEqual: false)
            return true
        }
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

    /// Writes `mappings` as process `number`'s snapshot at `time`: with
    /// `forkedFrom` (its parent's number), as a fork from the parent's
    /// recorded set when that is the set and the child has none yet (an
    /// undated snapshot of it otherwise: the parent changed since).
    func writeSnapshot(process number: Int, mappings: [ExecutableMapping], time: Int64, eventDated: Bool,
                       forkedFrom parent: Int? = nil) throws -> SnapshotOutcome {
        if let parent {
            guard writer.liveProcesses[number]?.mappings == nil, writer.liveProcesses[parent]?.mappings == mappings else {
                return try writer.snapshot(process: number, mappings: mappings, walkTime: time)
            }
            return try writer.processForked(process: number, parent: parent, time: time, eventDated: eventDated)
        }
        return try writer.snapshot(process: number, mappings: mappings, walkTime: time, eventDated: eventDated)
    }

    /// Writes `writes` in time order (a write's order among those of its
    /// time kept), each process's snapshots in rounds of their own: a round
    /// begins at the first write's time (never before what was last
    /// written), and a new one wherever a process would get a second
    /// snapshot in it. A write dated later than its time (behind what was
    /// written) writes its change as found by a walk (`EventWrite.write`).
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

