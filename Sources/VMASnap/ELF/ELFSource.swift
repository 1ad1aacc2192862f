/// Where an ELF file's bytes come from: its size, and a function that reads
/// `count` bytes at `offset` (fewer at the end of the file, nil on failure).
///
/// Every read is checked against the size first and against `readLimit`, so
/// that no value in the file can make the reader allocate more than the file
/// holds or read past its end.
public struct ELFSource {
    /// Reads `count` bytes at `offset`; returns fewer at the end of the file.
    public typealias ReadAt = (_ offset: UInt64, _ count: Int) -> [UInt8]?

    /// The most bytes one read may ask for (a symbol or string table).
    public static let readLimit = 1 << 30

    /// The file's size in bytes.
    public let size: UInt64
    private let readAt: ReadAt

    /// A source of `size` bytes read through `readAt`.
    ///
    /// - Parameters:
    ///   - size: The file's size.
    ///   - readAt: Reads bytes at an offset.
    public init(size: UInt64, readAt: @escaping ReadAt) {
        self.size = size
        self.readAt = readAt
    }

    /// A source over bytes held in memory.
    ///
    /// - Parameter bytes: The whole file.
    public init(bytes: [UInt8]) {
        self.init(size: UInt64(bytes.count)) { offset, count in
            guard offset <= UInt64(bytes.count) else { return nil }
            let start = Int(offset)
            return Array(bytes[start..<start + min(count, bytes.count - start)])
        }
    }

    /// A source reading the open file `file`.
    ///
    /// - Parameter file: An open regular file.
    init(file: ReadOnlyFile) {
        self.init(size: file.size) { offset, count in file.read(at: offset, count: count) }
    }

    /// Exactly `count` bytes at `offset`.
    ///
    /// - Throws: `ELFError.outOfBounds` when they are not all in the file,
    ///   `.tooLarge` beyond `readLimit`, `.unreadable` when the read fails.
    func read(_ offset: UInt64, _ count: UInt64, _ structure: ELFStructure) throws -> [UInt8] {
        guard offset <= size, count <= size - offset else { throw ELFError.outOfBounds(structure, offset: offset, size: count) }
        guard count <= UInt64(ELFSource.readLimit) else {
            throw ELFError.tooLarge(structure, count, limit: UInt64(ELFSource.readLimit))
        }
        guard let bytes = readAt(offset, Int(count)), bytes.count == Int(count) else { throw ELFError.unreadable(structure) }
        return bytes
    }
}
