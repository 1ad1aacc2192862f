import SystemPackage

extension TrackingSession {
    /// One buffer per CPU, owned by a dummy event on this process, as large
    /// as `options.bufferPages` or, when the locked-memory budget refuses,
    /// halved down to `options.minimumBufferPages`: every CPU gets the same
    /// size (the budget is the user's, so a refusal on a later CPU halves
    /// the earlier ones too, rather than leaving it nothing).
    func openBuffers() throws(TrackingError) {
        let ownerAttribute = PerfEventAttribute.bufferOwner(wakeupBytes: options.wakeupBytes)
        var pages = TrackingSession.powerOfTwo(atMost: max(options.bufferPages, 1))
        let minimum = TrackingSession.powerOfTwo(atMost: max(min(options.minimumBufferPages, pages), 1))
        let requested = pages
        var refusal: Errno?
        var owners: [PerfEventDescriptor] = []
        for cpu in cpus {
            owners.append(try open(ownerAttribute, pid: system.processID(), cpu: cpu, what: "a ring buffer's event"))
        }
        sizes: while true {
            buffers = []
            for (owner, cpu) in zip(owners, cpus) {
                switch PerfRingBuffer.map(owner, dataPages: pages, pageSize: pageSize, system: system) {
                case .success(let buffer):
                    buffers.append(buffer)
                case .failure(let errno) where (errno == .notPermitted || errno == .noMemory) && pages > minimum:
                    pages /= 2
                    refusal = errno
                    continue sizes
                case .failure(let errno) where errno == .notPermitted || errno == .noMemory:
                    buffers = []
                    throw TrackingError.denied(.memoryLock(neededBytes: cpus.count * (1 + pages) * pageSize, errno: errno))
                case .failure(let errno):
                    buffers = []
                    throw TrackingError.system(SystemError(.map, "a perf ring buffer of \(pages) pages on CPU \(cpu)", errno))
                }
            }
            break
        }
        if let refusal {
            notices.append(.smallerBuffers(requestedBytes: requested * pageSize, grantedBytes: pages * pageSize, errno: refusal))
        }
    }

    /// Opens the events of the target and enables them.
    func openTarget() throws(TrackingError) {
        switch target {
        case .command(let pid):
            guard try openTask(pid, inherit: true) else { throw TrackingError.noSuchProcess(pid: pid) }
            try enable(from: 0)
            threads.seed(pid: pid, threads: [pid])
        case .processes(let pids):
            try openProcesses(pids)
        case .systemWide:
            try openTask(-1, inherit: false)
            try enable(from: 0)
            // Open first, then list: a thread made in between is both listed
            // and reported (a set keeps it once); one that ended is reported.
            for pid in ProcessTasks.processes(system: system) {
                if let tids = ProcessTasks.threads(of: pid, system: system) { threads.seed(pid: pid, threads: tids) }
            }
        }
    }

    /// -p: every thread of each process gets events of its own (pid names one
    /// thread; inheritance covers only tasks created later). Threads that
    /// appear while this runs are covered if a traced thread made them (its
    /// FORK record says so, and the events were inherited) and otherwise get
    /// their own.
    private func openProcesses(_ pids: [Int32]) throws(TrackingError) {
        forkedDuringSetup = []
        defer { forkedDuringSetup = nil }
        var ended = 0
        for pid in pids {
            guard let tids = ProcessTasks.threads(of: pid, system: system), !tids.isEmpty else {
                throw TrackingError.noSuchProcess(pid: pid)
            }
            var opened = 0
            for tid in tids {
                if try openTask(tid, inherit: true) { opened += 1 } else { ended += 1 }
            }
            guard opened > 0 else { throw TrackingError.noSuchProcess(pid: pid) }
        }
        try enable(from: 0)
        for _ in 0..<8 {
            var fresh: [Int32] = []
            for pid in pids {
                for tid in ProcessTasks.threads(of: pid, system: system) ?? [] where !openedTasks.contains(tid) {
                    fresh.append(tid)
                }
            }
            if fresh.isEmpty { break }
            // A FORK record is written before the new task first runs; give
            // the parent's in-flight clone a moment to write it.
            system.sleep(1_000_000)
            readBuffers()
            let firstNew = events.count
            for tid in fresh where !forkedDuringSetup!.contains(tid) {
                if !(try openTask(tid, inherit: true)) { ended += 1 }
            }
            try enable(from: firstNew)
        }
        for pid in pids {
            let tids = ProcessTasks.threads(of: pid, system: system) ?? []
            threads.seed(pid: pid, threads: tids)
        }
        if ended > 0 { notices.append(.threadsEnded(count: ended)) }
    }

    /// Opens, on every CPU, the tracking event and the tracepoints of `pid`
    /// (-1: every task), writing into that CPU's buffer.
    ///
    /// - Returns: false when the task is gone (ESRCH).
    @discardableResult
    func openTask(_ pid: Int32, inherit: Bool) throws(TrackingError) -> Bool {
        let tracepointAttributes = tracepoints.map {
            PerfEventAttribute.syscallTracepoint(id: $0.id, inherit: inherit, wakeupBytes: options.wakeupBytes)
        }
        let first = events.count
        for (index, cpu) in cpus.enumerated() {
            let owner = buffers[index].owner
            for (position, attribute) in ([trackingAttribute] + tracepointAttributes).enumerated() {
                let event: PerfEventDescriptor
                do {
                    event = try open(attribute, pid: pid, cpu: cpu, what: position == 0 ? "a tracking event" : "a syscall tracepoint")
                } catch .noSuchProcess where pid > 0 {
                    // Gone: drop what was opened for it.
                    events.removeSubrange(first...)
                    return false
                }
                if case .failure(let errno) = event.setOutput(to: owner) {
                    throw TrackingError.system(SystemError(.control, "a perf event's output on CPU \(cpu) (SET_OUTPUT)", errno))
                }
                events.append(event)
            }
        }
        openedTasks.insert(pid)
        return true
    }

    /// Enables the events from index `first` on.
    func enable(from first: Int) throws(TrackingError) {
        for event in events[first...] {
            if case .failure(let errno) = event.enable(), errno != .noSuchProcess {
                throw TrackingError.system(SystemError(.control, "a perf event of pid \(event.pid) (ENABLE)", errno))
            }
        }
    }

    /// perf_event_open, with its refusals explained and, once, the soft
    /// descriptor limit raised when descriptors run out.
    private func open(_ attribute: PerfEventAttribute, pid: Int32, cpu: Int32, what: String) throws(TrackingError)
        -> PerfEventDescriptor
    {
        var raised = false
        while true {
            switch PerfEventDescriptor.open(attribute, pid: pid, cpu: cpu, system: system) {
            case .success(let event):
                return event
            case .failure(let errno) where errno == .tooManyOpenFiles && !raised:
                raised = true
                guard let limit = try? system.resourceLimit(.openFiles), let previous = limit.soft, previous != limit.hard,
                    (try? system.setSoftResourceLimit(.openFiles, limit.hard)) != nil
                else {
                    throw TrackingError.system(SystemError(.open, "\(what) (perf_event_open)", errno))
                }
                notices.append(.raisedDescriptorLimit(from: previous, to: limit.hard ?? .max))
            case .failure(let errno):
                throw TrackingSession.explain(errno, pid: pid, tracepoint: attribute.type == PerfEventAttribute.typeTracepoint,
                                              what: what, system: system)
            }
        }
    }

    /// The error for a refused perf_event_open, in the kernel's terms.
    static func explain(_ errno: Errno, pid: Int32, tracepoint: Bool, what: String, system: SystemCalls) -> TrackingError {
        switch errno {
        case .noSuchProcess:
            return .noSuchProcess(pid: pid)
        case .noSuchFileOrDirectory, .noFunction, .operationNotSupportedByDevice, .notSupported:
            return .denied(tracepoint ? .tracepointRefused(errno) : .perfEventsUnavailable(errno))
        case .permissionDenied, .notPermitted:
            let level = KernelSettings.perfEventParanoid(system: system)
            if tracepoint { return .denied(.tracepointRefused(errno)) }
            if pid == -1 { return .denied(.paranoid(level: level ?? 2, allowedAtOrBelow: 0)) }
            if let level, level > 2 { return .denied(.paranoid(level: level, allowedAtOrBelow: 2)) }
            return .denied(.notPermittedOnProcess(pid: pid, errno: errno))
        default:
            return .system(SystemError(.open, "\(what) on pid \(pid) (perf_event_open)", errno))
        }
    }

    /// The largest power of two not above `value` (≥ 1).
    static func powerOfTwo(atMost value: Int) -> Int {
        var power = 1
        while power <= value / 2 { power *= 2 }
        return power
    }
}
