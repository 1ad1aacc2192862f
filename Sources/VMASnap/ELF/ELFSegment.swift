/// One program header: a segment, as the loader maps it.
public struct ELFSegment: Hashable, Sendable {
    /// p_type: PT_LOAD (1), PT_NOTE (4), ...
    public var type: UInt32
    /// p_flags: PF_X (1), PF_W (2), PF_R (4).
    public var flags: UInt32
    /// p_offset: where the segment's bytes start in the file.
    public var fileOffset: UInt64
    /// p_vaddr: the ELF virtual address the segment is linked at (0-based
    /// for shared objects and PIE executables).
    public var virtualAddress: UInt64
    /// p_filesz: how many bytes of the file the segment maps.
    public var fileSize: UInt64
    /// p_memsz: the segment's size in memory (larger for .bss).
    public var memorySize: UInt64
    /// p_align.
    public var alignment: UInt64

    /// PT_LOAD: a segment the loader maps.
    public static let loadType: UInt32 = 1
    /// PT_NOTE: notes, such as the build ID.
    public static let noteType: UInt32 = 4
    /// PF_X: the segment is executable.
    public static let executableFlag: UInt32 = 1

    /// Creates a segment from its fields.
    public init(type: UInt32, flags: UInt32, fileOffset: UInt64, virtualAddress: UInt64,
                fileSize: UInt64, memorySize: UInt64, alignment: UInt64) {
        self.type = type
        self.flags = flags
        self.fileOffset = fileOffset
        self.virtualAddress = virtualAddress
        self.fileSize = fileSize
        self.memorySize = memorySize
        self.alignment = alignment
    }

    /// Whether this is a loadable segment.
    public var isLoad: Bool { type == ELFSegment.loadType }
    /// Whether the segment is mapped executable.
    public var isExecutable: Bool { flags & ELFSegment.executableFlag != 0 }

    /// Whether `fileOffset` lies in the file bytes the segment maps.
    @inlinable
    public func containsFileOffset(_ offset: UInt64) -> Bool {
        offset >= fileOffset && offset - fileOffset < fileSize
    }

    /// Decodes the program header at `at` in `table`.
    static func decode(_ table: [UInt8], at: Int, is64: Bool, decoder: ELFFieldDecoder) -> ELFSegment {
        if is64 {
            return ELFSegment(
                type: decoder.u32(table, at), flags: decoder.u32(table, at + 4),
                fileOffset: decoder.u64(table, at + 8), virtualAddress: decoder.u64(table, at + 16),
                fileSize: decoder.u64(table, at + 32), memorySize: decoder.u64(table, at + 40),
                alignment: decoder.u64(table, at + 48))
        }
        return ELFSegment(
            type: decoder.u32(table, at), flags: decoder.u32(table, at + 24),
            fileOffset: UInt64(decoder.u32(table, at + 4)), virtualAddress: UInt64(decoder.u32(table, at + 8)),
            fileSize: UInt64(decoder.u32(table, at + 16)), memorySize: UInt64(decoder.u32(table, at + 20)),
            alignment: UInt64(decoder.u32(table, at + 28)))
    }

    /// The smallest program header of each class.
    static func minimumEntrySize(is64: Bool) -> Int { is64 ? 56 : 32 }
}
