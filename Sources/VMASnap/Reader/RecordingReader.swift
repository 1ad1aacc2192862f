/// Reads a recording (see Formats/vmasnap.md): its header, its index, every
/// record, and the mappings of a process at any time.
///
/// Opening reads the header and the index at the end of the file. When the
/// index is missing or unusable (a recorder killed with SIGKILL, a file cut
/// short or damaged), it rebuilds the same index by scanning the frames, and
/// stops at the first frame that is incomplete or fails its checks:
/// everything before it reads back, and `truncation` says where and why.
///
/// Memory is bounded by the index and the definitions (paths, files,
/// processes), not by the file: frames are read with pread when needed.
/// No bytes make it trap; every malformed structure is a `FormatError`
/// naming its byte offset. Not thread-safe.
public final class RecordingReader {
    /// The file's header.
    public let header: RecordingHeader
    /// Where the file stops being readable, if it does. Set when opening
    /// finds it, or later by `records()` when a frame the index lists fails
    /// its checks.
    public internal(set) var truncation: Truncation?
    /// An I/O error that stopped `records()` or `verify()` (EIO from a
    /// failing disk): not damage in the file, so not a `truncation`.
    public internal(set) var readError: SystemError?
    /// Whether the index was rebuilt by scanning the frames (no usable footer).
    public let indexWasRebuilt: Bool

    let file: RecordingFile
    let headerLength: Int
    let index: RecordingIndex
    let definitions: Definitions
    let decompressor = ZstdDecompressor()

    /// Opens the recording at `path`. Throws `SystemError` when the file
    /// cannot be opened or read, and `FormatError` when it is not a recording
    /// this version reads (wrong magic, another major version, a damaged
    /// header).
    ///
    /// - Throws: `SystemError` (open, stat, read) or `FormatError` (not a recording this version reads).
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
        let decompressor = self.decompressor
        if let (index, definitions) = Self.loadIndex(
            file: file, headerLength: UInt64(headerLength), header: header, decompressor: decompressor)
        {
            self.index = index
            self.definitions = definitions
            indexWasRebuilt = false
        } else {
            let scan = try Self.scan(file: file, headerLength: UInt64(headerLength), header: header, decompressor: decompressor)
            index = scan.index
            definitions = scan.definitions
            truncation = scan.truncation
            indexWasRebuilt = true
        }
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

    /// Reads a frame the index lists.
    func readFrame(_ number: Int) throws -> DecodedFrame {
        let frame = try file.readFrame(at: index.frames[number].offset, decompressor: decompressor)
        guard frame.kindByte == FrameKind.records.rawValue else {
            throw FormatError(offset: frame.offset, reason: .invalid("the index lists a frame of kind \(frame.kindByte) as records"))
        }
        return frame
    }

    /// Remembers the first place the file turned out unreadable.
    func noteTruncation(_ truncation: Truncation) {
        if self.truncation == nil || truncation.offset < self.truncation!.offset { self.truncation = truncation }
    }
}
