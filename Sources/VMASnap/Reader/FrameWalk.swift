/// Steps through the frames of a file from one offset to another, checking
/// that each is whole and that its CRC-32C matches, without decompressing or
/// decoding any payload: one sequential read of the bytes, in large blocks,
/// so that a file of many small frames costs no more reads than a file of
/// few large ones (§6: how a reader checks an index before using it).
struct FrameWalk {
    /// One frame met.
    struct Frame {
        var offset: UInt64
        var prefix: FrameCodec.Prefix
    }

    private let file: RecordingFile
    private let end: UInt64
    private var block: [UInt8] = []
    private var blockOffset: UInt64
    /// The next frame's offset.
    private(set) var offset: UInt64

    /// Bytes read at a time.
    static let blockLength = 1 << 20

    /// A walk of the frames of `file` from `start` up to `end`.
    init(file: RecordingFile, from start: UInt64, to end: UInt64) {
        self.file = file
        self.end = min(end, file.size)
        offset = start
        blockOffset = start
    }

    /// The next frame, checked; nil at `end`. Throws a `FormatError` for a
    /// frame that is incomplete, malformed or fails its CRC (and a
    /// `SystemError` when the file cannot be read).
    mutating func next() throws -> Frame? {
        guard offset < end else { return nil }
        let start = offset
        let head = Array(try bytes(at: start, count: FrameCodec.maximumPrefixLength))
        let prefix = try FrameCodec.decodePrefix(head, at: start)
        let payloadOffset = start + UInt64(prefix.length)
        guard UInt64(prefix.storedLength) <= end - min(payloadOffset, end) else {
            throw FormatError(offset: start, reason: .truncated(
                "a frame (\(prefix.totalLength) bytes declared, \(end - start) left before \(end == file.size ? "the end of the file" : "the index"))"))
        }
        var crc = CRC32C()
        crc.update(head[0..<(prefix.length - 4)])
        var position = payloadOffset
        let payloadEnd = payloadOffset + UInt64(prefix.storedLength)
        while position < payloadEnd {
            let chunk = try bytes(at: position, count: Int(min(payloadEnd - position, UInt64(Self.blockLength))))
            guard !chunk.isEmpty else { throw FormatError(offset: position, reason: .truncated("a frame payload")) }
            crc.update(chunk)
            position += UInt64(chunk.count)
        }
        guard crc.value == prefix.checksum || FormatConstants.fuzzing else {
            throw FormatError(offset: start, reason: .frameChecksumMismatch(stored: prefix.checksum, computed: crc.value))
        }
        offset = payloadEnd
        return Frame(offset: start, prefix: prefix)
    }

    /// Up to `count` bytes at `at` (fewer only at `end`), from the current
    /// block or a new one read there.
    private mutating func bytes(at position: UInt64, count: Int) throws -> ArraySlice<UInt8> {
        let wanted = Int(min(UInt64(count), end - min(position, end)))
        let blockEnd = blockOffset + UInt64(block.count)
        if position < blockOffset || position + UInt64(wanted) > blockEnd {
            block = try file.read(at: position, count: Int(min(UInt64(max(Self.blockLength, wanted)), end - position)))
            blockOffset = position
        }
        let low = Int(position - blockOffset)
        return block[low..<min(low + wanted, block.count)]
    }
}
