import SystemPackage

/// The kernel's tracking events for a target, read from per-CPU ring
/// buffers and handed on as one time-ordered stream of `TrackingEvent`s.
///
///     let command = try GatedCommand(["make", "-j2"])
///     let session = try TrackingSession(target: .command(pid: command.pid))
///     try command.release()
///     // In the event loop: watch session.pollDescriptors for input, wake
///     // also every few milliseconds (records below the wakeup watermark) and
///     // at session.nextFinalityTime, and each time:
///     for event in session.drain() { … }
///     // At the end, once the command is reaped:
///     for event in session.finish() { … }
///
/// Opening: one buffer per online CPU, owned by a dummy event on the
/// tracker itself (so that it never hangs up); on each CPU, a tracking event
/// per traced task (the command; each thread of a -p process; every task,
/// for -a) and, with `options.syscalls`, one per syscall tracepoint, all
/// writing into that CPU's buffer (PERF_EVENT_IOC_SET_OUTPUT). Events are
/// opened disabled and enabled together once every output is set.
///
/// Not thread-safe: one thread reads a session.
public final class TrackingSession {
    /// What is tracked.
    public let target: TrackingTarget
    /// How.
    public let options: TrackingOptions
    /// What was done differently from what was asked (smaller buffers, …).
    public internal(set) var notices: [TrackingNotice] = []
    /// Counts of what was opened and read.
    public var statistics: TrackingStatistics {
        var statistics = counts
        statistics.descriptors = buffers.count + events.count
        statistics.buffers = buffers.count
        statistics.bufferBytes = buffers.map(\.dataSize).min() ?? 0
        statistics.undecodable = decoder.undecodable + buffers.reduce(0) { $0 + $1.damagedReads }
        statistics.lateRecords = merger.lateRecords
        statistics.failedSyscalls = matcher.failed
        statistics.unmatchedSyscallExits = matcher.unmatchedExits
        statistics.abandonedSyscallEntries = matcher.abandonedEntries
        return statistics
    }

    let system: SystemCalls
    let cpus: [Int32]
    let pageSize: Int
    let tracepoints: [SyscallTracepoint]
    let trackingAttribute: PerfEventAttribute
    var buffers: [PerfRingBuffer] = []
    var events: [PerfEventDescriptor] = []
    /// The tasks that have events of their own (not only inherited ones).
    var openedTasks: Set<Int32> = []
    var decoder: TrackingRecordDecoder
    var merger: EventMerger
    var matcher = SyscallMatcher()
    var threads = ThreadTable()
    var counts = TrackingStatistics()
    /// While -p events are being opened: threads whose creation the buffers
    /// reported (their events are inherited).
    var forkedDuringSetup: Set<Int32>?
    /// The time of the last record read from each buffer (the session's start before any).
    private lazy var lastRecordTimes: [Int64] = Array(repeating: startTime, count: buffers.count)
    private let startTime: Int64

    /// Opens tracking events for `target`.
    ///
    /// For `.command`, open the session before releasing the command; for
    /// `.processes`, threads that end while the events are being opened are
    /// skipped (see `notices`).
    ///
    /// - Throws: `TrackingError.denied` with the reason when the kernel
    ///   refuses the events (see `TrackingPermissions.probe` to ask first),
    ///   `.noSuchProcess` for a target that is gone, `.system` otherwise.
    public convenience init(target: TrackingTarget, options: TrackingOptions = TrackingOptions()) throws(TrackingError) {
        try self.init(target: target, options: options, system: .live)
    }

    init(target: TrackingTarget, options: TrackingOptions, system: SystemCalls) throws(TrackingError) {
        self.target = target
        self.options = options
        self.system = system
        startTime = system.now(.monotonic)
        cpus = OnlineCPUs.list(system: system)
        pageSize = system.pageSize()
        if options.syscalls {
            do {
                tracepoints = try Tracefs.syscallTracepoints(system: system)
            } catch {
                throw TrackingError.denied(error)
            }
        } else {
            tracepoints = []
        }
        let perTask = target != .systemWide
        trackingAttribute = .tracking(inherit: perTask, buildIDs: options.buildIDs, wakeupBytes: options.wakeupBytes)
        decoder = TrackingRecordDecoder(
            tracking: trackingAttribute,
            tracepoint: .syscallTracepoint(id: 0, inherit: perTask, wakeupBytes: options.wakeupBytes),
            tracepoints: tracepoints)
        merger = EventMerger(buffers: cpus.count)
        try openBuffers()
        try openTarget()
    }

    /// The descriptors to watch for input (one per ring buffer): readable
    /// once `options.wakeupBytes` more have been written since the last
    /// wakeup (the kernel reports each wakeup once: with epoll they behave as
    /// edge-triggered, so drain everything each time). They never hang up:
    /// the end of a traced process is a `processExited` event.
    public var pollDescriptors: [Int32] { buffers.map(\.owner.descriptor.rawValue) }

    /// `pollDescriptors` as swift-system's descriptors, for the recorder's event loop.
    var bufferDescriptors: [FileDescriptor] { buffers.map(\.owner.descriptor) }

    /// The data bytes of the smallest buffer (0 when there is none).
    var smallestBufferBytes: Int { buffers.map(\.dataSize).min() ?? 0 }

    /// How full the fullest buffer was when it was last read, as a share of
    /// its size (0 to 1): what a reader paces its reads by, so that no
    /// buffer fills up between two of them.
    private(set) var largestFill = 0.0

    /// When to drain again to get the records still waiting for finality
    /// (CLOCK_MONOTONIC nanoseconds), nil when none waits. A recorder arms a
    /// timer for it, so that the last records of a burst do not wait for the
    /// next wakeup.
    public var nextFinalityTime: Int64? {
        merger.oldestPending.map { $0 + options.finalityMargin + 1 }
    }

    /// Reads every buffer and returns, in time order, the events that have
    /// become final: older than the moment every buffer was last read, less
    /// the margin. Newer ones wait for a later call.
    public func drain() -> [TrackingEvent] {
        readBuffers()
        return take(before: merger.readHorizon - options.finalityMargin)
    }

    /// Reads every buffer and returns every event still waiting, in time
    /// order: at the end, once nothing traced runs any more (or the
    /// recording stops).
    public func finish() -> [TrackingEvent] {
        readBuffers()
        return take(before: .max)
    }

    /// Waits until a buffer has input or `milliseconds` pass (-1: no limit),
    /// for callers without an event loop of their own (tests, benchmarks).
    ///
    /// - Returns: whether a buffer has input.
    @discardableResult
    public func wait(milliseconds: Int32) -> Bool {
        ((try? system.pollInput(bufferDescriptors, milliseconds)) ?? 0) > 0
    }

    /// The largest record a session's events write: an MMAP2 of a PATH_MAX
    /// path with its trailer.
    static let largestRecord = 4096 + 128

    /// Moves every record waiting in the buffers to the merger.
    func readBuffers() {
        // A local decoder: no exclusivity checks on the session per record.
        var decoder = self.decoder
        var largestFill = 0.0
        for (index, buffer) in buffers.enumerated() {
            let readTime = system.now(.monotonic)
            let cpu = buffer.owner.cpu
            var lastTime = lastRecordTimes[index]
            var read = 0
            // The kernel drops a record that does not fit. While the buffer
            // holds no more than its size less the largest record (a long
            // path's MMAP2), nothing can have been dropped: past that point,
            // records may have been, though the kernel says so (a LOST record)
            // only once the buffer takes a record again (see `LostRecords`).
            let safeFill = buffer.dataSize - TrackingSession.largestRecord
            var filled = 0
            var safeTime = lastTime
            merger.read(buffer: index, readTime: readTime) { queue in
                let first = queue.count
                // Room for a burst at once (records are 40 bytes at least,
                // MMAP2 ones about 120), growing geometrically.
                let needed = first + buffer.waitingBytes / 64
                if needed > queue.capacity { queue.reserveCapacity(max(needed, 2 * queue.capacity)) }
                read = buffer.read { record in
                    filled += record.count
                    guard let decoded = decoder.decode(record, cpu: cpu, lastTime: lastTime) else { return }
                    lastTime = decoded.time
                    if filled <= safeFill { safeTime = decoded.time }
                    queue.append(decoded)
                }
                if filled > safeFill {
                    queue.append(TimedRecord(time: max(readTime, lastTime), cpu: cpu, body: .event(.lost(
                        LostRecords(count: nil, cpu: cpu, eventID: 0, since: safeTime)))))
                }
                if forkedDuringSetup != nil {
                    for record in queue[first...] {
                        if case .event(.threadCreated(let task)) = record.body { forkedDuringSetup!.insert(task.tid) }
                        if case .event(.processCreated(let task)) = record.body { forkedDuringSetup!.insert(task.tid) }
                    }
                }
            }
            counts.records += read
            lastRecordTimes[index] = lastTime
            largestFill = max(largestFill, Double(filled) / Double(max(buffer.dataSize, 1)))
        }
        self.decoder = decoder
        self.largestFill = largestFill
    }

    /// The merged records older than `limit`, as events: syscalls matched,
    /// process exits found.
    private func take(before limit: Int64) -> [TrackingEvent] {
        var output: [TrackingEvent] = []
        output.reserveCapacity(merger.pendingCount)
        merger.take(before: limit) { record in
            switch record.body {
            case .event(let kind):
                switch kind {
                case .processCreated(let task), .threadCreated(let task):
                    threads.created(pid: task.pid, tid: task.tid)
                case .exec(let comm):
                    threads.exec(pid: comm.pid)
                case .lost(let lost):
                    if let count = lost.count { counts.lostRecords += count } else { counts.fullBuffers += 1 }
                    counts.lostWindows += 1
                default:
                    break
                }
                output.append(TrackingEvent(time: record.time, cpu: record.cpu, kind: kind))
                if case .threadExited(let task) = kind {
                    matcher.threadExited(tid: task.tid)
                    if threads.exited(pid: task.pid, tid: task.tid) {
                        output.append(TrackingEvent(time: record.time, cpu: record.cpu, kind: .processExited(pid: task.pid)))
                    }
                }
            case .syscallEntry(_, let tid, let call, let arguments):
                matcher.enter(tid: tid, call: call, arguments: arguments, time: record.time)
            case .syscallExit(let pid, let tid, let call, let result):
                if let syscall = matcher.exit(pid: pid, tid: tid, call: call, result: result) {
                    output.append(TrackingEvent(time: record.time, cpu: record.cpu, kind: .syscall(syscall)))
                }
            }
        }
        counts.events += output.count
        return output
    }
}
