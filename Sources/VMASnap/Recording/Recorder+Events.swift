import SystemPackage

/// Kernel events in the recorder (issue 12): the tracking session opened for
/// the target, read in the recorder's event loop, and what it reports (a
/// fork, an exec, an executable mmap, an exit) recorded as soon as it is
/// read, dated with the event's time, in a round of its own. The periodic
/// walk stays the ground truth.
extension Recorder {
    /// How often the buffers are read when no wakeup came: records below the
    /// wakeup watermark (an idle process's last few) wait at most this long.
    /// Measured (debug build, an idle -p process for 5 s): the recorder's CPU
    /// is 0.07 s without events, 0.26 s reading every 5 ms, 0.11 s every 20
    /// ms; 200 two-millisecond children are recorded either way.
    static let eventDrainInterval: Int64 = 20_000_000

    /// How long a process gone from /proc may wait for its EXIT record before
    /// it is recorded gone without it.
    static let exitGrace: Int64 = 1_000_000_000

    /// Starts the command: with tracking, held before its exec until its
    /// events are open, so that they see the exec and everything after.
    ///
    /// - Throws: `RecorderError.cannotStart`, or the `TrackingError` that
    ///   kept the events from opening (the command then never runs).
    func startCommand(_ arguments: [String]) throws -> ChildCommand {
        guard let options = configuration.tracking else { return try ChildCommand(arguments, system: system) }
        let gated: GatedCommand
        do {
            gated = try GatedCommand(arguments, redirect: [nil, nil, nil], system: system)
        } catch {
            if case .system(let failure) = error { throw RecorderError.cannotStart(command: arguments[0], errno: failure.errno) }
            throw error
        }
        do {
            events = RecorderEvents(session: try TrackingSession(target: .command(pid: gated.pid), options: options, system: system))
            try gated.release()
        } catch {
            // Unreleased, the child exits without exec'ing once its gate
            // closes; a failed exec exits too.
            gated.abandon()
            _ = try? gated.waitForExit()
            if case .cannotExecute(let command, let errno) = error { throw RecorderError.cannotStart(command: command, errno: errno) }
            throw error
        }
        return ChildCommand(started: gated.pid, arguments: arguments, system: system)
    }

    /// Opens the events of -p processes or of the whole machine (a command's
    /// are open already) and adds their buffers, and a timer that reads them
    /// every `eventDrainInterval`, to `loop`.
    ///
    /// - Parameter walkNow: called when records were lost: a round is due at once.
    /// - Throws: the `TrackingError` that kept the events from opening.
    func startEvents(loop: EventLoop, walkNow: @escaping () -> Void) throws {
        guard let options = configuration.tracking else { return }
        if events == nil {
            let target: TrackingTarget
            switch configuration.target {
            case .processes(let pids): target = .processes(pids)
            case .allProcesses: target = .systemWide
            case .command: return
            }
            guard let session = try openSession(target, options: options) else { return }
            events = RecorderEvents(session: session)
        }
        guard let events else { return }
        events.walkRequested = walkNow
        for descriptor in events.session.bufferDescriptors {
            try loop.add(descriptor) { [self] in try recordEvents() }
        }
        let timer = try DeadlineTimer(system: system)
        events.timer = timer
        try timer.schedule(at: system.now(.monotonic) + Recorder.eventDrainInterval)
        try loop.add(timer.descriptor) { [self] in
            guard timer.expired() else { return }
            try recordEvents()
            try timer.schedule(at: system.now(.monotonic) + Recorder.eventDrainInterval)
        }
    }

    /// The session of `target`. A -p process that ended after it was
    /// checked is left out (the first round finds it gone, as without
    /// events); nil when none is left.
    private func openSession(_ target: TrackingTarget, options: TrackingOptions) throws -> TrackingSession? {
        guard case .processes(var pids) = target else {
            return try TrackingSession(target: target, options: options, system: system)
        }
        while !pids.isEmpty {
            let result = Result { () throws(TrackingError) in
                try TrackingSession(target: .processes(pids), options: options, system: system)
            }
            switch result {
            case .success(let session):
                return session
            case .failure(.noSuchProcess(let pid)) where pids.contains(pid):
                pids.removeAll { $0 == pid }
            case .failure(let error):
                throw error
            }
        }
        return nil
    }

    /// Reads the buffers and records what the events that became final
    /// report, in a round of its own (none when nothing changed).
    func recordEvents() throws {
        guard let events else { return }
        absorb(events.session.drain(), into: events)
        try writeEventRound(events)
    }

    /// Notes what `drained` says about each process.
    private func absorb(_ drained: [TrackingEvent], into events: RecorderEvents) {
        for event in drained {
            switch event.kind {
            case .processCreated(let task):
                events.pending[task.pid, default: .init()].forked = (event.time, task.parentPID)
            case .exec(let comm):
                var pending = events.pending[comm.pid, default: .init()]
                pending.exec = (event.time, comm.command)
                pending.mapped = []
                events.pending[comm.pid] = pending
            case .mapped(let mapping) where mapping.isExecutable && mapping.isFileBacked:
                events.pending[mapping.pid, default: .init()].mapped.append((event.time, mapping))
            case .processExited(let pid):
                events.pending[pid, default: .init()].exited = event.time
            case .lost(let lost):
                events.counts.lostWindows += 1
                events.counts.lostRecords += lost.count ?? 0
                events.walkRequested?()
            case .syscall(let call) where touchesExecutableMapping(call):
                var pending = events.pending[call.pid, default: .init()]
                pending.protectionOrUnmap = max(pending.protectionOrUnmap ?? event.time, event.time)
                events.pending[call.pid] = pending
            case .mapped, .threadCreated, .threadExited, .commandChanged, .syscall:
                break
            }
        }
    }

    /// Whether a walk shows exactly the mappings the events say (same
    /// ranges and files): only then does the walk take the events' time.
    private func matches(_ walked: [ExecutableMapping], _ expected: [ExecutableMapping]) -> Bool {
        walked.count == expected.count && zip(walked, expected).allSatisfy { $0.start == $1.start && $0.end == $1.end && $0.path == $1.path }
    }

    /// Checks that what was recorded for `process` holds every mapping its
    /// MMAP2 events reported; a walk in the middle of an exec (or of a
    /// dlopen) may not have seen them yet. Those not seen wait for the next
    /// event round: walked again then, or recorded from their fields if the
    /// process is gone.
    private func confirm(_ pending: RecorderEvents.Pending, of process: TrackedProcess, events: RecorderEvents) {
        guard pending.attempts < 3, tracked[process.identity.pid] === process else { return }
        let recorded = writer.liveProcesses[process.number]?.mappings ?? []
        let unseen = pending.mapped.filter { mapped in
            // The recorded set is in address order: the one mapping that can cover the start.
            let index = recorded.partitionPoint(where: { $0.end > mapped.event.start })
            return !(index < recorded.count && recorded[index].start <= mapped.event.start
                && recorded[index].path.bytes == mapped.event.filename)
        }
        guard !unseen.isEmpty else { return }
        var again = events.pending[process.identity.pid] ?? RecorderEvents.Pending()
        again.mapped = unseen + again.mapped
        again.attempts = pending.attempts + 1
        events.pending[process.identity.pid] = again
    }

    /// A walk found `process` gone (or a zombie). Without events it is
    /// recorded gone now; with them, its EXIT, read soon, ends it at its
    /// exact time, after its exec and mmaps that may still be unread (or,
    /// without one, `exitGrace` later).
    func foundGone(_ process: TrackedProcess) throws {
        guard let events else { return try end(process, reason: .exited) }
        let pid = process.identity.pid
        var pending = events.pending[pid, default: .init()]
        if pending.foundGone == nil { pending.foundGone = system.now(.monotonic) }
        events.pending[pid] = pending
    }

    /// Whether a munmap, mprotect or mremap that succeeded concerns an
    /// executable mapping: it overlaps one recorded for the process, or makes
    /// memory executable.
    private func touchesExecutableMapping(_ call: TrackedSyscall) -> Bool {
        if case .protect(_, _, let protection) = call.operation, protection & 4 != 0 { return true }
        guard let process = tracked[call.pid], let mappings = writer.liveProcesses[process.number]?.mappings else { return false }
        let range = call.affectedRange(pageSize: UInt64(system.pageSize()))
        return mappings.contains { $0.start < range.upperBound && range.lowerBound < $0.end }
    }

    /// At the end: reads every record still waiting and records them, and
    /// every process a walk found gone as gone.
    ///
    /// - Returns: the error that stopped the writing, if any.
    func finishEvents() -> Error? {
        guard let events else { return nil }
        absorb(events.session.finish(), into: events)
        do {
            try writeEventRound(events, final: true)
        } catch {
            return error
        }
        return nil
    }

    /// Records every process the pending events changed, in one round dated
    /// at the earliest of their times (never before what was last written).
    /// `final`: nothing more will come, so none waits for its EXIT.
    private func writeEventRound(_ events: RecorderEvents, final: Bool = false) throws {
        let now = system.now(.monotonic)
        var ready: [(pid: Int32, pending: RecorderEvents.Pending, entry: ProcessStat?)] = []
        for (pid, pending) in events.pending {
            guard let first = pending.firstChange ?? pending.foundGone else { continue }
            let entry = processes.stat(pid: pid)
            let alive = entry.map { $0.state != UInt8(ascii: "Z") } ?? false
            // Gone without its EXIT read yet: it comes with a later drain.
            if !alive, pending.exited == nil, now - first < Recorder.exitGrace, !final { continue }
            ready.append((pid, pending, entry))
        }
        guard !ready.isEmpty else { return }
        ready.sort { $0.pid < $1.pid }
        // Never before what was last written (a round's walks, an earlier
        // event round): events are read late, and a round may not begin
        // before earlier walks.
        let earliest = ready.compactMap { [$0.pending.setTime, $0.pending.exited, $0.pending.foundGone].compactMap { $0 }.min() }.min() ?? now
        let roundTime = max(earliest, events.lastWrittenTime, writer.header.start)
        try writer.beginRound(time: roundTime)
        for (pid, pending, entry) in ready {
            events.pending[pid] = nil
            try record(pending, of: pid, entry: entry, roundTime: roundTime, events: events)
        }
        try writer.endRound()
        events.lastWrittenTime = max(events.lastWrittenTime, system.now(.monotonic))
    }

    /// Records what the events said about `pid`.
    private func record(_ pending: RecorderEvents.Pending, of pid: Int32, entry: ProcessStat?, roundTime: Int64,
                        events: RecorderEvents) throws {
        let alive = entry.map { $0.state != UInt8(ascii: "Z") } ?? false
        let changed = max(pending.setTime ?? roundTime, roundTime)
        if let process = tracked[pid], process.identity == entry?.identity || !alive {
            // A walk that found the exec first (and recorded it) replaced the capture.
            let execPending = pending.exec != nil && !process.captureReplaced
            process.captureReplaced = false
            if alive, let entry {
                if execPending, let exec = pending.exec {
                    // An exec leaves the descriptor on the old address space: reopen it.
                    if let capture = try? openCapture(pid: pid) {
                        process.capture = capture
                        process.captureReplaced = false
                        try writer.processExecuted(process: process.number, command: exec.command, executable: processes.executable(pid: pid))
                    }
                }
                if pending.changedMappings {
                    let base = execPending ? [] : writer.liveProcesses[process.number]?.mappings ?? []
                    let confirmed = (try? process.capture.capture()).map { matches($0, mapped(pending, over: base)) } ?? false
                    try walk(process, entry: entry, dated: confirmed ? changed : nil)
                    events.counts.eventDatedSnapshots += 1
                    confirm(pending, of: process, events: events)
                }
            } else if execPending || !pending.mapped.isEmpty {
                // Gone before a walk could see what it did: from the events' fields.
                if execPending, let exec = pending.exec {
                    let executable = pending.mapped.first.map { MappedPath(bytes: $0.event.filename) }
                    try writer.processExecuted(process: process.number, command: exec.command, executable: executable)
                }
                let before = execPending ? [] : writer.liveProcesses[process.number]?.mappings ?? []
                try record(mapped(pending, over: before), of: process, walkTime: changed)
                events.counts.recordedFromEventFields += 1
                events.counts.eventDatedSnapshots += 1
            }
            if let exited = pending.exited, tracked[pid] != nil {
                try end(process, reason: .exited, at: max(exited, roundTime))
            } else if !alive, tracked[pid] != nil {
                // No EXIT came within the grace period (lost, or a thread the
                // session did not know): gone as the walks found it.
                try end(process, reason: .exited)
            }
            return
        }
        // A process the events created that no round has followed yet. (An
        // exec of one a walk found gone already, or of one that ran before
        // the events opened, is left to the walks.)
        // The command itself was forked before its events opened: its exec
        // and mmaps are all there is, and a command as short as /bin/true
        // may be gone before the first round.
        guard pending.forked != nil || pid == command?.pid else { return }
        if case .processes = configuration.target { return }
        // One whose EXIT was read has no address space left to walk (the
        // kernel reports the exit after releasing it): its events say all.
        if alive, let entry, pending.exited == nil {
            guard !settled.contains(entry.identity), !entry.isKernelThread else { return }
            // Dated at the events' time only if a walk shows what they say
            // (after an exec: just what was mapped since; else the parent's
            // set and that), never with a later change the walk also sees.
            let inherited = pending.exec == nil ? pending.forked.flatMap { tracked[$0.parent] }.flatMap { writer.liveProcesses[$0.number]?.mappings } : []
            let walked = try? openCapture(pid: pid).capture()
            let confirmed = inherited.flatMap { base in walked.map { matches($0, mapped(pending, over: base)) } } ?? false
            try follow(entry, dated: confirmed ? changed : nil)
            guard tracked[pid] != nil else {
                // A walk in the middle of its exec finds the old address space
                // gone: try again with the events that follow (its EXEC, its
                // mmaps), for as long as a process may wait for its EXIT. Not
                // by count alone: on a slow machine one exec outlasts several
                // drains, and a child lost that way was in no recording.
                if pending.attempts < 3 || system.now(.monotonic) - (pending.firstChange ?? 0) < Recorder.exitGrace {
                    settled.remove(entry.identity)
                    var again = pending
                    again.attempts += 1
                    events.pending[pid] = again
                }
                return
            }
            events.counts.processesFromEvents += 1
            if let exited = pending.exited, let process = tracked[pid] { try end(process, reason: .exited, at: max(exited, roundTime)) }
            return
        }
        try recordFromEventFields(pending, of: pid, entry: entry, dated: changed, roundTime: roundTime, events: events)
    }

    /// Records a process gone before it could be walked from its events'
    /// own fields: its parent's mappings at the fork (none after an exec) and
    /// the executable mappings made since.
    private func recordFromEventFields(_ pending: RecorderEvents.Pending, of pid: Int32, entry: ProcessStat?, dated time: Int64,
                                       roundTime: Int64, events: RecorderEvents) throws {
        let parent = pending.forked.flatMap { tracked[$0.parent] }
        let inherited = pending.exec == nil ? parent.flatMap { writer.liveProcesses[$0.number]?.mappings } ?? [] : []
        let mappings = mapped(pending, over: inherited)
        let identity = entry?.identity ?? ProcessIdentity(
            pid: pid, startTime: UInt64(max(pending.forked?.time ?? time, 0)) / (1_000_000_000 / UInt64(max(system.clockTicksPerSecond(), 1))))
        // A walk may have recorded it already (and found it gone); one that
        // could not read it (a zombie by then) recorded nothing. A process
        // the events report is recent, so its record would be among the last.
        guard writer.liveNumbers[identity] == nil, !writer.recentlyGone.contains(identity) else { return }
        let command = pending.exec?.command ?? entry?.command ?? parent.flatMap { processes.stat(pid: $0.identity.pid)?.command } ?? []
        let executable = pending.exec != nil ? pending.mapped.first.map { MappedPath(bytes: $0.event.filename) } : nil
        let number = try writer.processSeen(RecordedProcess(
            identity: identity, parentPID: pending.forked?.parent ?? entry?.parentPID ?? 0, command: command, executable: executable))
        if try writer.snapshot(process: number, mappings: mappings, walkTime: time) != .unchanged {
            keepSymbols(of: mappings, pid: pid)
        }
        try writer.processGone(process: number, reason: .exited, time: max(pending.exited ?? system.now(.monotonic), roundTime))
        settled.insert(identity)
        events.counts.processesFromEvents += 1
        events.counts.recordedFromEventFields += 1
        events.counts.eventDatedSnapshots += 1
    }

    /// `mappings` with the executable mappings `pending` reports made over them.
    private func mapped(_ pending: RecorderEvents.Pending, over mappings: [ExecutableMapping]) -> [ExecutableMapping] {
        let pageSize = UInt64(system.pageSize())
        var result = mappings
        for (_, event) in pending.mapped {
            ExecutableMapping.map(ExecutableMapping(event, pageSize: pageSize), over: &result)
        }
        return result
    }

    /// Before a periodic round: what the buffers hold is recorded first, so
    /// that the walks date nothing an event already dated. Records become
    /// final only once every buffer was read after them (plus a margin), so
    /// the buffers are read, and read again once the margin has passed:
    /// every event before the first read is then recorded, and a process the
    /// round finds gone has its exec and mmaps in the file already.
    func recordEventsBeforeRound() throws -> Int {
        if let events {
            absorb(events.session.drain(), into: events)
            system.sleep(events.session.options.finalityMargin + 50_000)
            try recordEvents()
        }
        return writer.statistics.changes
    }

    /// After a periodic round: the changes it recorded were found by walks
    /// alone (with events on, every one is one the events did not report).
    func countWalkFoundChanges(since changes: Int) {
        guard let events else { return }
        events.counts.walkFoundChanges += writer.statistics.changes - changes
        events.lastWrittenTime = max(events.lastWrittenTime, system.now(.monotonic))
    }
}
