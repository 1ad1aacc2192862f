/// Frames: kind and encoding in one byte, stored length, decoded length (zstd
/// frames only), CRC-32C, payload. A frame of a second of quiet rounds is
/// about 20 bytes, so every byte of its prefix shows in the cost of an
/// unchanged snapshot: hence the packing.
enum FrameCodec {
    /// The bytes of a frame holding `payload`, compressed when that helps:
    /// payloads under 64 bytes, and those zstd does not shrink, are stored.
    static func encode(kind: FrameKind, payload: [UInt8], compressor: ZstdCompressor?) -> [UInt8] {
        var encoding = FrameEncoding.stored
        var stored = payload
        if let compressor, payload.count >= FormatConstants.minimumCompressedLength,
            let compressed = compressor.compress(payload), compressed.count < payload.count
        {
            encoding = .zstd
            stored = compressed
        }
        var frame = ByteEncoder()
        frame.byte(kind.rawValue | encoding.rawValue << 4)
        frame.varint(stored.count)
        if encoding != .stored { frame.varint(payload.count) }
        var crc = CRC32C()
        crc.update(frame.bytes)
        crc.update(stored)
        frame.uint32(crc.value)
        frame.append(stored)
        return frame.bytes
    }

    /// The most bytes a frame's fixed part can take: kind and encoding, two varints, CRC.
    static let maximumPrefixLength = 1 + 10 + 10 + 4

    /// The fixed part of a frame, parsed.
    struct Prefix {
        var kindByte: UInt8
        var encodingByte: UInt8
        var storedLength: Int
        var decodedLength: Int
        var checksum: UInt32
        /// Bytes from the frame's start to its payload.
        var length: Int
        /// The whole frame's length.
        var totalLength: Int { length + storedLength }
    }

    /// The decoded payload of the frame at file offset `offset`, whose fixed
    /// part `head` begins with (parsed as `prefix`) and whose payload as
    /// stored is `stored`: the CRC-32C checked, a zstd payload decompressed.
    static func decodePayload(
        prefix: Prefix, head: [UInt8], stored: [UInt8], at offset: UInt64, decompressor: ZstdDecompressor
    ) throws -> [UInt8] {
        var crc = CRC32C()
        crc.update(head[0..<(prefix.length - 4)])
        crc.update(stored)
        // Fuzzing builds take any checksum, so that the fuzzer reaches the
        // decoders behind it (libFuzzer's convention; never in a release).
        guard crc.value == prefix.checksum || FormatConstants.fuzzing else {
            throw FormatError(offset: offset, reason: .frameChecksumMismatch(stored: prefix.checksum, computed: crc.value))
        }
        guard prefix.encodingByte == FrameEncoding.zstd.rawValue else { return stored }
        do {
            return try decompressor.decompress(stored, decodedLength: prefix.decodedLength)
        } catch let reason as FormatError.Reason {
            throw FormatError(offset: offset, reason: reason)
        }
    }

    /// Parses the fixed part from `bytes` (which may be longer), located at
    /// file offset `offset`; checks the lengths against the limits.
    static func decodePrefix(_ bytes: [UInt8], at offset: UInt64) throws -> Prefix {
        var decoder = ByteDecoder(bytes, origin: .file(offset))
        let first = try decoder.byte("a frame header")
        let kind = first & 0x0F
        let encoding = first >> 4
        guard FrameEncoding(rawValue: encoding) != nil else {
            throw decoder.error(.unknownEncoding(encoding), at: 0)
        }
        let storedLength = try decoder.count("frame stored length", limit: FormatConstants.maximumStoredLength)
        // A stored payload is its own decoded form: no second length.
        let decodedLength = encoding == FrameEncoding.stored.rawValue
            ? storedLength : try decoder.count("frame decoded length", limit: FormatConstants.maximumDecodedLength)
        let checksum = try decoder.uint32("a frame header")
        return Prefix(kindByte: kind, encodingByte: encoding, storedLength: storedLength, decodedLength: decodedLength,
                      checksum: checksum, length: decoder.position)
    }
}
