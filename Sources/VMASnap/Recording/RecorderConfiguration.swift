/// What to record, how often and for how long.
public struct RecorderConfiguration: Hashable, Sendable {
    /// The processes to follow.
    public var target: RecordingTarget
    /// Nanoseconds between the starts of two rounds: the one given, else
    /// `defaultInterval(for:events:)` of the target and of whether
    /// `tracking` is set (so that it follows a later choice of events).
    public var interval: Int64 {
        get { chosenInterval ?? RecorderConfiguration.defaultInterval(for: target, events: tracking != nil) }
        set { chosenInterval = newValue }
    }
    /// The interval given; nil for the default.
    private var chosenInterval: Int64?
    /// Nanoseconds after which the recording ends by itself; nil for no limit.
    public var duration: Int64?
    /// How mappings are read (resolved: the header records it).
    public var backend: CaptureBackend
    /// Nanoseconds between two status reports to `Recorder.run`'s callback.
    public var statusInterval: Int64 = 250_000_000
    /// With a command: make this process a child subreaper, so that orphaned
    /// descendants are reparented to it and stay in the tree, and reap every
    /// child it has. Meant for a process that exists to record one command
    /// (the CLI); a program with other children of its own sets it to false,
    /// and then follows only descendants it has seen the parents of.
    public var adoptsOrphans: Bool = true
    /// Kernel tracking events (issue 12) beside the walks, and how; nil for
    /// none. See `TrackingPermissions.probe` for what the kernel allows.
    public var tracking: TrackingOptions?

    /// The shortest interval accepted: shorter is a busy loop, not sampling.
    public static let minimumInterval: Int64 = 1_000_000

    /// A configuration; `interval` nil means the default
    /// (`defaultInterval(for:events:)`).
    public init(target: RecordingTarget, interval: Int64? = nil, duration: Int64? = nil, backend: CaptureBackend) {
        self.target = target
        self.chosenInterval = interval
        self.duration = duration
        self.backend = backend
    }

    /// The interval when none is given: 1 s with -a (a round walks every
    /// process) or with kernel events (the walk is then a safety net: events
    /// report every new process and mmap, and a walk costs as much as at
    /// 100 ms without them; BENCHMARKS.md, issue 12), else 100 ms.
    ///
    /// - Parameters:
    ///   - target: what is recorded.
    ///   - events: whether kernel tracking events run beside the walks.
    /// - Returns: nanoseconds between the starts of two rounds.
    public static func defaultInterval(for target: RecordingTarget, events: Bool = false) -> Int64 {
        switch target {
        case .allProcesses: return 1_000_000_000
        case .processes, .command: return events ? 1_000_000_000 : 100_000_000
        }
    }

    /// Checks what can be checked before a file is created: the interval and
    /// duration, and that every -p process exists and its mappings can be
    /// read (an error here is the same as the one a capture gives).
    ///
    /// - Throws: `RecorderError` for an interval, duration or command that
    ///   cannot be recorded; `CaptureError` when a -p process cannot be read.
    public func validate() throws {
        try validateTiming()
        switch target {
        case .processes(let pids):
            for pid in pids {
                do {
                    _ = try MappingCaptures.open(pid: pid, backend: BackendChoice(backend)).capture()
                } catch CaptureError.noSuchProcess, CaptureError.processExited {
                    throw RecorderError.noSuchProcess(pid: pid)
                }
            }
        case .command, .allProcesses:
            break
        }
    }

    /// The checks `Recorder.run` makes itself: an interval and a duration it
    /// can count with (no division by zero, no overflow), a command to start
    /// or processes to follow, a status interval.
    func validateTiming() throws {
        guard interval >= RecorderConfiguration.minimumInterval else {
            throw RecorderError.intervalTooShort(nanoseconds: interval)
        }
        guard interval <= DurationText.maximum else { throw RecorderError.tooLong(nanoseconds: interval) }
        if let duration {
            guard duration > 0 else { throw RecorderError.durationNotPositive(nanoseconds: duration) }
            guard duration <= DurationText.maximum else { throw RecorderError.tooLong(nanoseconds: duration) }
        }
        guard statusInterval > 0, statusInterval <= DurationText.maximum else {
            throw RecorderError.intervalTooShort(nanoseconds: statusInterval)
        }
        switch target {
        case .command(let arguments):
            if arguments.first?.isEmpty ?? true {
                throw RecorderError.cannotStart(command: "", errno: .noSuchFileOrDirectory)
            }
        case .processes(let pids):
            guard !pids.isEmpty else { throw RecorderError.noProcesses }
            if let invalid = pids.first(where: { $0 <= 0 }) { throw RecorderError.invalidProcessID(invalid) }
        case .allProcesses:
            break
        }
    }
}

extension BackendChoice {
    /// The choice that names exactly `backend`.
    init(_ backend: CaptureBackend) {
        switch backend {
        case .ioctl: self = .ioctl
        case .text: self = .text
        }
    }
}
