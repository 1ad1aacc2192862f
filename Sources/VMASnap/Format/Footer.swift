/// The last 24 bytes of a finished recording: where the index frame is.
struct Footer: Hashable {
    /// The file offset of the index frame.
    var indexOffset: UInt64
    /// The index frame's total length.
    var indexLength: UInt64

    /// u64 offset, u64 length, "VMASNEND".
    func encoded() -> [UInt8] {
        var encoder = ByteEncoder()
        encoder.uint64(indexOffset)
        encoder.uint64(indexLength)
        encoder.append(FormatConstants.footerMagic)
        return encoder.bytes
    }

    /// The footer in the last 24 bytes of a file of `fileSize` bytes, or nil
    /// when they are not one that points at bytes just before it.
    static func decode(_ bytes: [UInt8], fileSize: UInt64, headerLength: UInt64) -> Footer? {
        guard bytes.count == FormatConstants.footerLength,
            bytes[16...].elementsEqual(FormatConstants.footerMagic)
        else { return nil }
        var decoder = ByteDecoder(bytes, origin: .file(0))
        guard let offset = try? decoder.uint64("the footer"), let length = try? decoder.uint64("the footer"),
            offset >= headerLength, length > 0, length <= fileSize,
            offset <= fileSize - length, offset + length == fileSize - UInt64(FormatConstants.footerLength)
        else { return nil }
        return Footer(indexOffset: offset, indexLength: length)
    }
}
