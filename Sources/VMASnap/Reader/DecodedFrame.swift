/// One frame read from the file, checked and decompressed.
struct DecodedFrame {
    /// The file offset of its first byte.
    var offset: UInt64
    /// The kind byte (1 records, 2 index, others skipped).
    var kindByte: UInt8
    /// Whether the payload was zstd-compressed.
    var compressed: Bool
    /// Bytes of the whole frame in the file.
    var totalLength: Int
    /// Bytes of the payload in the file.
    var storedLength: Int
    /// The decoded payload.
    var payload: [UInt8]

    /// Where payload bytes come from, for error offsets: exact file bytes for
    /// a stored payload, the frame's offset for a decompressed one.
    var origin: ByteDecoder.Origin {
        compressed ? .decoded(frame: offset) : .file(offset + UInt64(totalLength - storedLength))
    }

    /// A decoder of its records.
    var records: RecordDecoder { RecordDecoder(payload: payload, origin: origin) }
}

extension RecordingFile {
    /// Reads, checks (lengths, CRC-32C) and decodes the frame at `offset`.
    func readFrame(at offset: UInt64, decompressor: ZstdDecompressor) throws -> DecodedFrame {
        let head = try read(at: offset, count: FrameCodec.maximumPrefixLength)
        let prefix = try FrameCodec.decodePrefix(head, at: offset)
        let payloadOffset = offset + UInt64(prefix.length)
        guard UInt64(prefix.storedLength) <= size - payloadOffset else {
            throw FormatError(offset: offset, reason: .truncated(
                "a frame (\(prefix.totalLength) bytes declared, \(size - offset) left in the file)"))
        }
        let stored = try read(at: payloadOffset, count: prefix.storedLength)
        guard stored.count == prefix.storedLength else {
            throw FormatError(offset: payloadOffset, reason: .truncated("a frame payload"))
        }
        return DecodedFrame(
            offset: offset, kindByte: prefix.kindByte, compressed: prefix.encodingByte == FrameEncoding.zstd.rawValue,
            totalLength: prefix.totalLength, storedLength: prefix.storedLength,
            payload: try FrameCodec.decodePayload(prefix: prefix, head: head, stored: stored, at: offset, decompressor: decompressor))
    }
}
