import CLZMA

extension ELFFile {
    /// The most bytes a .gnu_debugdata section may decompress to.
    public static let miniDebugInfoLimit = 256 << 20

    /// MiniDebugInfo: the small ELF file, xz-compressed in the
    /// .gnu_debugdata section, whose .symtab holds the functions a stripped
    /// file's .dynsym lacks (Fedora and RHEL ship their binaries so).
    ///
    /// - Returns: The embedded file, or nil when there is none or it does
    ///   not decompress (within `miniDebugInfoLimit`) to an ELF file.
    public func miniDebugInfo() -> ELFFile? {
        guard let (_, section) = section(named: ".gnu_debugdata"), section.size > 0,
              section.size <= UInt64(ELFFile.miniDebugInfoLimit),
              let compressed = try? contents(of: section),
              let bytes = ELFFile.decompressXZ(compressed, limit: ELFFile.miniDebugInfoLimit)
        else { return nil }
        return try? ELFFile(bytes: bytes)
    }

    /// The bytes of an xz stream, or nil when it is damaged or would pass `limit`.
    static func decompressXZ(_ input: [UInt8], limit: Int) -> [UInt8]? {
        var stream = lzma_stream()
        guard lzma_stream_decoder(&stream, 256 << 20, 0) == LZMA_OK else { return nil }
        defer { lzma_end(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        return input.withUnsafeBufferPointer { source -> [UInt8]? in
            stream.next_in = source.baseAddress
            stream.avail_in = source.count
            while true {
                let result = chunk.withUnsafeMutableBufferPointer { buffer -> lzma_ret in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = buffer.count
                    return lzma_code(&stream, LZMA_FINISH)
                }
                let produced = chunk.count - stream.avail_out
                guard output.count + produced <= limit else { return nil }
                output.append(contentsOf: chunk[0..<produced])
                if result == LZMA_STREAM_END { return output }
                guard result == LZMA_OK, produced > 0 || stream.avail_in > 0 else { return nil }
            }
        }
    }
}
