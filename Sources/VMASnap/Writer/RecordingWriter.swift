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
/// Not thread-safe: use one writer from one thread.
public final class RecordingWriter {
    /// The header written at the start of the file.
    public let header: RecordingHeader
    /// What has been recorded so far.
    public internal(set) var statistics = RecordingStatistics()
    /// Called by `finish()` before its last frame: a measurement of perf's
    /// clock to record then (see `recordPerfClock(_:)`), or nil.
    public var perfClockAtFinish: (() -> PerfClockReading?)?

    let descriptor: FileDescriptor
    /// The file the writer created and closes, if it did.
    let output: OutputFile?
    let subject: String
    let system: SystemCalls
    let compressor: ZstdCompressor?
    /// The file offset of the next byte written.
    var offset: UInt64 = 0
    /// The index as of the frames written.
    var builder: IndexBuilder
    /// No more records may be written (finished, or failed beyond repair).
    var closed = false

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
    var lastRoundTime: UInt64 = 0
    var lastFlushTime: UInt64 = 0
    /// Processes that went in this round after a snapshot in it (they still count one).
    var goneAfterSnapshot = 0

    /// Definitions already written, by value.
    var pathNumbers: [MappedPath: Int] = [:]
    var buildIDNumbers: [BuildID: Int] = [:]
    var fileNumbers: [FileKey: Int] = [:]
    /// Build-ID numbers that have a SYMBOLS record.
    var storedSymbols: Set<Int> = []

    /// What the writer remembers of each process, by number.
    var processes: [ProcessState] = []
    /// The numbers of processes seen and not gone.
    var liveNumbers: [ProcessIdentity: Int] = [:]

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
        var gone = false
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
        // ESPIPE: a pipe, which has no offset to be at.
        if let position = try? system.seek(descriptor, 0, .current), position != 0 {
            throw WriterError.notAtStart(offset: position)
        }
        try write(header.encoded())
    }

    /// Begins a sampling round at `time` (nanoseconds on the header's clock,
    /// not before its start nor before the previous round).
    ///
    /// - Throws: `WriterError` when a round is open, the time is out of
    ///   order, or the writer is closed.
    public func beginRound(time: Int64) throws {
        try checkOpen()
        guard roundTime == nil else { throw WriterError.roundNotEnded }
        let previous = roundCount == 0 ? header.start : header.start + Int64(lastRoundTime)
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
        statistics.rounds += 1
        statistics.snapshots += statistics.liveProcesses + goneAfterSnapshot
        if roundRecords.isEmpty {
            if let quiet = pendingQuiet {
                pendingQuiet = (quiet.count + 1, quiet.first, time)
            } else {
                pendingQuiet = (1, time, time)
            }
        } else {
            var roundBytes = 0
            for record in roundRecords { roundBytes += record.encodedLength }
            if pendingBytes.bytes.count + roundBytes + 32 > FormatConstants.maximumDecodedLength {
                try flush()
            }
            guard roundBytes + 32 <= FormatConstants.maximumDecodedLength else {
                closed = true
                throw WriterError.roundTooLarge(bytes: roundBytes)
            }
            emitPendingQuiet()
            emit(.round(time: time))
            for record in roundRecords { emit(record) }
            roundRecords.removeAll(keepingCapacity: true)
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
        guard !pendingRecords.isEmpty else { return }
        let payload = pendingBytes.bytes
        var next = builder
        next.beginFrame(offset: offset)
        do {
            for record in pendingRecords { try next.add(record) }
        } catch {
            closed = true
            throw WriterError.inconsistent(String(describing: error))
        }
        next.endFrame(decodedLength: payload.count)
        let frame = FrameCodec.encode(kind: .records, payload: payload, compressor: compressing ? compressor : nil)
        try write(frame)
        builder = next
        statistics.records += pendingRecords.count
        statistics.frames += 1
        statistics.frameBytes += UInt64(frame.count)
        statistics.decodedBytes += UInt64(payload.count)
        statistics.pendingBytes = 0
        pendingRecords.removeAll(keepingCapacity: true)
        pendingBytes.bytes.removeAll(keepingCapacity: true)
    }

    /// Ends the recording: ends an open round, writes what waits, the index
    /// frame and the footer, and syncs the file's data (fdatasync). Closes the
    /// file if the writer created it. Nothing may be recorded afterwards.
    ///
    /// - Throws: `WriterError.system` when a write, the sync or the close
    ///   fails (the first of them); `.closed` when already finished.
    public func finish() throws {
        try checkOpen()
        if roundTime != nil { try endRound() }
        // PROCESS records given after the last round.
        for record in roundRecords { emit(record) }
        roundRecords.removeAll()
        if let reading = perfClockAtFinish?() { try recordPerfClock(reading) }
        try flush()
        let index = builder.finished()
        let indexFrame = FrameCodec.encode(kind: .index, payload: index.encoded(), compressor: compressor)
        let footer = Footer(indexOffset: offset, indexLength: UInt64(indexFrame.count))
        try write(indexFrame + footer.encoded())
        closed = true
        var failure: WriterError?
        do throws(Errno) {
            try system.synchronizeData(descriptor)
        } catch .invalidArgument {
            // A pipe or another descriptor that cannot be synced.
        } catch {
            failure = .system(SystemError(.sync, subject, error))
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
            _ = try? system.resize(descriptor, Int64(offset))
            _ = try? system.seek(descriptor, Int64(offset), .start)
            throw WriterError.system(SystemError(.write, subject, error))
        }
        offset += UInt64(bytes.count)
        statistics.bytesWritten = offset
    }
}
