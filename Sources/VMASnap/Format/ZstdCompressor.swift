import CZstd

/// One zstd compression context, reused for every frame of a writer.
final class ZstdCompressor {
    private let context: OpaquePointer

    /// A context at `level`.
    init(level: Int32) {
        context = ZSTD_createCCtx()!
        _ = ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
    }

    deinit { ZSTD_freeCCtx(context) }

    /// `payload` as one complete zstd frame (content size included), or nil
    /// if zstd fails.
    func compress(_ payload: [UInt8]) -> [UInt8]? {
        let bound = ZSTD_compressBound(payload.count)
        var output = [UInt8](repeating: 0, count: bound)
        let result = output.withUnsafeMutableBytes { destination in
            payload.withUnsafeBytes { source in
                ZSTD_compress2(context, destination.baseAddress, destination.count, source.baseAddress, source.count)
            }
        }
        guard ZSTD_isError(result) == 0 else { return nil }
        output.removeSubrange(result...)
        return output
    }
}
