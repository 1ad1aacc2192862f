import Foundation
@testable import VMASnap

/// Rewrites parts of a finished recording for the damage tests: its index,
/// re-encoded with a valid CRC and footer so that only what it claims is
/// wrong; or bytes of a frame, with or without its CRC fixed up.
struct RecordingSurgery {
    var bytes: [UInt8]
    let headerLength: Int

    init(path: String) throws {
        bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        headerLength = try RecordingReader(path: path).headerLength
    }

    /// Every frame from the header to the end (index frame included), in order.
    var frames: [(offset: Int, prefix: FrameCodec.Prefix)] {
        var frames: [(Int, FrameCodec.Prefix)] = []
        var offset = headerLength
        while offset < bytes.count - FormatConstants.footerLength,
            let prefix = try? FrameCodec.decodePrefix(Array(bytes[offset..<min(offset + 25, bytes.count)]), at: UInt64(offset))
        {
            frames.append((offset, prefix))
            offset += prefix.totalLength
        }
        return frames
    }

    /// The records frames.
    var recordsFrames: [(offset: Int, prefix: FrameCodec.Prefix)] {
        frames.filter { $0.prefix.kindByte == FrameKind.records.rawValue }
    }

    /// The stored index, decoded.
    func index() throws -> RecordingIndex {
        let frame = frames.last!
        precondition(frame.prefix.kindByte == FrameKind.index.rawValue)
        return try RecordingIndex.decode(
            try payload(ofFrameAt: frame.offset), origin: .file(0), frameRange: UInt64(headerLength)..<UInt64(frame.offset),
            timeLimit: UInt64(Int64.max))
    }

    /// Replaces the index frame and footer with `index`, encoded as a writer would.
    mutating func replaceIndex(with index: RecordingIndex) {
        let indexOffset = frames.last!.offset
        let frame = FrameCodec.encode(kind: .index, payload: index.encoded(), compressor: nil)
        bytes = Array(bytes[0..<indexOffset]) + frame
            + Footer(indexOffset: UInt64(indexOffset), indexLength: UInt64(frame.count)).encoded()
    }

    /// Replaces the payload of the records frame at `offset` with `payload`
    /// (stored, with a valid CRC), which must leave the frame as long as it
    /// was, so that the index still lists the frames where they are.
    mutating func replacePayload(ofFrameAt offset: Int, with payload: [UInt8]) throws {
        let old = frames.first { $0.offset == offset }!
        let frame = FrameCodec.encode(kind: .records, payload: payload, compressor: nil)
        precondition(frame.count == old.prefix.totalLength, "a payload of another length would move the frames after it")
        bytes.replaceSubrange(offset..<(offset + old.prefix.totalLength), with: frame)
    }

    /// The decoded payload of the frame at `offset`.
    func payload(ofFrameAt offset: Int) throws -> [UInt8] {
        let frame = frames.first { $0.offset == offset }!
        let stored = Array(bytes[(offset + frame.prefix.length)..<(offset + frame.prefix.totalLength)])
        guard frame.prefix.encodingByte == FrameEncoding.zstd.rawValue else { return stored }
        return try ZstdDecompressor().decompress(stored, decodedLength: frame.prefix.decodedLength)
    }

    func write(to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
