import CZstd

/// One zstd decompression context, reused for every frame of a reader.
final class ZstdDecompressor {
    private let context: OpaquePointer

    /// A new context.
    init() { context = ZSTD_createDCtx()! }

    deinit { ZSTD_freeDCtx(context) }

    /// Decodes one zstd frame that must hold exactly `decodedLength` bytes;
    /// throws the zstd error text otherwise (the caller adds the offset).
    func decompress(_ payload: [UInt8], decodedLength: Int) throws -> [UInt8] {
        // Check the size the frame declares before allocating for it.
        let declared = payload.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        if declared == ZSTD_CONTENTSIZE_ERROR {
            throw FormatError.Reason.decompressionFailed("not a zstd frame")
        }
        if declared != ZSTD_CONTENTSIZE_UNKNOWN, declared != UInt64(decodedLength) {
            throw FormatError.Reason.lengthMismatch("the zstd frame's content", declared: UInt64(decodedLength), actual: declared)
        }
        var output = [UInt8](repeating: 0, count: decodedLength)
        let result = output.withUnsafeMutableBytes { destination in
            payload.withUnsafeBytes { source in
                ZSTD_decompressDCtx(context, destination.baseAddress, destination.count, source.baseAddress, source.count)
            }
        }
        if ZSTD_isError(result) != 0 {
            throw FormatError.Reason.decompressionFailed(String(cString: ZSTD_getErrorName(result)))
        }
        guard result == decodedLength else {
            throw FormatError.Reason.lengthMismatch("the decoded payload", declared: UInt64(decodedLength), actual: UInt64(result))
        }
        return output
    }
}
