/// A bounded reading of an ELF file: its header, program headers and section
/// headers, and (in extensions) its notes, symbol tables and debug link.
///
/// The file is untrusted: any process can map any file, and a symbolizer is
/// handed whatever is at a path. Every offset, size and count is checked
/// against the file before it is used, tables are capped, and anything
/// inconsistent is an `ELFError` or a missing part, never a trap. ELF32 and
/// ELF64 of either byte order are read.
public struct ELFFile {
    /// The file header.
    public let header: ELFHeader
    /// Every program header, in file order.
    public let programHeaders: [ELFSegment]
    /// Every section header, in file order, names resolved (empty when the
    /// file has no section headers, as some stripped files do not).
    public let sections: [ELFSection]
    /// Where the bytes come from.
    let source: ELFSource

    /// The most program headers read.
    public static let programHeaderLimit = 65_535
    /// The most section headers read.
    public static let sectionLimit = 1 << 18
    /// The longest name read from a string table.
    public static let nameLimit = 1 << 16

    /// Reads the headers of the file `source` holds.
    ///
    /// - Parameter source: The file's bytes.
    /// - Throws: `ELFError` when the header or a header table is not
    ///   readable. Damaged section names are left empty, not thrown.
    public init(source: ELFSource) throws {
        self.source = source
        guard source.size >= 16, let identification = try? source.read(0, min(64, source.size), .header),
              let header = ELFHeader.parse(identification)
        else { throw ELFError.notELF }
        let decoder = header.decoder
        let is64 = header.is64

        // Section 0 holds the real counts when they do not fit the header
        // (extended numbering): e_shnum 0, e_shstrndx SHN_XINDEX, e_phnum PN_XNUM.
        var sectionCount = header.sectionHeaderCount
        var sectionNameIndex = header.sectionNameIndex
        var programHeaderCount = header.programHeaderCount
        var sectionTable: [UInt8] = []
        let sectionEntrySize = header.sectionHeaderEntrySize
        if header.sectionHeaderOffset != 0 {
            guard sectionEntrySize >= ELFSection.minimumEntrySize(is64: is64) else {
                throw ELFError.badEntrySize(.sectionHeaders, UInt64(sectionEntrySize))
            }
            let first = try source.read(header.sectionHeaderOffset, UInt64(sectionEntrySize), .sectionHeaders)
            let (zero, _) = ELFSection.decode(first, at: 0, is64: is64, decoder: decoder)
            if sectionCount == 0 { sectionCount = zero.size > UInt64(Int.max) ? Int.max : Int(zero.size) }
            if sectionNameIndex == 0xFFFF { sectionNameIndex = Int(zero.link) }
            if programHeaderCount == 0xFFFF && zero.info != 0 { programHeaderCount = Int(zero.info) }
            guard sectionCount <= ELFFile.sectionLimit else {
                throw ELFError.tooLarge(.sectionHeaders, UInt64(sectionCount), limit: UInt64(ELFFile.sectionLimit))
            }
            sectionTable = try source.read(header.sectionHeaderOffset, UInt64(sectionCount) * UInt64(sectionEntrySize), .sectionHeaders)
        }

        var segments: [ELFSegment] = []
        if programHeaderCount > 0 {
            let entrySize = header.programHeaderEntrySize
            guard entrySize >= ELFSegment.minimumEntrySize(is64: is64) else {
                throw ELFError.badEntrySize(.programHeaders, UInt64(entrySize))
            }
            guard programHeaderCount <= ELFFile.programHeaderLimit else {
                throw ELFError.tooLarge(.programHeaders, UInt64(programHeaderCount), limit: UInt64(ELFFile.programHeaderLimit))
            }
            let table = try source.read(header.programHeaderOffset, UInt64(programHeaderCount) * UInt64(entrySize), .programHeaders)
            segments.reserveCapacity(programHeaderCount)
            for index in 0..<programHeaderCount {
                segments.append(ELFSegment.decode(table, at: index * entrySize, is64: is64, decoder: decoder))
            }
        }

        var sections: [ELFSection] = []
        var nameOffsets: [UInt32] = []
        sections.reserveCapacity(sectionCount)
        nameOffsets.reserveCapacity(sectionCount)
        for index in 0..<(sectionTable.isEmpty ? 0 : sectionCount) {
            let (section, nameOffset) = ELFSection.decode(sectionTable, at: index * sectionEntrySize, is64: is64, decoder: decoder)
            sections.append(section)
            nameOffsets.append(nameOffset)
        }
        // Names: damaged names leave a section unnamed, the rest readable.
        if sectionNameIndex > 0, sectionNameIndex < sections.count, sections[sectionNameIndex].hasFileBytes,
           let names = try? source.read(sections[sectionNameIndex].fileOffset, sections[sectionNameIndex].size, .sectionNames)
        {
            for index in sections.indices {
                sections[index].name = ELFFile.string(in: names, at: UInt64(nameOffsets[index])) ?? []
            }
        }
        self.header = header
        self.programHeaders = segments
        self.sections = sections
    }

    /// Reads the headers of the ELF file at `path`, through pread: the file
    /// stays open while the value (or a copy) is alive.
    ///
    /// - Parameter path: The file.
    /// - Throws: `SystemError` when it cannot be opened, `ELFError` as
    ///   `init(source:)`.
    public init(path: String) throws {
        try self.init(source: ELFSource(file: try ReadOnlyFile(path: path)))
    }

    /// Reads the headers of an ELF image held in memory.
    ///
    /// - Parameter bytes: The whole file.
    /// - Throws: `ELFError`, as `init(source:)`.
    public init(bytes: [UInt8]) throws {
        try self.init(source: ELFSource(bytes: bytes))
    }

    /// The NUL-terminated string at `offset` of a string table; nil when it
    /// is out of bounds, unterminated or longer than `nameLimit`.
    static func string(in table: [UInt8], at offset: UInt64) -> [UInt8]? {
        guard offset < UInt64(table.count) else { return nil }
        let start = Int(offset)
        let end = min(table.count, start + nameLimit + 1)
        guard let terminator = table[start..<end].firstIndex(of: 0) else { return nil }
        return Array(table[start..<terminator])
    }

    /// The loadable segments (PT_LOAD), in file order.
    public var loadSegments: [ELFSegment] { programHeaders.filter(\.isLoad) }

    /// The first section with this name, and its index.
    ///
    /// - Parameter name: A section name, such as ".gnu_debuglink".
    /// - Returns: The index and section, or nil.
    public func section(named name: String) -> (index: Int, section: ELFSection)? {
        let bytes = Array(name.utf8)
        guard let index = sections.firstIndex(where: { $0.name == bytes }) else { return nil }
        return (index, sections[index])
    }

    /// The bytes of a section held in the file.
    ///
    /// - Parameter section: One of `sections`.
    /// - Returns: Its bytes (empty for SHT_NOBITS).
    /// - Throws: `ELFError` when they are not in the file.
    public func contents(of section: ELFSection, as structure: ELFStructure = .section) throws -> [UInt8] {
        guard section.hasFileBytes else { return [] }
        return try source.read(section.fileOffset, section.size, structure)
    }

    /// The ELF virtual address that file offset `offset` is loaded at: the
    /// offset's place in the PT_LOAD segment that holds it (an executable one
    /// first, where segments share file bytes). This is the address symbol
    /// tables and DWARF use, for PIE and fixed-address files alike, whatever
    /// the segment's p_vaddr and p_offset.
    ///
    /// - Parameter offset: A file offset, such as a mapping's answer.
    /// - Returns: The address, or nil when no loadable segment holds the offset.
    public func virtualAddress(ofFileOffset offset: UInt64) -> UInt64? {
        ELFFile.virtualAddress(ofFileOffset: offset, in: programHeaders)
    }

    /// `virtualAddress(ofFileOffset:)` over a list of segments.
    static func virtualAddress(ofFileOffset offset: UInt64, in segments: [ELFSegment]) -> UInt64? {
        var found: ELFSegment?
        for segment in segments where segment.isLoad && segment.containsFileOffset(offset) {
            if segment.isExecutable { found = segment; break }
            if found == nil { found = segment }
        }
        guard let found else { return nil }
        return found.virtualAddress &+ (offset - found.fileOffset)
    }
}
