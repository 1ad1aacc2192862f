/// The ELF file header: class, byte order, type, machine and where the
/// program and section header tables are. Values are as the file states
/// them; `ELFFile` checks them against the file before using them.
public struct ELFHeader: Hashable, Sendable {
    /// ELF64 (true) or ELF32.
    public var is64: Bool
    /// Big-endian (true) or little-endian fields.
    public var bigEndian: Bool
    /// e_type: ET_EXEC (2) for a fixed-address executable, ET_DYN (3) for a
    /// shared library or PIE executable, ET_REL (1), ET_CORE (4).
    public var type: UInt16
    /// e_machine: EM_X86_64 (62), EM_AARCH64 (183), ...
    public var machine: UInt16
    /// e_phoff: the file offset of the program header table.
    public var programHeaderOffset: UInt64
    /// e_phentsize: the size of one program header.
    public var programHeaderEntrySize: Int
    /// e_phnum: the number of program headers (PN_XNUM, 0xffff, means
    /// "in section 0's sh_info"; `ELFFile` resolves it).
    public var programHeaderCount: Int
    /// e_shoff: the file offset of the section header table (0: none).
    public var sectionHeaderOffset: UInt64
    /// e_shentsize: the size of one section header.
    public var sectionHeaderEntrySize: Int
    /// e_shnum: the number of section headers (0 with a table means "in
    /// section 0's sh_size"; `ELFFile` resolves it).
    public var sectionHeaderCount: Int
    /// e_shstrndx: the section holding section names (SHN_XINDEX means "in
    /// section 0's sh_link"; `ELFFile` resolves it).
    public var sectionNameIndex: Int

    /// The size of the header in bytes for each class.
    static func size(is64: Bool) -> Int { is64 ? 64 : 52 }

    /// e_type of a shared object or position-independent executable.
    public static let sharedObjectType: UInt16 = 3
    /// e_type of an executable linked at a fixed address.
    public static let executableType: UInt16 = 2

    /// Parses the identification bytes and header at the start of `bytes`;
    /// nil when they are not an ELF header of a known class and byte order.
    static func parse(_ bytes: [UInt8]) -> ELFHeader? {
        guard bytes.count >= 16, bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else { return nil }
        let is64: Bool
        switch bytes[4] {
        case 1: is64 = false
        case 2: is64 = true
        default: return nil
        }
        let bigEndian: Bool
        switch bytes[5] {
        case 1: bigEndian = false
        case 2: bigEndian = true
        default: return nil
        }
        guard bytes.count >= size(is64: is64) else { return nil }
        let decoder = ELFFieldDecoder(bigEndian: bigEndian)
        return ELFHeader(
            is64: is64, bigEndian: bigEndian,
            type: decoder.u16(bytes, 16), machine: decoder.u16(bytes, 18),
            programHeaderOffset: decoder.word(bytes, is64 ? 32 : 28, is64: is64),
            programHeaderEntrySize: Int(decoder.u16(bytes, is64 ? 54 : 42)),
            programHeaderCount: Int(decoder.u16(bytes, is64 ? 56 : 44)),
            sectionHeaderOffset: decoder.word(bytes, is64 ? 40 : 32, is64: is64),
            sectionHeaderEntrySize: Int(decoder.u16(bytes, is64 ? 58 : 46)),
            sectionHeaderCount: Int(decoder.u16(bytes, is64 ? 60 : 48)),
            sectionNameIndex: Int(decoder.u16(bytes, is64 ? 62 : 50)))
    }

    /// The decoder for this file's byte order.
    var decoder: ELFFieldDecoder { ELFFieldDecoder(bigEndian: bigEndian) }
}
