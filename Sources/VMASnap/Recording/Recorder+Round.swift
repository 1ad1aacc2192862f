/// One round: list the processes to follow, note those gone, walk the others.
extension Recorder {
    /// Runs one round; returns how the recording ends if this round ends it.
    func round() throws -> RecordingOutcome.Ending? {
        let commandEnded = command?.reap(everyChild: configuration.adoptsOrphans) ?? false
        let changesBefore = try recordEventsBeforeRound()
        let listing = list()
        let time = system.now(.monotonic)
        try writer.beginRound(time: time)
        var listed: [Int32: ProcessStat] = [:]
        listed.reserveCapacity(listing.count)
        for entry in listing { listed[entry.pid] = entry }

        // Gone first (in recording order, so files are the same run to run),
        // so that a pid reused since the last round starts a new process.
        for process in tracked.values.sorted(by: { $0.number < $1.number }) {
            guard let entry = listed[process.identity.pid] else {
                try foundGone(process)
                continue
            }
            if entry.identity != process.identity { try end(process, reason: .replaced) }
        }
        for entry in listing {
            if let process = tracked[entry.pid] {
                try walk(process, entry: entry)
            } else if !settled.contains(entry.identity), !awaitsItsExec(entry) {
                try follow(entry)
            }
        }
        try writer.endRound()
        try recordedRound(since: changesBefore)
        try storeSymbolsMade()
        // Forget settled identities once their pid is no longer listed: the
        // set stays as small as the process table.
        if !settled.isEmpty { settled = settled.filter { listed[$0.pid]?.identity == $0 } }

        if commandEnded { return .commandExited }
        if case .processes = configuration.target, pendingTargets.isEmpty { return .targetsGone }
        return nil
    }

    /// The processes this round looks at, in pid order.
    func list() -> [ProcessStat] {
        var entries: [ProcessStat]
        switch configuration.target {
        case .processes:
            entries = []
            for pid in pendingTargets {
                if let entry = processes.stat(pid: pid) {
                    entries.append(entry)
                } else if tracked[pid] == nil {
                    // Gone (and reaped) before a round could walk it: there
                    // is nothing to wait for, and the round that finds none
                    // left ends the recording.
                    pendingTargets.remove(pid)
                }
            }
        case .allProcesses:
            entries = processes.scan().filter { !$0.isKernelThread }
        case .command:
            entries = descendants(in: processes.scan())
        }
        entries.sort { $0.pid < $1.pid }
        return entries
    }

    /// The command and its descendants, found from parent pids: starting
    /// from the command, the processes already followed (whose parent may have
    /// exited since) and, as a subreaper, this process's other children
    /// (orphans reparented here between two rounds), everything below them.
    func descendants(in entries: [ProcessStat]) -> [ProcessStat] {
        guard let command else { return [] }
        var children: [Int32: [ProcessStat]] = [:]
        var roots: [ProcessStat] = []
        let me = system.processID()
        for entry in entries {
            children[entry.parentPID, default: []].append(entry)
            if entry.pid == command.pid && command.exit == nil {
                roots.append(entry)
            } else if let process = tracked[entry.pid], process.identity == entry.identity {
                roots.append(entry)
            } else if configuration.adoptsOrphans && entry.parentPID == me {
                roots.append(entry)
            }
        }
        var found: [ProcessStat] = []
        var seen: Set<Int32> = []
        while let entry = roots.popLast() {
            guard seen.insert(entry.pid).inserted else { continue }
            found.append(entry)
            roots.append(contentsOf: children[entry.pid] ?? [])
        }
        return found
    }

    /// Starts following a process not seen before: opens its capture, checks
    /// that the pid still names the same process, walks it, records it.
    func follow(_ entry: ProcessStat, dated: Int64? = nil) throws {
        guard let first = try firstWalk(entry) else { return }
        try startFollowing(entry, first, walkTime: dated ?? first.time)
    }

    /// The first walk of a process not followed yet: its capture, what it
    /// found and when it began; nil when it is left out (not a -p target,
    /// gone, unreadable: settled, and counted where that is a failure).
    func firstWalk(_ entry: ProcessStat) throws -> (capture: any MappingCapture, mappings: [ExecutableMapping], time: Int64)? {
        if case .processes = configuration.target, targetIdentities[entry.pid] != entry.identity {
            // -p names a process, not a pid: a later process with the pid is not followed.
            pendingTargets.remove(entry.pid)
            return nil
        }
        do {
            let capture = try openOwnCapture(entry)
            // The pid may have been reused between the listing and the open.
            guard processes.stat(pid: entry.pid)?.identity == entry.identity else {
                settle(entry.identity)
                return nil
            }
            let time = system.now(.monotonic)
            return (capture, try walked(capture), time)
        } catch let error as CaptureError {
            // Counted and left out: one process that cannot be read never
            // stops a recording of others.
            switch error {
            case .noSuchProcess, .processExited, .kernelThread: break
            case .permissionDenied: unreadableCount += 1
            default: noteFailure(pid: entry.pid, .capture(error))
            }
            settle(entry.identity)
            return nil
        }
    }

    /// Follows `entry` from its first walk on: its PROCESS record, and its
    /// first snapshot (`first`'s mappings at `walkTime`; `eventDated` and
    /// `forkedFrom` as `writeSnapshot` takes them).
    func startFollowing(_ entry: ProcessStat, _ first: (capture: any MappingCapture, mappings: [ExecutableMapping], time: Int64),
                        walkTime: Int64, eventDated: Bool = false, forkedFrom parent: Int? = nil) throws {
        let process = RecordedProcess(
            identity: entry.identity, parentPID: entry.parentPID, command: entry.command,
            executable: processes.executable(pid: entry.pid))
        let tracked = TrackedProcess(identity: entry.identity, number: try writer.processSeen(process), capture: first.capture)
        self.tracked[entry.pid] = tracked
        try record(first.mappings, of: tracked, walkTime: walkTime, eventDated: eventDated, forkedFrom: parent)
    }

    /// Walks a process followed since an earlier round. A capture that finds
    /// the process gone is reopened once if the pid still names the same
    /// process: that is an exec(), which leaves the old descriptor reading an
    /// address space that no longer exists.
    func walk(_ process: TrackedProcess, entry: ProcessStat, dated: Int64? = nil) throws {
        var mappings: [ExecutableMapping]
        // When the walk began: a change it sees is dated then, not at the round's start.
        var walkTime = dated ?? system.now(.monotonic)
        do {
            mappings = try walked(process.capture)
        } catch CaptureError.noSuchProcess, CaptureError.processExited {
            // A zombie has no address space left to reopen.
            guard entry.state != UInt8(ascii: "Z") else { return try foundGone(process) }
            do {
                let capture = try openCapture(pid: entry.pid)
                guard let stat = processes.stat(pid: entry.pid), stat.identity == process.identity else {
                    return try end(process, reason: .exited)
                }
                walkTime = dated ?? system.now(.monotonic)
                mappings = try walked(capture)
                // With events, a new address space with no executable mapping
                // yet: the exec has switched to it but not loaded the program
                // (nor sent its COMM event, which comes first). Its events
                // record it; recorded now, the exec would be dated before its
                // own event, and recorded again by it.
                if mappings.isEmpty, events != nil { return }
                process.capture = capture
                process.execFoundByWalk = system.now(.monotonic)
                // The same process under a new name: keep the recording's in step.
                try writer.processExecuted(
                    process: process.number, command: stat.command, executable: processes.executable(pid: entry.pid))
            } catch CaptureError.noSuchProcess, CaptureError.processExited {
                // Still there: in the middle of its exec (the new address
                // space not ready yet). The next walk sees the new program.
                if let stat = processes.stat(pid: entry.pid), stat.identity == process.identity, stat.state != UInt8(ascii: "Z") {
                    return
                }
                return try end(process, reason: .exited)
            } catch let error as CaptureError {
                // exec() of a program this user may not read (setuid), or a walk that failed.
                if error != .permissionDenied(pid: entry.pid) { noteFailure(pid: entry.pid, .capture(error)) }
                return try end(process, reason: .unreadable)
            }
        } catch let error as CaptureError {
            if error != .permissionDenied(pid: entry.pid) { noteFailure(pid: entry.pid, .capture(error)) }
            return try end(process, reason: .unreadable)
        }
        try record(mappings, of: process, walkTime: walkTime)
    }

    /// A walk with `capture`, its statistics added to the recording's.
    func walked(_ capture: any MappingCapture) throws -> [ExecutableMapping] {
        let before = capture.walkStatistics
        defer { walkStatistics = walkStatistics + capture.walkStatistics.since(before) }
        return try capture.capture()
    }

    /// Records a walk of a followed process. A snapshot the recording cannot
    /// hold (more than a frame, or mappings the format cannot store) ends
    /// that process, never the recording.
    /// `eventDated` and `forkedFrom`: as `writeSnapshot` takes them.
    func record(_ mappings: [ExecutableMapping], of process: TrackedProcess, walkTime: Int64, eventDated: Bool = false,
                forkedFrom parent: Int? = nil) throws {
        do {
            // --keep-symbols: the files of new build IDs, opened while they are mapped.
            let outcome = try writeSnapshot(
                process: process.number, mappings: mappings, time: walkTime, eventDated: eventDated, forkedFrom: parent)
            if outcome != .unchanged {
                keepSymbols(of: mappings, pid: process.identity.pid)
            }
        } catch let error as WriterError {
            switch error {
            case .snapshotTooLarge, .invalidMapping:
                noteFailure(pid: process.identity.pid, .writer(error))
                try end(process, reason: .unreadable)
            default:
                throw error
            }
        }
    }

    /// Counts a process left out because reading or recording it failed.
    private func noteFailure(pid: Int32, _ error: ProcessFailure.Cause) {
        failedCount += 1
        if firstFailure == nil { firstFailure = ProcessFailure(pid: pid, cause: error) }
    }

    /// A capture of `pid` with the recording's backend, through this
    /// recorder's system calls.
    func openCapture(pid: Int32) throws -> any MappingCapture {
        switch configuration.backend {
        case .ioctl: return try IoctlCapture(pid: pid, system: system)
        case .text: return try TextCapture(pid: pid, system: system)
        }
    }

    /// Records `process` gone and stops following it.
    func end(_ process: TrackedProcess, reason: ProcessEnd, at time: Int64? = nil) throws {
        // Found gone now, which may be well after the round began (or at its EXIT's time).
        try writer.processGone(process: process.number, reason: reason, time: time ?? system.now(.monotonic))
        tracked[process.identity.pid] = nil
        settle(process.identity)
    }

    private func settle(_ identity: ProcessIdentity) {
        settled.insert(identity)
        if case .processes = configuration.target { pendingTargets.remove(identity.pid) }
    }
}
