/// The rules that give the records of a recording their meaning (Formats/
/// vmasnap.md §3), applied to records in file order: the one place that
/// dates a record (its round's time plus its delay), keeps times in order,
/// counts rounds, definitions and snapshots, follows each process from its
/// first KEYFRAME to its GONE, and applies a DELTA.
///
/// The index builder (and so the writer and a reader's scan), the reader's
/// history and state replays and its record iterator all read records
/// through one, so that each rule, and each fix to one, lives here alone.
/// Times are nanoseconds after the header's start.
struct RecordReplay {
    /// Which records a replay is given.
    enum Scope: Hashable, Sendable {
        /// Every record from the first frame on: every rule is checked.
        case everything
        /// The rounds and the records of one process only (as
        /// a `FrameDigest` gives them), starting at the
        /// frame of its PROCESS record, or, when `resumingLive`, at a frame
        /// in which it is live: its records there before its first KEYFRAME
        /// are skipped (§5), since the mappings they change are not known.
        case process(Int, resumingLive: Bool)
    }

    /// Numbers defined so far (or, for a replay of one process, all the
    /// recording defines: the bounds its references are checked against).
    struct DefinitionCounts: Hashable, Sendable {
        var paths = 0
        var buildIDs = 0
        var files = 0
        var processes = 0
    }

    /// What the replay knows of one process.
    struct ProcessState: Hashable, Sendable {
        /// The round (numbered from the replay's first, 0 up) of its first KEYFRAME.
        var liveSince: UInt64?
        /// The time of its first KEYFRAME.
        var firstTime: UInt64?
        /// The round of its last KEYFRAME or DELTA.
        var lastSnapshotRound: UInt64?
        /// Its snapshots so far (§3.2), unchanged ones included, counted up
        /// to the last record of it or the last `finish()`.
        var snapshots: UInt64 = 0
        /// The time of the last of them: a KEYFRAME's or DELTA's own time,
        /// the round's time for an unchanged one.
        var lastSnapshotTime: UInt64 = 0
        /// When it was found gone.
        var goneTime: UInt64?
        /// Its mappings after its last KEYFRAME (or FORK) and DELTAs (when the replay keeps them).
        var mappings: [StoredMapping]?
        /// The depth of its set (§3.3.1): 0 after a KEYFRAME, its FORK's
        /// depth after that (`.everything` only: a replay of one process
        /// does not see the parent's).
        var forkDepth = 0
        /// Whether its PROCESS record was met (or it was defined before a resumed replay).
        fileprivate(set) var isDefined = false
        /// The rounds `snapshots` has counted: those before this one.
        fileprivate var countedRounds: UInt64 = 0
        /// Resumed in mid-recording and no KEYFRAME seen yet.
        fileprivate var awaitingKeyframe = false

        /// Whether it has had a KEYFRAME and is not gone: each round confirms it.
        var isLive: Bool { liveSince != nil && goneTime == nil }
    }

    /// A record and what the replay made of it.
    struct Step {
        var record: Record
        /// KEYFRAME, DELTA, GONE, FORK: the record's time (its round's plus its
        /// delay); ROUND: its time; QUIET, LOST: its first time; others: nil.
        var time: UInt64?
        /// PATH, BUILD_ID, FILE, PROCESS: the number it defines.
        var number: Int?
        /// A record of a resumed process before its first KEYFRAME: not applied.
        var skipped = false
        /// Where the record starts in its frame's decoded payload, when
        /// the reader that gave it says (a FORK's position is what its
        /// child's set is taken at: §5.2).
        var recordStart: Int?

        /// Whether this KEYFRAME or DELTA dates its change exactly (§3.3,
        /// §3.7): it says a kernel event dated it and its time is in none of
        /// `lossWindows` (the recording's LOST windows). Then the process's
        /// previous set was in effect until this record's time, and the new
        /// one from it: the gap between the last confirmation of the old set
        /// and this change closes. Otherwise (a walk found it, or events may
        /// be missing then) the change lies somewhere in that gap. The one
        /// place this rule lives; every reader of epochs asks here.
        func datesChangeExactly(lossWindows: [LossWindow]) -> Bool {
            guard !skipped, let time else { return false }
            switch record {
            case .keyframe(_, _, _, true), .delta(_, _, _, _, true), .fork:
                return !LossWindow.contains(lossWindows, time)
            default:
                return false
            }
        }
    }

    let scope: Scope
    /// The largest relative time whose absolute time fits an Int64.
    let timeLimit: UInt64
    /// Whether processes' mappings are followed (and every DELTA checked against them).
    let keepsMappings: Bool

    /// Definitions seen so far (`.everything`), or the bounds of a replay of one process.
    private(set) var counts: DefinitionCounts
    /// Rounds closed so far.
    private(set) var closedRounds: UInt64 = 0
    /// The time of the last closed round (the last time of a QUIET).
    private(set) var lastClosedTime: UInt64 = 0
    /// The time of the open round, if one is open.
    private(set) var openRound: UInt64?
    /// The first round's time, once a round was met.
    private(set) var firstRoundTime: UInt64?
    /// The latest time of a record with a delay: no round may begin before it.
    private var latestRecordTime: UInt64 = 0
    /// By process number (`.everything`), or the one process's at index 0.
    private var states: [ProcessState] = []
    /// `.process`: whether its PROCESS record was met.
    private var metProcessRecord = false

    /// A replay of a recording whose header starts at `start`.
    /// - Parameters:
    ///   - start: the header's start (absolute nanoseconds on its clock).
    ///   - scope: which records it is given.
    ///   - definitions: for a replay of one process, what the whole recording defines.
    ///   - keepsMappings: whether to follow mappings (KEYFRAME sets them, DELTA applies to them).
    init(start: Int64, scope: Scope = .everything, definitions: DefinitionCounts = DefinitionCounts(),
         keepsMappings: Bool = true)
    {
        timeLimit = UInt64(Int64.max - max(start, 0))
        self.scope = scope
        self.keepsMappings = keepsMappings
        switch scope {
        case .everything:
            counts = DefinitionCounts()
        case .process(_, let resumingLive):
            counts = definitions
            var state = ProcessState()
            if resumingLive {
                state.isDefined = true
                state.liveSince = 0
                state.awaitingKeyframe = true
            }
            states = [state]
        }
    }

    /// What is known of process `number` (nil: not defined yet, or not the replayed one).
    func state(of number: Int) -> ProcessState? {
        guard let position = position(of: number), position < states.count else { return nil }
        return states[position]
    }

    /// The processes defined so far, by number (`.everything`).
    var processStates: [ProcessState] { states }

    /// Ends a frame: a frame never splits a round, so its open round closes.
    mutating func endFrame() { closeRound() }

    /// Ends the records: closes the open round and counts, for every live
    /// process, the rounds that confirmed it since its last record.
    mutating func finish() {
        closeRound()
        for position in states.indices { catchUp(position) }
    }

    /// Takes the next record; throws the rule it breaks (a `FormatError.Reason`).
    /// A replay of one process that keeps mappings is given, with its
    /// process's FORK, the parent's set at the FORK (§5.2), which it cannot
    /// see; a replay of everything has it.
    mutating func take(_ record: Record, forkedMappings: [StoredMapping]? = nil) throws -> Step {
        var step = Step(record: record)
        switch record {
        case .path:
            step.number = define(\.paths)
        case .buildID:
            step.number = define(\.buildIDs)
        case .file(let file):
            try check(file.path, below: counts.paths, "path number")
            if let buildID = file.buildID { try check(buildID, below: counts.buildIDs, "build ID number") }
            step.number = define(\.files)
        case .process(let process):
            if let executable = process.executable { try check(executable, below: counts.paths, "path number") }
            switch scope {
            case .everything:
                guard process.number == counts.processes else {
                    throw FormatError.Reason.invalid(
                        "process number \(process.number) out of sequence (expected \(counts.processes))")
                }
                var state = ProcessState()
                state.isDefined = true
                states.append(state)
                step.number = define(\.processes)
            case .process(let number, _):
                // Resumed, its PROCESS record may still be in the first frame.
                guard process.number == number, !metProcessRecord else {
                    throw FormatError.Reason.invalid("process \(process.number) is defined twice")
                }
                metProcessRecord = true
                states[0].isDefined = true
                step.number = number
            }
        case .exec(let process, let executable, _):
            let position = try defined(process)
            if let executable { try check(executable, below: counts.paths, "path number") }
            guard states[position].goneTime == nil else {
                throw FormatError.Reason.invalid("an exec of process \(process) after it is gone")
            }
        case .symbols(let buildID, _, _):
            // A stored table belongs to no round; its build ID is defined before it.
            try check(buildID, below: counts.buildIDs, "build ID number")
        case .perfClock(_, let recordingTime, _):
            // A measurement belongs to no round and confirms nothing.
            guard recordingTime <= timeLimit else {
                throw FormatError.Reason.tooLarge("a perf clock's recording time", value: recordingTime, limit: timeLimit)
            }
        case .recorderReport:
            // The recorder's counts belong to no round and confirm nothing.
            break
        case .lost(let first, let last):
            // A loss window belongs to no round and confirms nothing; events
            // are read late, so it may date before the last round (§3.7).
            guard last <= timeLimit else { throw FormatError.Reason.tooLarge("a lost window's last time", value: last, limit: timeLimit) }
            step.time = first
        case .round(let time):
            closeRound()
            try checkRoundStart(time)
            guard closedRounds < FormatConstants.maximumRounds else {
                throw FormatError.Reason.tooLarge("round count", value: closedRounds + 1, limit: FormatConstants.maximumRounds)
            }
            openRound = time
            if firstRoundTime == nil { firstRoundTime = time }
            step.time = time
        case .quiet(let count, let first, let last):
            closeRound()
            try checkRoundStart(first)
            guard last <= timeLimit else { throw FormatError.Reason.tooLarge("time", value: last, limit: timeLimit) }
            guard last >= first else { throw FormatError.Reason.invalid("a quiet run ends before it begins") }
            guard count <= FormatConstants.maximumRounds - closedRounds else {
                throw FormatError.Reason.tooLarge("round count", value: count, limit: FormatConstants.maximumRounds)
            }
            closedRounds += count
            lastClosedTime = last
            if firstRoundTime == nil { firstRoundTime = first }
            step.time = first
        case .keyframe(let process, let mappings, let delay, _):
            let time = try recordTime("a keyframe", delay: delay)
            let position = try defined(process)
            try checkFiles(mappings)
            guard states[position].goneTime == nil else {
                throw FormatError.Reason.invalid("a keyframe of process \(process) after it is gone")
            }
            try snapshot(position, process: process, time: time)
            states[position].awaitingKeyframe = false
            if states[position].firstTime == nil {
                states[position].liveSince = closedRounds
                states[position].firstTime = time
            }
            if keepsMappings { states[position].mappings = mappings }
            states[position].forkDepth = 0
            step.time = time
        case .fork(let process, let parent, let delay):
            let time = try recordTime("a fork", delay: delay)
            let position = try defined(process)
            guard parent != process else { throw FormatError.Reason.invalid("process \(process) is forked from itself") }
            try check(parent, below: counts.processes, "process number")
            guard states[position].goneTime == nil else {
                throw FormatError.Reason.invalid("a fork of process \(process) after it is gone")
            }
            guard states[position].firstTime == nil, states[position].lastSnapshotRound == nil else {
                throw FormatError.Reason.invalid("a fork of process \(process), which has a snapshot already")
            }
            var depth = 1
            var inherited = forkedMappings
            if case .everything = scope {
                let source = states[parent]
                guard source.isLive else {
                    throw FormatError.Reason.invalid(
                        "a fork of process \(process) from process \(parent), which has no snapshot before it or is gone")
                }
                depth = source.forkDepth + 1
                guard depth <= FormatConstants.maximumForkDepth else {
                    throw FormatError.Reason.tooLarge(
                        "a fork's depth", value: UInt64(depth), limit: UInt64(FormatConstants.maximumForkDepth))
                }
                inherited = source.mappings
            }
            try snapshot(position, process: process, time: time)
            states[position].awaitingKeyframe = false
            states[position].liveSince = closedRounds
            states[position].firstTime = time
            states[position].forkDepth = depth
            if keepsMappings { states[position].mappings = inherited }
            step.time = time
        case .delta(let process, let removed, let added, let delay, _):
            let time = try recordTime("a delta", delay: delay)
            let position = try defined(process)
            try checkFiles(added)
            guard states[position].isLive else {
                throw FormatError.Reason.invalid("a delta of process \(process), which has no live keyframe")
            }
            step.time = time
            if states[position].awaitingKeyframe {
                step.skipped = true
                return step
            }
            try snapshot(position, process: process, time: time)
            if keepsMappings {
                states[position].mappings = try StoredMapping.applying(
                    removed: removed, added: added, to: states[position].mappings ?? [])
            }
        case .gone(let process, _, let delay):
            let time = try recordTime("a process gone", delay: delay)
            let position = try defined(process)
            guard states[position].goneTime == nil else {
                throw FormatError.Reason.invalid("process \(process) is gone twice")
            }
            catchUp(position)
            states[position].goneTime = time
            step.time = time
        case .unknown:
            break
        }
        return step
    }

    // MARK: Rules

    private mutating func define(_ count: WritableKeyPath<DefinitionCounts, Int>) -> Int {
        defer { counts[keyPath: count] += 1 }
        return counts[keyPath: count]
    }

    private func check(_ number: Int, below count: Int, _ what: String) throws {
        guard number < count else { throw FormatError.Reason.undefined(what, number: UInt64(number)) }
    }

    private func checkFiles(_ mappings: [StoredMapping]) throws {
        for mapping in mappings where mapping.file >= counts.files {
            throw FormatError.Reason.undefined("file number", number: UInt64(mapping.file))
        }
    }

    private func position(of process: Int) -> Int? {
        switch scope {
        case .everything: return process >= 0 ? process : nil
        case .process(let number, _): return process == number ? 0 : nil
        }
    }

    /// The position of a process that records may refer to: defined before.
    private func defined(_ process: Int) throws -> Int {
        guard let position = position(of: process), position < states.count, states[position].isDefined else {
            throw FormatError.Reason.undefined("process number", number: UInt64(max(process, 0)))
        }
        return position
    }

    /// A round (or a QUIET) begins: not before the last round, nor before
    /// any walk of an earlier round (a round's walks end before the next
    /// begins), and within the file's time range.
    private func checkRoundStart(_ time: UInt64) throws {
        guard time <= timeLimit else { throw FormatError.Reason.tooLarge("time", value: time, limit: timeLimit) }
        let earliest = max(lastClosedTime, latestRecordTime)
        guard time >= earliest else {
            throw FormatError.Reason.invalid("a round at \(time) ns goes back before \(earliest) ns (an earlier round or walk)")
        }
    }

    /// The time of a KEYFRAME, DELTA or GONE of the open round: the round's
    /// time plus its delay, within the file's time range.
    private mutating func recordTime(_ what: String, delay: UInt64) throws -> UInt64 {
        guard let round = openRound else { throw FormatError.Reason.invalid("\(what) outside a round") }
        let (time, overflow) = round.addingReportingOverflow(delay)
        guard !overflow, time <= timeLimit else {
            throw FormatError.Reason.invalid("\(what) \(delay) ns after its round, past the end of time")
        }
        latestRecordTime = max(latestRecordTime, time)
        return time
    }

    /// A KEYFRAME or DELTA of the process at `position` in the open round.
    private mutating func snapshot(_ position: Int, process: Int, time: UInt64) throws {
        guard states[position].lastSnapshotRound != closedRounds else {
            throw FormatError.Reason.invalid("two snapshots of process \(process) in one round")
        }
        catchUp(position)
        states[position].lastSnapshotRound = closedRounds
        states[position].snapshots += 1
        states[position].lastSnapshotTime = time
        states[position].countedRounds = closedRounds + 1
    }

    /// Counts the rounds closed since the process's last count: each
    /// confirmed it unchanged (§3.2), the last of them at `lastClosedTime`.
    private mutating func catchUp(_ position: Int) {
        let state = states[position]
        guard state.isLive, !state.awaitingKeyframe, closedRounds > state.countedRounds else { return }
        states[position].snapshots += closedRounds - state.countedRounds
        states[position].lastSnapshotTime = lastClosedTime
        states[position].countedRounds = closedRounds
    }

    private mutating func closeRound() {
        guard let time = openRound else { return }
        closedRounds += 1
        lastClosedTime = time
        openRound = nil
    }
}
