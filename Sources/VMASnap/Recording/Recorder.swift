#if canImport(Glibc)
import Glibc
#endif

/// Records the executable mappings of processes over time into a
/// `RecordingWriter`: one round per interval, each walking every process
/// followed, until the duration passes, SIGINT or SIGTERM arrives, the -p
/// processes are gone or the command exits.
///
///     let writer = try RecordingWriter(fd: file.descriptor, header: header)
///     let recorder = try Recorder(configuration: configuration, writer: writer)
///     let outcome = try recorder.run { status in … }
///
/// Each process keeps one capture (its /proc/PID/maps descriptor) from round
/// to round; a process is told apart from a later one with its pid by its
/// start time. Rounds start at absolute deadlines on CLOCK_MONOTONIC, so the
/// interval does not drift with the time a round takes; a round's time is
/// read just before its walks.
///
/// `run` blocks SIGINT and SIGTERM (and SIGCHLD with a command) in the calling
/// thread and waits for them between rounds, so a signal is handled between
/// two rounds, never in the middle of a write. Call it from the main thread of
/// a process that has not started other threads, or block those signals in
/// every thread first, or they end the process before the recorder sees them.
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
    var start: Int64 = 0

    /// A recorder that has not started yet.
    public convenience init(configuration: RecorderConfiguration, writer: RecordingWriter) throws {
        try self.init(configuration: configuration, writer: writer, system: .live)
    }

    init(configuration: RecorderConfiguration, writer: RecordingWriter, system: SystemCalls) throws {
        self.configuration = configuration
        self.writer = writer
        self.system = system
        processes = try ProcessDirectory(system: system)
    }

    /// The status now.
    public var status: RecorderStatus {
        var status = RecorderStatus()
        status.elapsed = start == 0 ? 0 : MonotonicClock.now() - start
        status.liveProcesses = tracked.count
        status.processesSeen = writer.statistics.processes
        status.unreadableProcesses = unreadableCount
        status.statistics = writer.statistics
        return status
    }

    /// Records until the recording ends, then finishes the file (index and
    /// footer). With a command, starts it first and returns once it has
    /// exited (after forwarding SIGINT or SIGTERM to it).
    ///
    /// Throws when the recording cannot start (the command cannot be
    /// started); an error while recording (a full disk) stops it and is
    /// returned in `RecordingOutcome.failure`, after `stopped` is called with
    /// it at once, and with a command after the command has exited.
    ///
    /// - Parameters:
    ///   - progress: called every `statusInterval` while waiting between rounds.
    ///   - stopped: called as soon as an error stops the recording.
    public func run(progress: ((RecorderStatus) -> Void)? = nil, stopped: ((Error) -> Void)? = nil) throws
        -> RecordingOutcome
    {
        let commandArguments: [String]?
        if case .command(let arguments) = configuration.target { commandArguments = arguments } else { commandArguments = nil }
        let signals = try BlockedSignals(
            commandArguments == nil ? [SIGINT, SIGTERM] : [SIGINT, SIGTERM, SIGCHLD], system: system)
        defer { signals.restore() }

        if let commandArguments {
            if configuration.adoptsOrphans {
                if case .failure(let errno) = valueOrErrno({ system.setChildSubreaper(1) }) {
                    throw CaptureError.system(SystemError(.signal, "the recorder (PR_SET_CHILD_SUBREAPER)", errno))
                }
            }
            do {
                command = try ChildCommand(commandArguments, system: system)
            } catch {
                // Leave a complete, empty recording rather than one without an index.
                try? writer.finish()
                throw error
            }
        }
        if case .processes(let pids) = configuration.target {
            for pid in pids {
                if let entry = processes.entry(pid: pid) { targetIdentities[pid] = entry.identity }
                pendingTargets.insert(pid)
            }
        }

        start = MonotonicClock.now()
        let stopTime = configuration.duration.map { start + $0 }
        var deadline = start
        var nextStatus = start + configuration.statusInterval
        var ending: RecordingOutcome.Ending?
        var failure: Error?

        recording: while true {
            do {
                ending = try round()
            } catch {
                failure = error
                ending = .failed
                stopped?(error)
            }
            if ending != nil { break }

            // The next deadline on the grid start + k * interval that is still
            // ahead: rounds that took too long skip slots instead of piling up.
            let now = MonotonicClock.now()
            deadline += configuration.interval
            if deadline <= now { deadline += ((now - deadline) / configuration.interval + 1) * configuration.interval }
            if let stopTime, deadline >= stopTime { deadline = stopTime }
            while true {
                let wake = progress == nil ? deadline : min(deadline, nextStatus)
                if let signal = signals.wait(until: wake) {
                    // SIGCHLD: the command or an adopted orphan ended. The
                    // command's end calls for a last round now; the round reaps.
                    if signal != SIGCHLD {
                        ending = .signal(signal)
                        break recording
                    }
                    if command?.reap(everyChild: configuration.adoptsOrphans) == true { break }
                    continue
                }
                let now = MonotonicClock.now()
                if let progress, now >= nextStatus {
                    progress(status)
                    nextStatus += ((now - nextStatus) / configuration.statusInterval + 1) * configuration.statusInterval
                }
                if now >= deadline { break }
            }
            if let stopTime, MonotonicClock.now() >= stopTime, command?.exit == nil {
                ending = .duration
                break
            }
        }

        if failure == nil {
            do {
                try writer.finish()
            } catch {
                failure = error
                stopped?(error)
            }
        }
        var commandExit: CommandExit?
        if let command {
            if case .signal(let signal) = ending { command.forward(signal) }
            commandExit = waitForCommand(command, signals: signals)
        }
        return RecordingOutcome(ending: ending ?? .failed, commandExit: commandExit, status: status, failure: failure)
    }

    /// Waits for the command to exit, forwarding SIGINT and SIGTERM to it.
    private func waitForCommand(_ command: ChildCommand, signals: BlockedSignals) -> CommandExit {
        while !command.reap(everyChild: configuration.adoptsOrphans) {
            // A second's timeout also covers a SIGCHLD taken by another thread.
            if let signal = signals.wait(until: MonotonicClock.now() + 1_000_000_000), signal != SIGCHLD {
                command.forward(signal)
            }
        }
        return command.exit!
    }
}
