import SystemPackage

/// Records the executable mappings of processes over time into a
/// `RecordingWriter`: one round per interval, each walking every process
/// followed, until the duration passes (with a last round at its end),
/// SIGINT or SIGTERM arrives, the -p processes are gone or the command exits.
///
///     let writer = try RecordingWriter(path: "run.data", header: .current(options: …, backend: .ioctl))
///     let recorder = try Recorder(configuration: configuration, writer: writer)
///     let outcome = try recorder.run { status in … }
///
/// Each process keeps one capture (its /proc/PID/maps descriptor) from round
/// to round; a process is told apart from a later one with its pid by its
/// start time. Rounds start at absolute deadlines on CLOCK_MONOTONIC, so the
/// interval does not drift with the time a round takes; a round's time is
/// read just before its walks.
///
/// `run` sleeps in one `EventLoop`, whose sources are the signals (SIGINT and
/// SIGTERM, and SIGCHLD with a command, blocked and read from a signalfd),
/// the round timer and the status timer: a signal is handled between two
/// rounds, never in the middle of a write, and kernel event sources join the
/// same loop. Call it from the main thread of a process that has not started
/// other threads, or block those signals in every thread first, or they end
/// the process before the recorder sees them.
public final class Recorder {
    /// What is recorded.
    public let configuration: RecorderConfiguration
    /// Where it goes.
    public let writer: RecordingWriter

    let system: SystemCalls
    let processes: ProcessDirectory
    /// Processes followed, by pid.
    var tracked: [Int32: TrackedProcess] = [:]
    /// Identities not to try again while they are listed: gone, unreadable,
    /// or exited before their first walk.
    var settled: Set<ProcessIdentity> = []
    /// -p: the processes asked for, and those of them not gone yet.
    var targetIdentities: [Int32: ProcessIdentity] = [:]
    var pendingTargets: Set<Int32> = []
    /// With a command: the command.
    var command: ChildCommand?
    var unreadableCount = 0
    /// Processes left out or no longer followed after another failure, and the first such failure.
    var failedCount = 0
    var firstFailure: ProcessFailure?
    /// What the walks met, over every capture.
    var walkStatistics = WalkStatistics()
    /// Kernel events, when configured.
    var events: RecorderEvents?
    var start: Int64 = 0
    /// With `--keep-symbols`: makes the tables of new build IDs' files.
    var symbolCollector: SymbolCollector?
    /// Build IDs whose file was handed to the collector.
    var symbolBuildIDs: Set<BuildID> = []
    /// Mappings of new build IDs not opened yet because the collector had
    /// enough open files waiting: opened between rounds as it catches up.
    var symbolCandidates: [BuildID: (pid: Int32, mapping: ExecutableMapping)] = [:]
    var symbolTablesTooLarge = 0

    /// What stores each build ID's symbol table (`record --keep-symbols`),
    /// nil to store none. The recorder opens each file mapped with a new
    /// build ID as it walks (through /proc/PID/map_files), and the maker
    /// reads it on a thread of its own; the tables go into the recording
    /// between rounds, and all of them before it finishes.
    public var symbolTableMaker: (any SymbolTableMaking)?

    /// A recorder that has not started yet.
    ///
    /// - Throws: `CaptureError.system` when /proc cannot be opened.
    public convenience init(configuration: RecorderConfiguration, writer: RecordingWriter) throws {
        try self.init(configuration: configuration, writer: writer, system: .live)
    }

    init(configuration: RecorderConfiguration, writer: RecordingWriter, system: SystemCalls) throws {
        self.configuration = configuration
        self.writer = writer
        self.system = system
        processes = try ProcessDirectory(system: system)
        // What the walks and the events met, in the file's last records frame.
        writer.recorderReportAtFinish = { [weak self] in self?.report }
    }

    /// What the recorder met so far, as the file's RECORDER_REPORT says it.
    var report: RecorderReport {
        RecorderReport(
            walks: UInt64(walkStatistics.walks), walksMeetingChanges: UInt64(walkStatistics.walksMeetingChanges),
            events: events.map { events in
                RecorderReport.Events(
                    processesFromEvents: UInt64(events.counts.processesFromEvents),
                    changesFoundByWalksOnly: UInt64(events.counts.walkFoundChanges),
                    lostRecords: events.counts.lostRecords, lostWindows: UInt64(events.counts.lostWindows))
            })
    }

    /// The status now (the writer's statistics: every round ended, whether
    /// written yet or not).
    public var status: RecorderStatus { status(statistics: writer.statistics) }

    /// The status with `statistics` for the writer's.
    func status(statistics: RecordingStatistics) -> RecorderStatus {
        var status = RecorderStatus()
        status.elapsed = start == 0 ? 0 : system.now(.monotonic) - start
        status.liveProcesses = tracked.count
        status.processesSeen = statistics.processes
        status.unreadableProcesses = unreadableCount
        status.symbolTablesTooLarge = symbolTablesTooLarge
        status.failedProcesses = failedCount
        status.firstFailure = firstFailure
        status.walks = walkStatistics
        status.statistics = statistics
        status.events = events?.counts
        return status
    }

    /// Records until the recording ends, then finishes the file (index and
    /// footer). With a command, starts it first and returns once it has
    /// exited (after forwarding SIGINT or SIGTERM to it).
    ///
    /// An error while recording (a full disk) stops it and is returned in
    /// `RecordingOutcome.failure`, after `stopped` is called with it at once,
    /// and with a command after the command has exited. The file still gets
    /// its index; the outcome's status counts what the file holds. Nothing
    /// a recorded process does stops a recording: a process that cannot be
    /// read or recorded is counted and left out.
    ///
    /// - Parameters:
    ///   - progress: called every `statusInterval` while waiting between rounds.
    ///   - stopped: called as soon as an error stops the recording.
    /// - Returns: how the recording ended.
    /// - Throws: when the recording cannot start: an invalid configuration
    ///   (`RecorderError`), a command that cannot be started, signals or
    ///   timers that cannot be set up.
    public func run(progress: ((RecorderStatus) -> Void)? = nil, stopped: ((Error) -> Void)? = nil) throws
        -> RecordingOutcome
    {
        try configuration.validateTiming()
        let commandArguments: [String]?
        if case .command(let arguments) = configuration.target { commandArguments = arguments } else { commandArguments = nil }
        let signals = try SignalDescriptor(
            commandArguments == nil ? [.interrupt, .terminate] : [.interrupt, .terminate, .childEnded], system: system)
        defer { signals.restore() }
        let loop = try EventLoop(system: system)
        let roundTimer = try DeadlineTimer(system: system)
        let statusTimer = try DeadlineTimer(system: system)

        if let commandArguments {
            if configuration.adoptsOrphans {
                do throws(Errno) {
                    try system.becomeChildSubreaper()
                } catch {
                    throw CaptureError.system(SystemError(.signal, "the recorder (PR_SET_CHILD_SUBREAPER)", error))
                }
            }
            do {
                command = try startCommand(commandArguments)
            } catch {
                // Leave a complete, empty recording rather than one without an index.
                try? writer.finish()
                throw error
            }
        }
        if case .processes(let pids) = configuration.target {
            for pid in pids {
                if let stat = processes.stat(pid: pid) { targetIdentities[pid] = stat.identity }
                pendingTargets.insert(pid)
            }
        }

        if let symbolTableMaker { symbolCollector = SymbolCollector(maker: symbolTableMaker, system: system) }
        start = system.now(.monotonic)
        let stopTime = configuration.duration.map { Recorder.adding(start, $0) }
        var ending: RecordingOutcome.Ending?
        var failure: Error?
        var roundDue = true
        var recording = true

        try loop.add(signals.descriptor) { [self] in
            for signal in signals.take() {
                if signal == .childEnded {
                    // The command or an adopted orphan ended. The command's end
                    // calls for a last round now; the round reaps.
                    if recording, command?.reap(everyChild: configuration.adoptsOrphans) == true { roundDue = true }
                } else if recording {
                    ending = .signal(signal.rawValue)
                } else {
                    command?.forward(signal)
                }
            }
        }
        try loop.add(roundTimer.descriptor) { if roundTimer.expired() { roundDue = true } }
        try startEvents(loop: loop) { roundDue = true }
        if let progress {
            try statusTimer.schedule(at: Recorder.adding(start, configuration.statusInterval))
            try loop.add(statusTimer.descriptor) { [self] in
                guard statusTimer.expired(), let deadline = statusTimer.deadline else { return }
                progress(status)
                try statusTimer.schedule(at: Recorder.nextDeadline(
                    after: deadline, every: configuration.statusInterval, now: system.now(.monotonic)))
            }
        }

        var deadline = start
        while ending == nil {
            if roundDue {
                roundDue = false
                do {
                    ending = try round()
                } catch {
                    failure = error
                    ending = .failed
                    stopped?(error)
                }
                if ending != nil { break }
                // The round at the stop time is the last.
                if let stopTime, deadline >= stopTime {
                    ending = .duration
                    break
                }
                // The next deadline on the grid start + k * interval that is
                // still ahead: rounds that took too long skip slots instead of
                // piling up. The stop time takes the place of a later one.
                deadline = Recorder.nextDeadline(after: deadline, every: configuration.interval, now: system.now(.monotonic))
                if let stopTime { deadline = min(deadline, stopTime) }
                do {
                    try roundTimer.schedule(at: deadline)
                } catch {
                    failure = error
                    ending = .failed
                    stopped?(error)
                    break
                }
            }
            do {
                try loop.wait()
            } catch {
                failure = error
                ending = .failed
                stopped?(error)
            }
        }
        recording = false
        if failure == nil, let error = finishEvents() {
            failure = error
            stopped?(error)
        }

        // The tables of --keep-symbols started or waiting, before the index
        // (an error writing them stops there, and the file still gets its index).
        if failure == nil {
            do {
                try storeAllSymbols()
            } catch {
                failure = error
                stopped?(error)
            }
        }
        // Whatever ended the recording, the file gets its index: an error in
        // the middle of a round leaves that round out (it would claim the
        // processes it had not walked yet unchanged), every round before it
        // stays, written or not.
        do {
            if failure != nil { try writer.discardRound() }
            try writer.finish()
        } catch {
            if failure == nil {
                failure = error
                stopped?(error)
            }
        }
        var commandExit: CommandExit?
        if let command {
            if case .signal(let number) = ending { command.forward(Signal(rawValue: number)) }
            // Wait for it, forwarding SIGINT and SIGTERM; a second's timeout
            // also covers a SIGCHLD taken by another thread.
            while !command.reap(everyChild: configuration.adoptsOrphans) {
                if (try? loop.wait(milliseconds: 1000)) == nil { break }
            }
            commandExit = command.exit
        }
        // What the file holds, which after a failure may be less than was recorded.
        return RecordingOutcome(
            ending: ending ?? .failed, commandExit: commandExit, status: status(statistics: writer.statisticsInFile),
            failure: failure)
    }

    /// The first deadline on the grid `previous + k * interval` (k ≥ 1) after
    /// `now`, or just `previous + interval` if that is still ahead; never
    /// past `Int64.max`.
    static func nextDeadline(after previous: Int64, every interval: Int64, now: Int64) -> Int64 {
        let next = adding(previous, interval)
        guard next <= now else { return next }
        let skipped = (now - next) / interval + 1
        let (span, overflow) = skipped.multipliedReportingOverflow(by: interval)
        return overflow ? Int64.max : adding(next, span)
    }

    /// `time + span`, or `Int64.max` when that does not fit.
    static func adding(_ time: Int64, _ span: Int64) -> Int64 {
        let (sum, overflow) = time.addingReportingOverflow(span)
        return overflow ? Int64.max : sum
    }
}
