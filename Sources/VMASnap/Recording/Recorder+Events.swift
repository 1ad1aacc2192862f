import SystemPackage

/// Kernel events in the recorder (issue 12): the tracking session opened for
/// the target, read in the recorder's event loop, and what it reports (a
/// fork, an exec, an executable mmap, an unmap or protection change, an
/// exit) recorded as soon as it is read, each change dated with its event's
/// time, in rounds of their own. The periodic walk stays the ground truth.
extension Recorder {
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
    /// are open already) and adds their buffers, and the timer that reads
    /// them once they woke the loop, to `loop` (`watchEventBuffers`).
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
        try watchEventBuffers(events, loop: loop)
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
    ///
    /// - Returns: how many events became final.
    @discardableResult
    func recordEvents() throws -> Int {
        guard let events else { return 0 }
        let drained = events.session.drain()
        absorb(drained, into: events)
        try writeEventRound(events)
        return drained.count
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
                if comm.pid == command?.pid { events.commandExecuted = true }
                pending.mapped = []
                pending.syscalls = []
                pending.takenByMemory = []
                events.pending[comm.pid] = pending
            case .mapped(let mapping) where mapping.isExecutable && mapping.isFileBacked:
                events.pending[mapping.pid, default: .init()].mapped.append((event.time, mapping))
            case .mapped(let mapping) where mapping.isExecutable && takesFollowedAddresses(mapping, events: events):
                events.pending[mapping.pid, default: .init()].takenByMemory.append((event.time, mapping.start..<mapping.end))
            case .processExited(let pid):
                events.pending[pid, default: .init()].exited = event.time
            case .lost(let lost):
                events.lostSince = min(events.lostSince ?? lost.since, lost.since)
                events.counts.lostWindows += 1
                events.counts.lostRecords += lost.count ?? 0
                events.walkRequested?()
            case .syscall(let call) where touchesExecutableMapping(call):
                events.pending[call.pid, default: .init()].syscalls.append((event.time, call))
            case .mapped, .threadCreated, .threadExited, .commandChanged, .syscall:
                break
            }
        }
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

    /// Whether a round is not to follow `entry` yet: the command, with
    /// events, before its exec was read (a walk then would find it at its
    /// gate or in the middle of its start-up, and date the set it found at
    /// the walk: its events record it step by step instead), for at most
    /// `execWait` after the recording started.
    func awaitsItsExec(_ entry: ProcessStat) -> Bool {
        guard let events, !events.commandExecuted, entry.pid == command?.pid else { return false }
        return system.now(.monotonic) - start < Recorder.execWait
    }

    /// How long the rounds leave the command to its events at the start.
    static let execWait: Int64 = 1_000_000_000

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

    /// Whether executable memory that is not a file (an anonymous MMAP2
    /// record, "//anon") lies over addresses a mapping recorded for its
    /// process, or one its pending events made, held.
    private func takesFollowedAddresses(_ mapping: PerfMmapEvent, events: RecorderEvents) -> Bool {
        let pending = events.pending[mapping.pid]?.mapped ?? []
        return pending.contains { $0.event.start < mapping.end && mapping.start < $0.event.end }
            || recordedMapping(of: mapping.pid, overlaps: mapping.start..<mapping.end)
    }

    /// Whether a mapping recorded for process `pid` overlaps `range`.
    private func recordedMapping(of pid: Int32, overlaps range: Range<UInt64>) -> Bool {
        guard let process = tracked[pid], let mappings = writer.liveProcesses[process.number]?.mappings else { return false }
        return mappings.contains { $0.start < range.upperBound && range.lowerBound < $0.end }
    }

    /// Whether a munmap, mprotect or mremap that succeeded concerns an
    /// executable mapping: it overlaps one recorded for the process, or makes
    /// memory executable.
    private func touchesExecutableMapping(_ call: TrackedSyscall) -> Bool {
        if case .protect(_, _, let protection) = call.operation, protection & 4 != 0 { return true }
        return recordedMapping(of: call.pid, overlaps: call.affectedRange(pageSize: UInt64(system.pageSize())))
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
            try recordLossWindow(events)
        } catch {
            return error
        }
        return nil
    }

    /// Records every process the pending events changed: each change a
    /// snapshot at its event's time, where a walk made now shows what the
    /// events end in (or the process is gone: from the events' fields), and
    /// otherwise the walk at its own time; in rounds in time order, never
    /// before what was last written. `final`: nothing more will come, so
    /// none waits for its EXIT.
    private func writeEventRound(_ events: RecorderEvents, final: Bool = false) throws {
        let ready = readyProcesses(events, now: system.now(.monotonic), final: final)
        guard !ready.isEmpty else { return }
        var writes: [EventWrite] = []
        var planned: Set<Int32> = []
        var deferred: Set<Int32> = []
        for (pid, pending, entry) in ready {
            events.pending[pid] = nil
            planned.insert(pid)
            if try plan(pending, of: pid, entry: entry, events: events, mayDefer: !final, into: &writes) {
                events.pending[pid] = pending
                deferred.insert(pid)
            }
        }
        if !deferred.isEmpty {
            // A walk that saw more than the events said: those events were
            // not final yet when the buffers were read. Read them (once the
            // margin has passed) and plan those processes again, with a walk
            // after them; what it does not confirm then is the walk's. Every
            // other process this read made ready (its EXIT came) is planned
            // too: left for a later round, a periodic walk could find it
            // first. One planned already waits: its writes, not made yet,
            // are the set its new events apply to.
            system.sleep(events.session.options.finalityMargin + 50_000)
            absorb(events.session.drain(), into: events)
            for (pid, pending, entry) in readyProcesses(events, now: system.now(.monotonic), final: false)
            where deferred.contains(pid) || !planned.contains(pid) {
                events.pending[pid] = nil
                _ = try plan(pending, of: pid, entry: entry, events: events, mayDefer: false, into: &writes)
            }
        }
        try writeInTimeOrder(writes)
    }

    /// The processes whose pending events are to be recorded now, in pid
    /// order, each with what /proc shows of it: every one the events
    /// changed, except one gone without its EXIT read yet (it comes with a
    /// later read), for at most `exitGrace`. `final`: none waits.
    private func readyProcesses(_ events: RecorderEvents, now: Int64, final: Bool)
        -> [(pid: Int32, pending: RecorderEvents.Pending, entry: ProcessStat?)] {
        var ready: [(pid: Int32, pending: RecorderEvents.Pending, entry: ProcessStat?)] = []
        for (pid, pending) in events.pending {
            guard let first = pending.firstChange ?? pending.foundGone else { continue }
            let entry = processes.stat(pid: pid)
            let alive = entry.map { $0.state != UInt8(ascii: "Z") } ?? false
            if !alive, pending.exited == nil, now - first < Recorder.exitGrace, !final { continue }
            ready.append((pid, pending, entry))
        }
        ready.sort { $0.pid < $1.pid }
        return ready
    }

    /// Plans what the events said about `pid` as writes at their times.
    ///
    /// - Returns: true when nothing was planned because a walk did not show
    ///   what the events say and `mayDefer`: it may come from events not read yet.
    private func plan(_ pending: RecorderEvents.Pending, of pid: Int32, entry: ProcessStat?, events: RecorderEvents,
                      mayDefer: Bool, into writes: inout [EventWrite]) throws -> Bool {
        let alive = entry.map { $0.state != UInt8(ascii: "Z") } ?? false
        if let process = tracked[pid], process.identity == entry?.identity || !alive {
            // One whose EXIT was read has no address space left to walk (the
            // kernel reports the exit after releasing it), though /proc may
            // show it running until it is a zombie: its events say all.
            let walkable = alive && pending.exited == nil
            return planFollowed(pending, of: process, entry: walkable ? entry : nil, events: events, mayDefer: mayDefer, into: &writes)
        }
        // A process the events created that no round has followed yet. (An
        // exec of one a walk found gone already, or of one that ran before
        // the events opened, is left to the walks.)
        // The command itself was forked before its events opened: its exec
        // and mmaps are all there is, and a command as short as /bin/true
        // may be gone before the first round.
        guard pending.forked != nil || pid == command?.pid else { return false }
        if case .processes = configuration.target { return false }
        // One whose EXIT was read has no address space left to walk (the
        // kernel reports the exit after releasing it): its events say all.
        if alive, let entry, pending.exited == nil {
            return try planNew(pending, of: entry, events: events, mayDefer: mayDefer, into: &writes)
        }
        planFromEventFields(pending, of: pid, entry: entry, events: events, into: &writes)
        return false
    }

    /// The steps a new process's events begin with: its parent's set at the
    /// fork (when the parent is followed), an empty set at its exec; and the
    /// set the later changes apply to (nil when the parent's is unknown).
    private func startingSteps(_ pending: RecorderEvents.Pending) -> (initial: [EventStep], base: [ExecutableMapping]?) {
        let parentSet = pending.forked.flatMap { tracked[$0.parent] }.flatMap { writer.liveProcesses[$0.number]?.mappings }
        var initial: [EventStep] = []
        if let forked = pending.forked, let parentSet {
            initial.append(EventStep(time: forked.time, mappings: parentSet, forkedFrom: forked.parent))
        }
        if let exec = pending.exec { initial.append(EventStep(time: exec.time, mappings: [])) }
        return (initial, pending.exec != nil ? [] : parentSet)
    }

    /// Writes of `steps` as snapshots of the followed process `pid` (the one
    /// with `identity`, if still followed when they are written).
    private func snapshotWrites(_ steps: [EventStep], pid: Int32, identity: ProcessIdentity, dated: Bool,
                                events: RecorderEvents) -> [EventWrite] {
        steps.map { step in
            EventWrite(time: step.time, pid: pid, isSnapshot: true) { [self] time in
                guard let process = tracked[pid], process.identity == identity else { return }
                let onTime = dated && time == step.time
                try record(step.mappings, of: process, walkTime: time, eventDated: onTime && step.eventDated)
                if onTime { events.counts.eventDatedSnapshots += 1 }
            }
        }
    }

    /// Plans what the events said about a process followed already: `entry`
    /// when it is alive (walked now), nil when it is gone (from the events'
    /// fields), then its end at its EXIT's time.
    private func planFollowed(_ pending: RecorderEvents.Pending, of process: TrackedProcess, entry: ProcessStat?,
                              events: RecorderEvents, mayDefer: Bool, into writes: inout [EventWrite]) -> Bool {
        let pid = process.identity.pid
        // A walk that found the exec first recorded it already.
        let execPending = pending.exec.map { exec in process.execFoundByWalk.map { exec.time > $0 } ?? true } ?? false
        let base = execPending ? [] : writer.liveProcesses[process.number]?.mappings ?? []
        let initial = execPending ? pending.exec.map { [EventStep(time: $0.time, mappings: [])] } ?? [] : []
        var executed: (time: Int64, command: [UInt8], executable: MappedPath?)?
        if let entry {
            var reopened = true
            // Set when the address space is gone (the process exiting, its
            // EXIT not read yet; or in an exec not read yet).
            var gone = false
            if execPending, let exec = pending.exec {
                // An exec leaves the descriptor on the old address space: reopen it.
                do {
                    process.capture = try openCapture(pid: pid)
                    executed = (exec.time, exec.command, processes.executable(pid: pid))
                } catch {
                    reopened = false
                    gone = Recorder.foundNoAddressSpace(error)
                }
            }
            if pending.changedMappings {
                let walkTime = system.now(.monotonic)
                let selective = execPending ? nil : selectivelyConfirmedSteps(pending, from: base, capture: process.capture, events: events)
                var found: [ExecutableMapping]?
                if selective == nil, reopened {
                    do {
                        found = try walked(process.capture)
                    } catch {
                        gone = Recorder.foundNoAddressSpace(error)
                    }
                }
                if let steps = selective {
                    // The ranges the events touched, queried alone, show what they say.
                    writes += snapshotWrites(steps, pid: pid, identity: process.identity, dated: true, events: events)
                    events.counts.selectiveConfirmations += 1
                } else if let found {
                    let steps = eventSteps(pending, from: base, initial: initial, walked: found, acceptingMore: !mayDefer, events: events)
                    // Planned again as it is (an exec reopens the capture again).
                    if steps == nil && mayDefer { return true }
                    writes += snapshotWrites(steps ?? [EventStep(time: walkTime, mappings: found)], pid: pid,
                                             identity: process.identity, dated: steps != nil, events: events)
                } else if gone {
                    // What its events say happened, happened: the walk that
                    // cannot see it any more never contradicts them.
                    let fromFields = fieldWrites(pending, of: process, from: base, initial: initial, execPending: execPending,
                                                 events: events, into: &writes)
                    executed = executed ?? fromFields
                } else {
                    // The walk's own handling: an exec to reopen for, a process gone or unreadable.
                    writes.append(EventWrite(time: walkTime, pid: pid, isSnapshot: true) { [self] _ in
                        guard tracked[pid] === process else { return }
                        try walk(process, entry: entry)
                    })
                }
                writes.append(EventWrite(time: walkTime, pid: pid, isSnapshot: false) { [self] _ in
                    confirm(pending, of: process, events: events)
                })
            }
        } else if execPending || pending.changedMappingsSinceExec {
            // Gone before a walk could see what it did: from the events' fields.
            executed = fieldWrites(pending, of: process, from: base, initial: initial, execPending: execPending,
                                   events: events, into: &writes)
        }
        if let executed {
            writes.append(EventWrite(time: executed.time, pid: pid, isSnapshot: false) { [self] _ in
                guard tracked[pid] === process else { return }
                try writer.processExecuted(process: process.number, command: executed.command, executable: executed.executable)
            })
        }
        if let exited = pending.exited {
            writes.append(EventWrite(time: exited, pid: pid, isSnapshot: false) { [self] time in
                guard tracked[pid] === process else { return }
                try end(process, reason: .exited, at: time)
            })
        } else if entry == nil {
            // No EXIT came within the grace period (lost, or a thread the
            // session did not know): gone as the walks found it.
            writes.append(EventWrite(time: system.now(.monotonic), pid: pid, isSnapshot: false) { [self] _ in
                guard tracked[pid] === process else { return }
                try end(process, reason: .exited)
            })
        }
        // Planned (not deferred, which plans the same events again): an exec
        // later than this one is a new one.
        if pending.exec != nil { process.execFoundByWalk = nil }
        return false
    }

    /// Plans what `pending`'s events say `process` went through from `base`
    /// (after `initial`), from their own fields, dated by them: for a
    /// process whose address space is gone before a walk could see what it
    /// did (its EXIT read, or a walk that found none).
    ///
    /// - Returns: its exec, if `execPending`: its time, command and executable
    ///   (the first file it mapped).
    private func fieldWrites(_ pending: RecorderEvents.Pending, of process: TrackedProcess, from base: [ExecutableMapping],
                             initial: [EventStep], execPending: Bool, events: RecorderEvents,
                             into writes: inout [EventWrite]) -> (time: Int64, command: [UInt8], executable: MappedPath?)? {
        let steps = eventSteps(pending, from: base, initial: initial, walked: nil, events: events) ?? []
        writes += snapshotWrites(steps, pid: process.identity.pid, identity: process.identity, dated: true, events: events)
        events.counts.recordedFromEventFields += 1
        guard execPending, let exec = pending.exec else { return nil }
        return (exec.time, exec.command, pending.mapped.first.map { MappedPath(bytes: $0.event.filename) })
    }

    /// Whether a capture's `error` says the process has no address space
    /// (gone, exiting, or in the middle of an exec), not that it cannot be read.
    static func foundNoAddressSpace(_ error: any Error) -> Bool {
        switch error as? CaptureError {
        case .noSuchProcess, .processExited: return true
        default: return false
        }
    }

    /// Plans a new process alive now: walked at once, its events' steps
    /// dated from its fork on if the walk shows what they end in, else the
    /// walk at its own time.
    private func planNew(_ pending: RecorderEvents.Pending, of entry: ProcessStat, events: RecorderEvents, mayDefer: Bool,
                         into writes: inout [EventWrite]) throws -> Bool {
        let pid = entry.pid
        guard !settled.contains(entry.identity), !entry.isKernelThread else { return false }
        guard let first = try firstWalk(entry) else {
            // A walk in the middle of its exec finds the old address space
            // gone: try again with the events that follow (its EXEC, its
            // mmaps), at once, then in later event rounds, for as long as a
            // process may wait for its EXIT: not by count alone, since on a
            // slow machine one exec outlasts several drains, and a child lost
            // that way was in no recording.
            guard pending.attempts < 3 || system.now(.monotonic) - (pending.firstChange ?? 0) < Recorder.exitGrace else { return false }
            settled.remove(entry.identity)
            if mayDefer { return true }
            do {
                var again = pending
                again.attempts += 1
                events.pending[pid] = again
            }
            return false
        }
        let (initial, base) = startingSteps(pending)
        let dated = base.flatMap { eventSteps(pending, from: $0, initial: initial, walked: first.mappings, acceptingMore: !mayDefer, events: events) }
        if dated == nil && base != nil && mayDefer { return true }
        let steps = dated ?? [EventStep(time: first.time, mappings: first.mappings)]
        writes.append(EventWrite(time: steps[0].time, pid: pid, isSnapshot: true) { [self] time in
            let onTime = dated != nil && time == steps[0].time
            try startFollowing(entry, (first.capture, steps[0].mappings, first.time), walkTime: time,
                               eventDated: onTime && steps[0].eventDated, forkedFrom: steps[0].forkedFrom.flatMap { tracked[$0]?.number })
            if onTime { events.counts.eventDatedSnapshots += 1 }
            events.counts.processesFromEvents += 1
        })
        writes += snapshotWrites(Array(steps.dropFirst()), pid: pid, identity: entry.identity, dated: dated != nil, events: events)
        if let exited = pending.exited {
            writes.append(EventWrite(time: exited, pid: pid, isSnapshot: false) { [self] time in
                guard let process = tracked[pid], process.identity == entry.identity else { return }
                try end(process, reason: .exited, at: time)
            })
        }
        return false
    }

    /// Plans a process gone before it could be walked, from its events' own
    /// fields: its parent's mappings at the fork (none after an exec), each
    /// executable mapping made since at its time, its end.
    private func planFromEventFields(_ pending: RecorderEvents.Pending, of pid: Int32, entry: ProcessStat?,
                                     events: RecorderEvents, into writes: inout [EventWrite]) {
        let now = system.now(.monotonic)
        let (initial, base) = startingSteps(pending)
        var steps = eventSteps(pending, from: base ?? [], initial: initial, walked: nil, events: events) ?? []
        if steps.isEmpty { steps = [EventStep(time: pending.firstChange ?? now, mappings: base ?? [], eventDated: false)] }
        let firstTime = steps[0].time
        let identity = entry?.identity ?? ProcessIdentity(
            pid: pid, startTime: UInt64(max(pending.forked?.time ?? firstTime, 0)) / (1_000_000_000 / UInt64(max(system.clockTicksPerSecond(), 1))))
        // A walk may have recorded it already (and found it gone); one that
        // could not read it (a zombie by then) recorded nothing. A process
        // the events report is recent, so its record would be among the last.
        guard writer.liveNumbers[identity] == nil, !writer.recentlyGone.contains(identity) else { return }
        let parent = pending.forked.flatMap { tracked[$0.parent] }
        let command = pending.exec?.command ?? entry?.command ?? parent.flatMap { processes.stat(pid: $0.identity.pid)?.command } ?? []
        let executable = pending.exec != nil ? pending.mapped.first.map { MappedPath(bytes: $0.event.filename) } : nil
        let recorded = RecordedProcess(
            identity: identity, parentPID: pending.forked?.parent ?? entry?.parentPID ?? 0, command: command, executable: executable)
        settled.insert(identity)
        events.counts.processesFromEvents += 1
        events.counts.recordedFromEventFields += 1
        // Numbered when its first snapshot is written.
        var number: Int?
        for (index, step) in steps.enumerated() {
            writes.append(EventWrite(time: step.time, pid: pid, isSnapshot: true) { [self] time in
                if index == 0 { number = try writer.processSeen(recorded) }
                guard let number else { return }
                let parent = step.forkedFrom.flatMap { tracked[$0]?.number }
                let onTime = time == step.time
                if try writeSnapshot(process: number, mappings: step.mappings, time: time, eventDated: onTime && step.eventDated,
                                     forkedFrom: parent) != .unchanged {
                    keepSymbols(of: step.mappings, pid: pid)
                }
                if onTime { events.counts.eventDatedSnapshots += 1 }
            })
        }
        writes.append(EventWrite(time: max(pending.exited ?? now, steps[steps.count - 1].time), pid: pid, isSnapshot: false) { [self] time in
            guard let number else { return }
            try writer.processGone(process: number, reason: .exited, time: time)
        })
    }

    /// Before a periodic round: what the buffers hold is recorded first, so
    /// that the walks date nothing an event already dated. Records become
    /// final only once every buffer was read after them (plus a margin), so
    /// the buffers are read, and read again once the margin has passed:
    /// every event before the first read is then recorded, and a process the
    /// round finds gone has its exec and mmaps in the file already. A
    /// process that changed again after that event round planned it (the
    /// events a deferral read again) is recorded too: once the round has
    /// begun, what its events say could be dated no earlier than the round.
    func recordEventsBeforeRound() throws -> Int {
        if let events {
            absorb(events.session.drain(), into: events)
            system.sleep(events.session.options.finalityMargin + 50_000)
            try recordEvents()
            if events.pending.values.contains(where: { $0.changedMappings }) { try writeEventRound(events) }
        }
        return writer.statistics.changes
    }

    /// After a periodic round: the changes it recorded were found by walks
    /// alone (with events on, every one is one the events did not report);
    /// and records lost before it are a window from the last time the
    /// events were known complete to the end of its walks.
    func recordedRound(since changes: Int) throws {
        guard let events else { return }
        events.counts.walkFoundChanges += writer.statistics.changes - changes
        try recordLossWindow(events)
    }

    /// Records the window of the records lost since it was last recorded, if any.
    private func recordLossWindow(_ events: RecorderEvents) throws {
        guard let since = events.lostSince else { return }
        events.lostSince = nil
        try writer.eventsLost(from: max(since, writer.header.start), through: max(system.now(.monotonic), writer.header.start))
    }
}
