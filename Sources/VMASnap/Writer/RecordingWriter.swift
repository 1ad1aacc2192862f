import SystemPackage

/// Writes a recording: the header at once, then one frame per flush, then at
/// `finish()` the index frame and the footer (see Formats/vmasnap.md).
///
/// Use it round by round:
///
///     let writer = try RecordingWriter(path: "run.data", header: .current(options: …, backend: .ioctl))
///     try writer.beginRound(time: now)
///     let number = try writer.processSeen(process)          // once per process; idempotent
///     _ = try writer.snapshot(process: number, mappings: walk)
///     _ = try writer.record(change, process: another, time: when)   // or only what changed
///     _ = try writer.record(change, process: another, time: event, eventDated: true)  // a kernel event dated it
///     _ = try writer.processForked(process: child, parent: number, time: fork)
///     try writer.eventsLost(from: lastComplete, through: walkStart)  // kernel events may be missing
///     try writer.processGone(process: other, reason: .exited)
///     try writer.endRound()                                  // flushes when due
///     …
///     try writer.finish()
///
/// A process that has had a snapshot and is not gone counts as confirmed
/// unchanged in every round without a `snapshot`, `record(_:process:time:)`
/// or `processGone` of it: the format records an unchanged snapshot as
/// nothing. A caller that walks every process calls `snapshot` each round;
/// one that learns of changes (kernel events) calls `record` with each change.
///
/// Records wait in memory and are written as one frame, by one write loop,
/// when `flushInterval` has passed since the last flush at the end of a round,
/// when more than 1 MiB waits, on `flush()` and on `finish()`. A recorder
/// killed in between loses only what waited; the file stays readable.
///
/// `init(path:header:)` creates the file as `OutputFile` does (mode 0600, a
/// temporary name renamed into place once the header is in it, never
/// following a symlink), and closes it in `finish()`, reporting close's
/// error; the writer never closes a descriptor it was given.
///
/// Memory follows the processes alive, not the processes seen: a gone
/// process leaves nothing behind in the writer. The index, which describes
/// every process, is built as frames are written while the recording has
/// seen at most `indexedProcessLimit` processes; past that, a writer that
/// created its file stops building it and, in `finish()`, reads its frames
/// back to build it, so that a week of `record -a` with constant process
/// turnover stays within a few megabytes. (A writer given a descriptor
/// cannot read it back and builds the index all along.)
/// Not thread-safe: use one writer from one thread.
public final class RecordingWriter {
    /// The header written at the start of the file.
    public let header: RecordingHeader
    /// What has been recorded so far: every round ended (written or waiting
    /// for the next flush).
    public internal(set) var statistics = RecordingStatistics()
    /// Called by `finish()` before its last frame: a measurement of perf's
    /// clock to record then (see `recordPerfClock(_:)`), or nil.
    public var perfClockAtFinish: (() -> PerfClockReading?)?
    /// Called by `finish()` before its last frame: what the recorder met, to
    /// record then (see `recordRecorderReport(_:)`), or nil.
    public var recorderReportAtFinish: (() -> RecorderReport?)?
    /// What the file holds: the statistics as of the last frame written
    /// (and, once finished, the index). After a failure, what a summary may
    /// claim.
    public private(set) var statisticsInFile = RecordingStatistics()

    let descriptor: FileDescriptor
    /// The file the writer created and closes, if it did.
    let output: OutputFile?
    let subject: String
    let system: SystemCalls
    let compressor: ZstdCompressor?
    /// The file offset of the next byte written.
    var offset: UInt64 = 0
    /// The index as of the frames written; nil once the writer has seen more
    /// than `indexedProcessLimit` processes and will read its frames back.
    var builder: IndexBuilder?
    /// Whether the writer may read back what it wrote (it created the file).
    let canReadBack: Bool
    /// Past this many processes seen, a writer that can read its file back
    /// stops building the index as it goes (see the type's notes).
    var indexedProcessLimit = RecordingWriter.defaultIndexedProcessLimit
    /// 4096 processes: about a megabyte of index state.
    static let defaultIndexedProcessLimit = 4096
    /// Where the first frame starts: the header's length.
    var framesStart: UInt64 = 0
    /// No more records may be written (finished, or failed beyond repair).
    var closed = false
    /// A write failed and could not be cut back (a pipe): the file ends in
    /// part of a frame, and nothing more may follow it.
    var damaged = false

    /// The records of the next frame, and their bytes.
    var pendingRecords: [Record] = []
    var pendingBytes = ByteEncoder()
    /// Quiet rounds not yet written: merged until a change or a flush.
    var pendingQuiet: (count: UInt64, first: UInt64, last: UInt64)?

    /// The open round's time (relative to the start), nil between rounds.
    var roundTime: UInt64?
    /// How many rounds have begun; the open one is number `roundCount - 1`.
    var roundCount: UInt64 = 0
    /// The records of the open round (and PROCESS records given between rounds).
    var roundRecords: [Record] = []
    /// Their encoded bytes.
    var roundRecordBytes = 0
    /// The definitions they make, in order (to take back a snapshot that
    /// does not fit).
    var roundDefinitions: [Definition] = []
    /// What the open round changes in `statistics`, added when it ends.
    var roundStatistics = RecordingStatistics()
    var lastRoundTime: UInt64 = 0
    /// The latest time of a record (its round's time plus its delay).
    var latestRecordTime: UInt64 = 0
    var lastFlushTime: UInt64 = 0
    /// Processes that went in this round after a snapshot in it (they still count one).
    var goneAfterSnapshot = 0

    /// Definitions already written, by value.
    var pathNumbers: [MappedPath: Int] = [:]
    var buildIDNumbers: [BuildID: Int] = [:]
    var fileNumbers: [FileKey: Int] = [:]
    /// Build-ID numbers that have a SYMBOLS record.
    var storedSymbols: Set<Int> = []

    /// Processes seen: the next process number.
    var processCount = 0
    /// What the writer remembers of each process not gone, by number.
    var liveProcesses: [Int: ProcessState] = [:]
    /// The numbers of processes seen and not gone.
    var liveNumbers: [ProcessIdentity: Int] = [:]
    /// The last processes gone (at most `recentlyGoneLimit`, oldest first):
    /// the recorder asks whether a process its events report was recorded.
    var recentlyGone: [ProcessIdentity] = []
    static let recentlyGoneLimit = 1024

    /// A definition made in the open round.
    enum Definition {
        case path(MappedPath)
        case buildID(BuildID)
        case file(FileKey)
    }

    struct FileKey: Hashable {
        var device: DeviceNumber
        var inode: UInt64
        var path: MappedPath
        var buildID: BuildID?
    }

    struct ProcessState {
        var identity: ProcessIdentity
        /// The mappings of its last snapshot, nil before the first.
        var mappings: [ExecutableMapping]?
        var lastKeyframeTime: UInt64 = 0
        var lastSnapshotRound: UInt64?
        /// The depth of its set (format 2.0, §3.3.1): 0 after a KEYFRAME,
        /// its FORK's depth after that.
        var forkDepth = 0
    }

    /// Starts a recording on `descriptor`, which must be at the start of an
    /// empty file (or a pipe), by writing the header at once. The writer does
    /// not close it.
    ///
    /// - Parameters:
    ///   - descriptor: where the recording goes.
    ///   - header: the recording's header.
    ///   - compression: compress frames with zstd where that helps (default);
    ///     false writes every frame stored.
    /// - Throws: `WriterError` when the header cannot be stored or written.
    public convenience init(descriptor: FileDescriptor, header: RecordingHeader, compression: Bool = true) throws {
        try self.init(
            descriptor: descriptor, output: nil, subject: "the recording", header: header, compression: compression,
            system: .live)
    }

    /// The most bytes one round's records may take, leaving room in its frame
    /// for the ROUND record and the processes found gone after the last
    /// snapshot that fitted.
    static let roundBudget = FormatConstants.maximumDecodedLength - (64 << 10)

    /// Creates the recording at `path` as `OutputFile` does: mode 0600, under a
    /// temporary name renamed to `path` once the header is written (an
    /// existing file becomes PATH.old), never through a symlink. `finish()`
    /// closes it.
    ///
    /// - Parameters:
    ///   - path: the recording.
    ///   - header: the recording's header.
    ///   - compression: compress frames with zstd where that helps.
    ///   - force: write even into a directory others can write without the sticky bit.
    /// - Throws: `WriterError` (see `OutputFile.create`, and the other initializer).
    public convenience init(path: String, header: RecordingHeader, compression: Bool = true, force: Bool = false) throws {
        try self.init(path: path, header: header, compression: compression, force: force, system: .live)
    }

    convenience init(path: String, header: RecordingHeader, compression: Bool = true, force: Bool = false, system: SystemCalls)
        throws
    {
        let output = try OutputFile(path: path, force: force, system: system)
        try self.init(
            descriptor: output.descriptor, output: output, subject: path, header: header, compression: compression,
            system: system)
        try output.publish()
    }

    init(
        descriptor: FileDescriptor, output: OutputFile?, subject: String, header: RecordingHeader, compression: Bool,
        system: SystemCalls
    ) throws {
        if let problem = header.encodingProblem { throw WriterError.invalidHeader(problem) }
        self.descriptor = descriptor
        self.output = output
        self.subject = subject
        self.system = system
        self.header = header
        self.compressor = compression ? ZstdCompressor(level: FormatConstants.compressionLevel) : nil
        self.builder = IndexBuilder(start: header.start, keyframeInterval: header.keyframeInterval)
        // The file the writer created is open for reading too (OutputFile).
        self.canReadBack = output != nil
        // ESPIPE: a pipe, which has no offset to be at.
        if let position = try? system.seek(descriptor, 0, .current), position != 0 {
            throw WriterError.notAtStart(offset: position)
        }
        try write(header.encoded())
        framesStart = offset
    }

    /// Begins a sampling round at `time` (nanoseconds on the header's clock,
    /// not before its start, the previous round, or the time given to a
    /// record of it).
    ///
    /// - Throws: `WriterError` when a round is open, the time is out of
    ///   order, or the writer is closed.
    public func beginRound(time: Int64) throws {
        try checkOpen()
        guard roundTime == nil else { throw WriterError.roundNotEnded }
        // Not before the previous round, nor before a record of it dated
        // later than the round (a walk's time): times never go back.
        let previous = header.start + Int64(max(roundCount == 0 ? 0 : lastRoundTime, latestRecordTime))
        guard time >= previous else { throw WriterError.timeOutOfOrder(time: time, previous: previous) }
        roundTime = UInt64(time - header.start)
        roundCount += 1
        goneAfterSnapshot = 0
    }

    /// Ends the round: writes its records (or merges it into a run of quiet
    /// rounds when nothing changed), and flushes when a flush is due.
    ///
    /// - Throws: `WriterError` outside a round, or when the flush fails.
    public func endRound() throws {
        try checkOpen()
        guard let time = roundTime else { throw WriterError.notInRound }
        roundTime = nil
        lastRoundTime = time
        statistics.add(roundStatistics)
        roundStatistics = RecordingStatistics()
        statistics.rounds += 1
        statistics.snapshots += statistics.liveProcesses + goneAfterSnapshot
        if roundRecords.isEmpty {
            if let quiet = pendingQuiet {
                pendingQuiet = (quiet.count + 1, quiet.first, time)
            } else {
                pendingQuiet = (1, time, time)
            }
        } else {
            // Snapshots that did not fit were refused (`roundBudget`), so a
            // round always fits in a frame of its own.
            if pendingBytes.bytes.count + roundRecordBytes + 32 > FormatConstants.maximumDecodedLength {
                try flush()
            }
            emitPendingQuiet()
            emit(.round(time: time))
            for record in roundRecords { emit(record) }
            clearRound()
        }
        let flushInterval = UInt64(max(header.flushInterval, 0))
        if time - lastFlushTime >= flushInterval || pendingBytes.bytes.count >= FormatConstants.flushThreshold {
            try flush()
        }
    }

    /// Writes the records of the rounds ended so far as one frame (nothing
    /// when there are none). Records of an open round wait for its end.
    ///
    /// - Throws: `WriterError.system` when the write fails (the file is cut
    ///   back to the frame before), `.closed` after `finish()`.
    public func flush() throws {
        try flush(compressing: true)
    }

    /// `flush()`, with the frame compressed where that helps or stored.
    func flush(compressing: Bool) throws {
        try checkOpen()
        emitPendingQuiet()
        lastFlushTime = lastRoundTime
        guard !pendingRecords.isEmpty else {
            statisticsInFile = statistics
            return
        }
        let payload = pendingBytes.bytes
        var next = builder
        next?.beginFrame(offset: offset)
        do {
            for record in pendingRecords { try next?.add(record) }
        } catch {
            closed = true
            throw WriterError.inconsistent(String(describing: error))
        }
        next?.endFrame(decodedLength: payload.count)
        let frame = FrameCodec.encode(kind: .records, payload: payload, compressor: compressing ? compressor : nil)
        try write(frame)
        // Past the limit, the index is built by reading the frames back at the end.
        builder = canReadBack && processCount > indexedProcessLimit ? nil : next
        statistics.records += pendingRecords.count
        statistics.frames += 1
        statistics.frameBytes += UInt64(frame.count)
        statistics.decodedBytes += UInt64(payload.count)
        statistics.pendingBytes = 0
        pendingRecords.removeAll(keepingCapacity: true)
        pendingBytes.bytes.removeAll(keepingCapacity: true)
        statisticsInFile = statistics
    }

    /// Forgets the records of the open round, if one is open, and ends it:
    /// what a recorder calls when an error stops it in the middle of a round,
    /// before `finish()`, so that the file holds only whole rounds. Records
    /// given between rounds (PROCESS) are forgotten too.
    ///
    /// - Throws: `WriterError.closed` after `finish()`.
    public func discardRound() throws {
        try checkOpen()
        if roundTime != nil {
            roundTime = nil
            roundCount -= 1
        }
        clearRound()
        roundStatistics = RecordingStatistics()
    }

    /// Ends the recording: ends an open round, writes what waits, the index
    /// frame and the footer, and syncs the file's data (fdatasync). Closes the
    /// file if the writer created it. Nothing may be recorded afterwards.
    ///
    /// - Throws: `WriterError.system` when a write, the sync or the close
    ///   fails (the first of them); `.closed` when already finished.
    public func finish() throws {
        try checkOpen()
        var failure: WriterError?
        do {
            if roundTime != nil { try endRound() }
            // PROCESS records given after the last round.
            for record in roundRecords { emit(record) }
            clearRound()
            statistics.add(roundStatistics)
            roundStatistics = RecordingStatistics()
            // A last measurement of perf's clock, in the last records frame
            // (one the writer refuses is left out: it must not cost the file
            // its index).
            if let reading = perfClockAtFinish?() { try? recordPerfClock(reading) }
            if let report = recorderReportAtFinish?() { try recordRecorderReport(report) }
            try flush()
        } catch let error as WriterError {
            // What could not be written (a full disk) is left out: the
            // frames already in the file still get their index.
            guard case .system = error, !damaged else {
                closed = true
                throw error
            }
            failure = error
            clearRound()
            pendingRecords.removeAll()
            pendingBytes.bytes.removeAll()
            pendingQuiet = nil
        }
        let index = try (builder ?? readBack()).finished()
        let indexFrame = FrameCodec.encode(kind: .index, payload: index.encoded(), compressor: compressor)
        let footer = Footer(indexOffset: offset, indexLength: UInt64(indexFrame.count))
        do {
            try write(indexFrame + footer.encoded())
        } catch {
            closed = true
            try? output?.close()
            throw failure ?? error
        }
        closed = true
        if failure == nil { statisticsInFile = statistics }
        statisticsInFile.bytesWritten = offset
        do throws(Errno) {
            try system.synchronizeData(descriptor)
        } catch .invalidArgument {
            // A pipe or another descriptor that cannot be synced.
        } catch {
            failure = failure ?? .system(SystemError(.sync, subject, error))
        }
        do {
            try output?.close()
        } catch let error as WriterError {
            if failure == nil { failure = error }
        }
        if let failure { throw failure }
    }

    func checkOpen() throws {
        if closed { throw WriterError.closed }
    }

    /// Adds a record to the open round.
    func appendToRound(_ record: Record) {
        roundRecords.append(record)
        roundRecordBytes += record.encodedLength
    }

    /// Where the open round's records and definitions stand.
    struct RoundMark {
        var records: Int
        var bytes: Int
        var definitions: Int
    }

    func roundMark() -> RoundMark {
        RoundMark(records: roundRecords.count, bytes: roundRecordBytes, definitions: roundDefinitions.count)
    }

    /// Takes back the records and definitions added to the open round since `mark`.
    func rollBack(to mark: RoundMark) {
        roundRecords.removeSubrange(mark.records...)
        roundRecordBytes = mark.bytes
        for definition in roundDefinitions[mark.definitions...] {
            switch definition {
            case .path(let path): pathNumbers[path] = nil
            case .buildID(let buildID): buildIDNumbers[buildID] = nil
            case .file(let key): fileNumbers[key] = nil
            }
        }
        roundDefinitions.removeSubrange(mark.definitions...)
    }

    private func clearRound() {
        roundRecords.removeAll(keepingCapacity: true)
        roundRecordBytes = 0
        roundDefinitions.removeAll(keepingCapacity: true)
    }

    /// Appends a record to the next frame.
    func emit(_ record: Record) {
        record.encode(to: &pendingBytes)
        pendingRecords.append(record)
        statistics.pendingBytes = pendingBytes.bytes.count
    }

    private func emitPendingQuiet() {
        guard let quiet = pendingQuiet else { return }
        pendingQuiet = nil
        // A lone quiet round is cheaper as a ROUND with nothing after it, and means the same.
        emit(quiet.count == 1 ? .round(time: quiet.first) : .quiet(count: quiet.count, first: quiet.first, last: quiet.last))
    }

    /// Writes all of `bytes` at the end of the file. On failure, cuts the file
    /// back to where the write began, so no partial frame stays behind.
    private func write(_ bytes: [UInt8]) throws {
        do throws(Errno) {
            try bytes.withUnsafeBytesTyped { (raw) throws(Errno) in try OwnedDescriptor.writeAll(raw, to: descriptor, system: system) }
        } catch {
            // Part of it may be in the file: cut back (a pipe cannot be; the
            // reader stops at the partial frame).
            if (try? system.resize(descriptor, Int64(offset))) == nil {
                damaged = true
                closed = true
            }
            _ = try? system.seek(descriptor, Int64(offset), .start)
            throw WriterError.system(SystemError(.write, subject, error))
        }
        offset += UInt64(bytes.count)
        statistics.bytesWritten = offset
    }
}
