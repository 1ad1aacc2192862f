extension ELFFile {
    /// The most bytes of notes read, segments and sections together.
    static let noteLimit: UInt64 = 1 << 20

    /// The NT_GNU_BUILD_ID note: from the PT_NOTE segments, as the kernel
    /// and the recorder read it, else from SHT_NOTE sections (a separate
    /// debug file keeps the note sections).
    ///
    /// - Returns: The build ID, or nil when the file has none readable.
    public func buildID() -> BuildID? {
        let decoder = header.decoder
        var budget = ELFFile.noteLimit
        for segment in programHeaders where segment.type == ELFSegment.noteType && segment.fileSize > 0 && segment.fileSize <= budget {
            budget -= segment.fileSize
            guard let notes = try? source.read(segment.fileOffset, segment.fileSize, .notes) else { continue }
            if let id = ELFBuildIDReader.scanNotes(notes, decoder: decoder, alignment: segment.alignment == 8 ? 8 : 4) {
                return id
            }
        }
        for section in sections where section.type == ELFSection.noteType && section.size > 0 && section.size <= budget {
            budget -= section.size
            guard let notes = try? contents(of: section, as: .notes) else { continue }
            if let id = ELFBuildIDReader.scanNotes(notes, decoder: decoder, alignment: section.entrySize == 8 ? 8 : 4) {
                return id
            }
        }
        return nil
    }

    /// The .gnu_debuglink section: the name of a separate debug file, and
    /// the CRC-32 of its contents.
    ///
    /// - Returns: The link, or nil when there is none or it is malformed.
    public func debugLink() -> ELFDebugLink? {
        guard let (_, section) = section(named: ".gnu_debuglink"), section.size <= 4096,
              let bytes = try? contents(of: section, as: .debugLink),
              let terminator = bytes.firstIndex(of: 0), terminator > 0,
              // A file name, never a path: it is looked up in debug directories.
              !bytes[..<terminator].contains(UInt8(ascii: "/"))
        else { return nil }
        let crcAt = (terminator + 1 + 3) & ~3
        guard crcAt + 4 <= bytes.count else { return nil }
        return ELFDebugLink(fileName: Array(bytes[..<terminator]), crc: header.decoder.u32(bytes, crcAt))
    }

    /// Whether the file holds DWARF debug information (a .debug_info
    /// section with bytes, compressed or not).
    public var hasDebugInfo: Bool {
        sections.contains { section in
            section.hasFileBytes && section.size > 0
                && (section.name == ELFFile.debugInfoName || section.name == ELFFile.compressedDebugInfoName)
        }
    }

    private static let debugInfoName = Array(".debug_info".utf8)
    private static let compressedDebugInfoName = Array(".zdebug_info".utf8)
}
