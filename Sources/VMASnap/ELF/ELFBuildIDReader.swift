/// Finds the NT_GNU_BUILD_ID note of an ELF file, reading at most a bounded
/// number of bytes and checking every size and offset against the file.
///
/// The file is untrusted: a target process chooses what it maps. The reader
/// follows the program headers (PT_NOTE), as the kernel does, for ELF32 and
/// ELF64 of either byte order. Any inconsistency means "no build ID".
public struct ELFBuildIDReader {
    /// Reads `count` bytes at `offset`; returns fewer at the end of the file.
    public typealias ReadAt = (_ offset: UInt64, _ count: Int) -> [UInt8]?

    /// The most bytes one lookup reads, headers and notes together.
    public static let readLimit = 256 * 1024
    /// The most program headers examined.
    public static let programHeaderLimit = 4096

    private let readAt: ReadAt
    private let fileSize: UInt64
    private var budget = ELFBuildIDReader.readLimit

    /// A reader over a file of `fileSize` bytes.
    public init(fileSize: UInt64, readAt: @escaping ReadAt) {
        self.fileSize = fileSize
        self.readAt = readAt
    }

    /// The build ID, or nil when the file has none or is not a valid ELF.
    public static func buildID(fileSize: UInt64, readAt: @escaping ReadAt) -> BuildID? {
        var reader = ELFBuildIDReader(fileSize: fileSize, readAt: readAt)
        return reader.find()
    }

    /// The build ID of an ELF image held in memory.
    public static func buildID(in image: [UInt8]) -> BuildID? {
        buildID(fileSize: UInt64(image.count)) { offset, count in
            guard offset <= UInt64(image.count) else { return nil }
            let start = Int(offset)
            return Array(image[start..<min(image.count, start + count)])
        }
    }

    private mutating func read(_ offset: UInt64, _ count: Int) -> [UInt8]? {
        guard count >= 0, count <= budget, offset <= fileSize, UInt64(count) <= fileSize - offset else { return nil }
        budget -= count
        guard let bytes = readAt(offset, count), bytes.count == count else { return nil }
        return bytes
    }

    private mutating func find() -> BuildID? {
        guard let ident = read(0, 16), ident[0] == 0x7F, ident[1] == 0x45, ident[2] == 0x4C, ident[3] == 0x46,
              ident[4] == 1 || ident[4] == 2,
              let bytes = read(0, ELFHeader.size(is64: ident[4] == 2)), let header = ELFHeader.parse(bytes)
        else { return nil }
        let is64 = header.is64
        let decoder = header.decoder
        let entrySize = header.programHeaderEntrySize
        let entryCount = header.programHeaderCount
        guard entryCount > 0, entryCount <= ELFBuildIDReader.programHeaderLimit,
              entrySize >= ELFSegment.minimumEntrySize(is64: is64),
              let table = read(header.programHeaderOffset, entrySize * entryCount)
        else { return nil }
        for index in 0..<entryCount {
            let segment = ELFSegment.decode(table, at: index * entrySize, is64: is64, decoder: decoder)
            guard segment.type == ELFSegment.noteType else { continue }
            guard segment.fileSize > 0, segment.fileSize <= UInt64(budget),
                  let notes = read(segment.fileOffset, Int(segment.fileSize))
            else { continue }
            if let id = ELFBuildIDReader.scanNotes(notes, decoder: decoder, alignment: segment.alignment == 8 ? 8 : 4) {
                return id
            }
        }
        return nil
    }

    /// Walks the notes of one PT_NOTE segment or SHT_NOTE section, every
    /// length checked.
    static func scanNotes(_ notes: [UInt8], decoder: ELFFieldDecoder, alignment: Int) -> BuildID? {
        var position = 0
        func aligned(_ value: Int) -> Int { (value + alignment - 1) & ~(alignment - 1) }
        while position + 12 <= notes.count {
            let nameSize = Int(decoder.u32(notes, position))
            let descriptionSize = Int(decoder.u32(notes, position + 4))
            let type = decoder.u32(notes, position + 8)
            let nameStart = position + 12
            guard nameSize <= notes.count - nameStart else { return nil }
            let descriptionStart = aligned(nameStart + nameSize)
            guard descriptionStart <= notes.count, descriptionSize <= notes.count - descriptionStart else { return nil }
            // Name "GNU\0", type NT_GNU_BUILD_ID (3).
            if type == 3 && nameSize == 4 && notes[nameStart] == 0x47 && notes[nameStart + 1] == 0x4E
                && notes[nameStart + 2] == 0x55 && notes[nameStart + 3] == 0
            {
                return BuildID(notes[descriptionStart..<descriptionStart + descriptionSize])
            }
            let next = aligned(descriptionStart + descriptionSize)
            guard next > position else { return nil }
            position = next
        }
        return nil
    }
}
