/// Reads a recording (see Formats/vmasnap.md): its header, its index, every
/// record, and the mappings of a process at any time.
///
/// Opening reads the header and the index at the end of the file, and checks
/// the index before using it (§6): it must agree with itself, and the frames
/// it lists must be the file's, from the header to the index, each whole and
/// with its CRC-32C intact (one sequential read of the file, no payload
/// decompressed). When the index is missing (a recorder killed with SIGKILL)
/// or fails a check, opening rebuilds it by scanning the frames and stops at
/// the first that is incomplete or breaks a rule: everything before it reads
/// back, `truncation` says where and why, and `indexProblem` why a stored
/// index was not used. A frame found broken later (one whose checksum
/// matches but whose records break a rule) makes the reader rebuild its
/// index the same way, so that every question is answered from the same
/// readable part of the file.
///
/// Memory is bounded by the index and the definitions (paths, files,
/// processes), not by the file: frames are read with pread when needed.
/// No bytes make it trap; every malformed structure is a `FormatError`
/// naming its byte offset. Not thread-safe.
public final class RecordingReader {
    /// The file's header.
    public let header: RecordingHeader
    /// Where the file stops being readable, if it does: set when opening
    /// finds it, or later when a frame turns out to break a rule.
    public internal(set) var truncation: Truncation?
    /// Why the file's stored index was not used, when it has one (a valid
    /// footer) that failed a check of §6: the frames were scanned instead.
    public internal(set) var indexProblem: FormatError?
    /// Whether the index was rebuilt by scanning the frames (no usable footer,
    /// a stored index that failed its checks, or a frame found broken).
    public internal(set) var indexWasRebuilt: Bool
    /// An I/O error that stopped `records()` (EIO from a failing disk): not
    /// damage in the file, so not a `truncation`. (Other reads throw it.)
    public internal(set) var readError: SystemError?

    let file: RecordingFile
    let headerLength: Int
    /// Where the footer says the index frame is (nil: no valid footer).
    let indexOffset: UInt64?
    var index: RecordingIndex
    var definitions: Definitions
    let decompressor = ZstdDecompressor()
    /// Recently decoded frames, for replays of many processes over the same frames.
    var frameCache = FrameCache()
    /// Process numbers by pid, built when first asked.
    var processNumbersByPID: [Int32: [Int]]?

    /// Opens the recording at `path`.
    ///
    /// - Parameter path: the recording's path.
    /// - Throws: `SystemError` when the file cannot be opened or read, and
    ///   `FormatError` when it is not a recording this version reads (wrong
    ///   magic, another major version, a damaged header).
    public convenience init(path: String) throws {
        try self.init(path: path, system: .live)
    }

    /// Opens the recording at `path`, reading through `system`.
    init(path: String, system: SystemCalls) throws {
        file = try RecordingFile(path: path, system: system)
        let prefix = try file.read(at: 0, count: FormatConstants.headerPrefixLength)
        let (_, _, bodyLength) = try RecordingHeader.decodePrefix(prefix)
        headerLength = FormatConstants.headerPrefixLength + bodyLength + 4
        let headerBytes = try file.read(at: 0, count: headerLength)
        guard headerBytes.count == headerLength else {
            throw FormatError(offset: UInt64(headerBytes.count), reason: .truncated("the header"))
        }
        header = try RecordingHeader.decode(headerBytes)
        let opened = try Self.open(file: file, headerLength: UInt64(headerLength), header: header, decompressor: decompressor)
        indexOffset = opened.indexOffset
        index = opened.scan.index
        definitions = opened.scan.definitions
        truncation = opened.scan.truncation
        indexProblem = opened.indexProblem
        indexWasRebuilt = opened.rebuilt
    }

    /// The processes of the recording, by process number.
    public var processes: [RecordedProcess] { definitions.processes }

    /// Totals of the recording.
    public var summary: RecordingSummary {
        let summary = index.summary
        let hasRounds = summary.rounds > 0
        return RecordingSummary(
            rounds: Int(clamping: summary.rounds), snapshots: Int(clamping: summary.snapshots),
            records: Int(clamping: summary.records), frames: index.frames.count, processes: definitions.processes.count,
            fileBytes: file.size, decodedBytes: summary.decodedBytes,
            firstTime: hasRounds ? absolute(summary.firstTime) : nil, lastTime: hasRounds ? absolute(summary.lastTime) : nil)
    }

    /// When the recording saw process `number`; nil if there is no such process.
    public func span(of number: Int) -> ProcessSpan? {
        guard number >= 0, number < index.processes.count else { return nil }
        let entry = index.processes[number]
        let seen = entry.snapshotCount > 0 || !entry.keyframes.isEmpty
        return ProcessSpan(
            firstTime: seen ? absolute(entry.firstTime) : nil, lastTime: seen ? absolute(entry.lastTime) : nil,
            goneTime: entry.goneTime.map { absolute($0) }, snapshotCount: Int(clamping: entry.snapshotCount),
            keyframeCount: entry.keyframes.count)
    }

    /// A time relative to the start as a time on the clock. Times were checked
    /// against the limit when decoded.
    func absolute(_ relative: UInt64) -> Int64 {
        header.start &+ Int64(clamping: relative)
    }

    /// Reads a frame the index lists. Replays of one process keep what they
    /// read in the cache (`caching`), passes over every frame do not.
    func readFrame(_ number: Int, caching: Bool = false) throws -> DecodedFrame {
        let offset = index.frames[number].offset
        if let frame = frameCache.frame(at: offset) { return frame }
        let frame = try file.readFrame(at: offset, decompressor: decompressor)
        guard frame.kindByte == FrameKind.records.rawValue else {
            throw FormatError(offset: frame.offset, reason: .invalid("the index lists a frame of kind \(frame.kindByte) as records"))
        }
        if caching { frameCache.insert(frame) }
        return frame
    }

    /// A frame the index lists broke a rule (`error`), or the index turned
    /// out not to match the frames: the reader stops using the index it has
    /// and scans the frames, as when opening a damaged file, so that every
    /// later question sees the same readable part. Throws only when the file
    /// cannot be read (`SystemError`).
    func abandonIndex(because error: FormatError) throws {
        let scan = try Self.scan(
            file: file, headerLength: UInt64(headerLength), header: header, decompressor: decompressor, before: indexOffset)
        if !indexWasRebuilt, indexProblem == nil { indexProblem = error }
        index = scan.index
        definitions = scan.definitions
        indexWasRebuilt = true
        processNumbersByPID = nil
        frameCache = FrameCache()
        if let found = scan.truncation, truncation == nil || found.offset < truncation!.offset { truncation = found }
    }
}
