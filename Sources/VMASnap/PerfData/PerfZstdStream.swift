import CZstd

/// The zstd stream of a session's COMPRESSED records: perf compresses the
/// kernel's records as one stream, flushed at the end of each record's
/// data, so the records are decoded in order by one context, and a kernel
/// record may continue in the next COMPRESSED record's data.
final class PerfZstdStream {
    private let stream: OpaquePointer

    /// A new stream.
    init() {
        stream = ZSTD_createDStream()!
        ZSTD_initDStream(stream)
    }

    deinit { ZSTD_freeDStream(stream) }

    /// Decodes all of `input` and appends what it gives to `output`.
    ///
    /// - Parameter limit: the most bytes one record's data may decode to.
    /// - Throws: `PerfDataError.Reason.decompressionFailed` on bad data, or
    ///   `.tooLarge` when it decodes to more than `limit` bytes.
    func decompress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8], limit: Int) throws {
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        let start = output.count
        let step = max(ZSTD_DStreamOutSize(), 1 << 16)
        while true {
            let before = output.count
            guard before - start <= limit else {
                throw PerfDataError.Reason.tooLarge("a COMPRESSED record's decoded size", value: UInt64(before - start), limit: UInt64(limit))
            }
            output.append(contentsOf: repeatElement(0, count: step))
            let (result, produced): (Int, Int) = output.withUnsafeMutableBytes { raw in
                var target = ZSTD_outBuffer(dst: raw.baseAddress! + before, size: step, pos: 0)
                let result = ZSTD_decompressStream(stream, &target, &source)
                return (result, target.pos)
            }
            output.removeLast(step - produced)
            if ZSTD_isError(result) != 0 {
                throw PerfDataError.Reason.decompressionFailed(String(cString: ZSTD_getErrorName(result)))
            }
            // Done when the input is consumed and the output buffer was not
            // filled (zstd holds nothing more back).
            if source.pos == source.size && produced < step { return }
        }
    }
}
