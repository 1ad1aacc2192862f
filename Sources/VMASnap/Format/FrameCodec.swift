/// Frames: kind, encoding, stored length, decoded length, CRC-32C, payload.
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
        frame.byte(kind.rawValue)
        frame.byte(encoding.rawValue)
        frame.varint(stored.count)
        frame.varint(payload.count)
        var crc = CRC32C()
        crc.update(frame.bytes)
        crc.update(stored)
        frame.uint32(crc.value)
        frame.append(stored)
        return frame.bytes
    }

    /// The most bytes a frame's fixed part can take: kind, encoding, two varints, CRC.
    static let maximumPrefixLength = 2 + 10 + 10 + 4

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

    /// Parses the fixed part from `bytes` (which may be longer), located at
    /// file offset `offset`; checks the lengths against the limits.
    static func decodePrefix(_ bytes: [UInt8], at offset: UInt64) throws -> Prefix {
        var decoder = ByteDecoder(bytes, origin: .file(offset))
        let kind = try decoder.byte("a frame header")
        let encoding = try decoder.byte("a frame header")
        guard FrameEncoding(rawValue: encoding) != nil else {
            throw decoder.error(.unknownEncoding(encoding), at: 1)
        }
        let storedLength = try decoder.count("frame stored length", limit: FormatConstants.maximumStoredLength)
        let decodedLength = try decoder.count("frame decoded length", limit: FormatConstants.maximumDecodedLength)
        if encoding == FrameEncoding.stored.rawValue, storedLength != decodedLength {
            throw decoder.error(.lengthMismatch("a stored frame's payload", declared: UInt64(decodedLength),
                                                actual: UInt64(storedLength)), at: 2)
        }
        let checksum = try decoder.uint32("a frame header")
        return Prefix(kindByte: kind, encodingByte: encoding, storedLength: storedLength, decodedLength: decodedLength,
                      checksum: checksum, length: decoder.position)
    }
}
