#if canImport(Glibc)
import Glibc
#endif

/// Writes a recording: the header at once, then one frame per flush, then at
/// `finish()` the index frame and the footer (see Formats/vmasnap.md).
///
/// Use it round by round:
///
///     let writer = try RecordingWriter(fd: fd, header: .current(options: …, backend: .ioctl))
///     try writer.beginRound(time: now)
///     let number = try writer.processSeen(process)          // once per process; idempotent
///     _ = try writer.snapshot(process: number, mappings: walk)
///     try writer.processGone(process: other, reason: .exited)
///     try writer.endRound()                                  // flushes when due
///     …
///     try writer.finish()
///
/// In every round, call `snapshot` or `processGone` for every process that has
/// had a snapshot and is not gone: the format records an unchanged snapshot as
/// nothing, so a process without either in a round counts as confirmed
/// unchanged in it.
///
/// Records wait in memory and are written as one frame, by one write loop,
/// when `flushInterval` has passed since the last flush at the end of a round,
/// when more than 1 MiB waits, on `flush()` and on `finish()`. A recorder
/// killed in between loses only what waited; the file stays readable.
///
/// The writer does not close a descriptor it was given; `init(path:header:)`
/// opens its own and closes it in `finish()` (or when the writer goes away).
/// Not thread-safe: use one writer from one thread.
public final class RecordingWriter {
    /// The header written at the start of the file.
    public let header: RecordingHeader
    /// What has been recorded so far.
    public internal(set) var statistics = RecordingStatistics()
    /// Called by `finish()` before its last frame: a measurement of perf's
    /// clock to record then (see `recordPerfClock(_:)`), or nil.
    public var perfClockAtFinish: (() -> PerfClockReading?)?

    let fd: Int32
    let ownsDescriptor: Bool
    let subject: String
    let system = SystemCalls.live
    let compressor: ZstdCompressor?
    /// The file offset of the next byte written.
    var offset: UInt64 = 0
    /// The index as of the frames written.
    var builder: IndexBuilder
    /// No more records may be written (finished, or failed beyond repair).
    var closed = false
    /// The writer closed the descriptor it owns.
    var descriptorClosed = false

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

    /// Starts a recording on `fd`, which must be at the start of an empty file
    /// (or a pipe), by writing the header at once. The writer does not close `fd`.
    ///
    /// - Parameter compression: compress frames with zstd where that helps
    ///   (default); false writes every frame stored.
    public convenience init(fd: Int32, header: RecordingHeader, compression: Bool = true) throws {
        try self.init(fd: fd, ownsDescriptor: false, subject: "the recording", header: header, compression: compression)
    }

    /// Creates (or truncates) the file at `path`, mode 0644, and starts a
    /// recording in it. The writer closes the file in `finish()`.
    public convenience init(path: String, header: RecordingHeader, compression: Bool = true) throws {
        let result = path.withCString { cPath in
            valueOrErrno { SystemCalls.live.open(cPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        }
        switch result {
        case .success(let fd):
            do {
                try self.init(fd: fd, ownsDescriptor: true, subject: path, header: header, compression: compression)
            } catch {
                _ = SystemCalls.live.close(fd)
                throw error
            }
        case .failure(let errno):
            throw RecordingError.system(SystemError(.open, path, errno))
        }
    }

    init(fd: Int32, ownsDescriptor: Bool, subject: String, header: RecordingHeader, compression: Bool) throws {
        if let problem = header.encodingProblem { throw RecordingError.invalidHeader(problem) }
        self.fd = fd
        self.ownsDescriptor = ownsDescriptor
        self.subject = subject
        self.header = header
        self.compressor = compression ? ZstdCompressor(level: FormatConstants.compressionLevel) : nil
        self.builder = IndexBuilder(start: header.start, keyframeInterval: header.keyframeInterval)
        if case .success(let position) = valueOrErrno({ system.seek(fd, 0, SEEK_CUR) }), position != 0 {
            throw RecordingError.notAtStart(offset: Int64(position))
        }
        try write(header.encoded())
    }

    deinit {
        if ownsDescriptor && !descriptorClosed { _ = system.close(fd) }
    }

    /// Begins a sampling round at `time` (nanoseconds on the header's clock,
    /// not before its start nor before the previous round).
    public func beginRound(time: Int64) throws {
        try checkOpen()
        guard roundTime == nil else { throw RecordingError.roundNotEnded }
        let previous = roundCount == 0 ? header.start : header.start + Int64(lastRoundTime)
        guard time >= previous else { throw RecordingError.timeOutOfOrder(time: time, previous: previous) }
        roundTime = UInt64(time - header.start)
        roundCount += 1
        goneAfterSnapshot = 0
    }

    /// Ends the round: writes its records (or merges it into a run of quiet
    /// rounds when nothing changed), and flushes when a flush is due.
    public func endRound() throws {
        try checkOpen()
        guard let time = roundTime else { throw RecordingError.notInRound }
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
                throw RecordingError.roundTooLarge(bytes: roundBytes)
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
    public func flush() throws {
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
            throw RecordingError.inconsistent(String(describing: error))
        }
        next.endFrame(decodedLength: payload.count)
        let frame = FrameCodec.encode(kind: .records, payload: payload, compressor: compressor)
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
    /// file if the writer opened it. Nothing may be recorded afterwards.
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
        var failure: RecordingError?
        if case .failure(let errno) = valueOrErrno({ system.dataSync(fd) }), errno != .invalidArgument {
            // EINVAL: a pipe or another descriptor that cannot be synced.
            failure = .system(SystemError(.sync, subject, errno))
        }
        if ownsDescriptor {
            descriptorClosed = true
            // close() is not retried on EINTR: the descriptor is gone either way.
            if system.close(fd) != 0, failure == nil { failure = .system(SystemError(.write, subject, Errno.current)) }
        }
        if let failure { throw failure }
    }

    func checkOpen() throws {
        if closed { throw RecordingError.closed }
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
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                valueOrErrno { system.write(fd, raw.baseAddress! + written, raw.count - written) }
            }
            switch result {
            case .success(let count) where count > 0:
                written += count
            case .success:
                try failWrite(Errno.noSpace, written: written)
            case .failure(let errno):
                try failWrite(errno, written: written)
            }
        }
        offset += UInt64(bytes.count)
        statistics.bytesWritten = offset
    }

    private func failWrite(_ errno: Errno, written: Int) throws -> Never {
        if written > 0 {
            _ = valueOrErrno { system.truncate(fd, off_t(offset)) }
            _ = valueOrErrno { system.seek(fd, off_t(offset), SEEK_SET) }
        }
        throw RecordingError.system(SystemError(.write, subject, errno))
    }
}
