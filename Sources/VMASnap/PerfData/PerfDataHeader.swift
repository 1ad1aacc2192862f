/// The start of a perf.data file or stream: its mode, byte order and, in
/// file mode, where its sections are (`struct perf_file_header`).
public struct PerfDataHeader: Hashable, Sendable {
    /// How perf wrote it.
    public enum Mode: Hashable, Sendable, CustomStringConvertible {
        /// `perf record -o FILE`: a header with sections, rewritten at the end.
        case file
        /// `perf record -o -`: a 16-byte header, then records only (the
        /// attributes and features as records).
        case pipe

        /// "file" or "pipe".
        public var description: String { self == .file ? "file" : "pipe" }
    }

    /// A {u64 offset, u64 size} section of the file.
    public struct Section: Hashable, Sendable {
        /// Where it starts.
        public var offset: UInt64
        /// How many bytes it has.
        public var size: UInt64
        /// Where it ends (saturating).
        public var end: UInt64 { offset.addingReportingOverflow(size).overflow ? .max : offset + size }
    }

    /// "PERFILE2" as it reads in file order on a little-endian writer.
    static let magic: [UInt8] = Array("PERFILE2".utf8)
    /// The same, from a big-endian writer.
    static let swappedMagic: [UInt8] = Array("2ELIFREP".utf8)
    /// perf's first format.
    static let version1Magic: [UInt8] = Array("PERFFILE".utf8)
    /// sizeof(struct perf_file_header) and sizeof(struct perf_pipe_file_header).
    static let fileHeaderSize: UInt64 = 104, pipeHeaderSize: UInt64 = 16

    /// File or pipe mode.
    public var mode: Mode
    /// The byte order of the machine perf ran on.
    public var order: PerfByteOrder
    /// attr_size: the size of one entry of the attribute section (an attribute and its ids section).
    public var attributeEntrySize: UInt64 = 0
    /// The attribute section (file mode).
    public var attributes = Section(offset: 0, size: 0)
    /// The data section (file mode; in pipe mode, everything after the header).
    public var data = Section(offset: 0, size: 0)
    /// The feature bitmap (256 bits, file mode).
    public var featureBits: [UInt64] = [0, 0, 0, 0]

    /// Whether feature `number` has a section.
    public func hasFeature(_ number: Int) -> Bool {
        number >= 0 && number < 256 && featureBits[number / 64] & (1 << UInt64(number % 64)) != 0
    }

    /// The features that have sections, in the order of their section table.
    public var features: [Int] { (0..<256).filter(hasFeature) }

    /// Decodes the first bytes of a file or stream: at least 16, and 104 for
    /// file mode unless `modeOnly` (then a file-mode header has only its
    /// mode and byte order).
    ///
    /// - Throws: `PerfDataError` when the magic or sizes are not perf's.
    static func decode(_ prefix: [UInt8], modeOnly: Bool = false) throws -> PerfDataHeader {
        guard prefix.count >= 8 else {
            throw PerfDataError(offset: 0, reason: magic.starts(with: prefix) ? .truncated("the header") : .notPerfData)
        }
        let first8 = Array(prefix[0..<8])
        let order: PerfByteOrder
        switch first8 {
        case magic: order = .littleEndian
        case swappedMagic: order = .bigEndian
        case version1Magic: throw PerfDataError(offset: 0, reason: .unsupportedVersion)
        default: throw PerfDataError(offset: 0, reason: .notPerfData)
        }
        return try prefix.withUnsafeBytes { raw in
            let bytes = PerfBytes(raw, order: order)
            guard let size = bytes.u64(8) else { throw PerfDataError(offset: UInt64(prefix.count), reason: .truncated("the header")) }
            var header = PerfDataHeader(mode: .pipe, order: order)
            switch size {
            case pipeHeaderSize:
                header.data = Section(offset: pipeHeaderSize, size: .max)
                return header
            case fileHeaderSize:
                if modeOnly {
                    header.mode = .file
                    return header
                }
                guard prefix.count >= Int(fileHeaderSize) else {
                    throw PerfDataError(offset: UInt64(prefix.count), reason: .truncated("the file header"))
                }
                header.mode = .file
                header.attributeEntrySize = bytes.u64(16)!
                header.attributes = Section(offset: bytes.u64(24)!, size: bytes.u64(32)!)
                header.data = Section(offset: bytes.u64(40)!, size: bytes.u64(48)!)
                header.featureBits = (0..<4).map { bytes.u64(72 + 8 * $0)! }
                return header
            default:
                throw PerfDataError(offset: 8, reason: .invalid("the header size is \(size), neither 104 (a file) nor 16 (a pipe)"))
            }
        }
    }

    init(mode: Mode, order: PerfByteOrder) {
        self.mode = mode
        self.order = order
    }
}
