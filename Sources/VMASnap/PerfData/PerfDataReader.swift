import SystemPackage

/// Reads a perf.data file, or perf's pipe format (`perf record -o -`),
/// and hands on its kernel records in time order as perf does.
///
/// Opening reads the header, the event attributes and (file mode) the
/// feature sections. `forEachRecord` then streams the data: records are
/// read in chunks and held only until a FINISHED_ROUND releases them (see
/// `PerfRecordQueue`), so memory follows the largest round, not the file.
/// COMPRESSED records (`perf record -z`) are decoded as they come.
///
/// A file written on a machine of the other byte order is read, every field
/// swapped. No input makes the reader trap: damage is a `PerfDataError`
/// naming its byte. A file cut short is read up to the cut, and
/// `forEachRecord` throws after handing on everything before it.
public final class PerfDataReader {
    /// The header: mode, byte order, sections.
    public let header: PerfDataHeader
    /// The events: attributes, sample ids, decoders. In pipe mode they
    /// arrive as HEADER_ATTR records, before the records that use them.
    public internal(set) var events: PerfEventList
    /// What the feature sections (file mode) or HEADER_FEATURE records (pipe
    /// mode, as they are read) say.
    public internal(set) var features = PerfDataFeatures()
    /// Build IDs from HEADER_BUILD_ID records (pipe mode; file mode keeps
    /// them in `features.buildIDs`).
    public internal(set) var buildIDRecords: [PerfBuildIDRecord] = []
    /// What reading met so far.
    public internal(set) var statistics = PerfDataStatistics()
    /// Set on opening when the header's data size is 0 although data follows
    /// (perf was killed before it rewrote its header): the data is read to
    /// the end of the file, and there are no feature sections.
    public private(set) var dataSizeWasMissing = false
    /// Damage found on opening (a feature section beyond the end of the
    /// file): `forEachRecord` throws it after reading what it can.
    public private(set) var damage: PerfDataError?

    /// The size of the input when it is a file (nil for a pipe).
    public var inputSize: UInt64? { input.size }

    /// The most bytes of records held for ordering before the earliest half
    /// is let out.
    public var holdingLimit = 256 << 20

    let input: PerfDataInput
    var queue: PerfRecordQueue
    var typeCounts = [Int](repeating: 0, count: 128)
    var zstd: PerfZstdStream?
    var decoded: [UInt8] = []
    var decodedStreamOffset: UInt64 = 0
    var consumed = false

    /// The largest attribute section, id list or feature section accepted.
    static let sectionLimit: UInt64 = 64 << 20
    /// The most events accepted.
    static let eventLimit = 1 << 16
    /// The most bytes one COMPRESSED record may decode to.
    static let decodedRecordLimit = 64 << 20

    /// Opens the perf.data file at `path`.
    ///
    /// - Throws: `SystemError` when it cannot be read; `PerfDataError` when
    ///   it is not perf.data or its header or attributes are damaged.
    public convenience init(path: String) throws {
        try self.init(input: PerfDataInput(path: path))
    }

    /// Reads perf.data from `descriptor` (a file, or a pipe carrying perf's pipe
    /// format), called `name` in errors. The descriptor is not closed.
    ///
    /// - Throws: as `init(path:)`; a file-mode perf.data on a pipe cannot be
    ///   read (its sections need offsets).
    public convenience init(descriptor: FileDescriptor, name: String) throws {
        try self.init(input: PerfDataInput(descriptor: descriptor, name: name))
    }

    init(input: PerfDataInput) throws {
        self.input = input
        queue = PerfRecordQueue(byteLimit: 256 << 20)
        var prefix = [UInt8](repeating: 0, count: Int(PerfDataHeader.pipeHeaderSize))
        let got = try prefix.withUnsafeMutableBytes { try input.readNext(into: $0) }
        prefix.removeSubrange(got...)
        var header = try PerfDataHeader.decode(prefix, modeOnly: true)
        if header.mode == .file {
            guard input.isSeekable else {
                throw PerfDataError(offset: 0, reason: .invalid(
                    "a perf.data file (not perf's pipe format) cannot be read from a pipe: give its path, or record with -o -"))
            }
            header = try PerfDataHeader.decode(try input.read(at: 0, count: Int(PerfDataHeader.fileHeaderSize)))
        }
        self.header = header
        events = PerfEventList(order: header.order)
        if header.mode == .file { try openFile() }
    }

    /// Reads the attributes and features of a file-mode perf.data.
    private func openFile() throws {
        let size = input.size ?? 0
        let entrySize = header.attributeEntrySize
        let attributes = header.attributes
        guard entrySize >= UInt64(PerfEventAttribute.sizeVersion0 + 16), entrySize <= UInt64(PerfEventAttribute.maximumSize) else {
            throw PerfDataError(offset: 16, reason: .invalid("the attribute entry size is \(entrySize)"))
        }
        guard attributes.size % entrySize == 0, attributes.size / entrySize <= UInt64(PerfDataReader.eventLimit) else {
            throw PerfDataError(offset: 32, reason: .invalid(
                "the attribute section's \(attributes.size) bytes are not a whole number of \(entrySize)-byte entries (or too many)"))
        }
        guard attributes.size > 0 else { throw PerfDataError(offset: 32, reason: .invalid("the file has no event attributes")) }
        guard attributes.end <= size else {
            throw PerfDataError(offset: min(attributes.offset, size), reason: .truncated("the attribute section"))
        }
        let section = try input.read(at: attributes.offset, count: Int(attributes.size))
        try section.withUnsafeBytes { raw in
            let bytes = PerfBytes(raw, order: header.order)
            for entry in 0..<Int(attributes.size / entrySize) {
                let start = entry * Int(entrySize)
                let attributeLength = Int(entrySize) - 16
                let offset = attributes.offset + UInt64(start)
                let attribute: PerfEventAttribute
                do {
                    attribute = try PerfEventAttribute(decoding: bytes.slice(start, attributeLength)!, order: header.order)
                } catch let error as PerfEventError {
                    throw PerfDataError(offset: offset, reason: .record(.headerAttribute, error))
                }
                let ids = PerfDataHeader.Section(offset: bytes.u64(start + attributeLength)!, size: bytes.u64(start + attributeLength + 8)!)
                guard ids.size % 8 == 0, ids.size <= PerfDataReader.sectionLimit else {
                    throw PerfDataError(offset: offset + UInt64(attributeLength), reason: .invalid("an id section of \(ids.size) bytes"))
                }
                guard ids.end <= size else { throw PerfDataError(offset: offset + UInt64(attributeLength), reason: .truncated("an id section")) }
                let idBytes = try input.read(at: ids.offset, count: Int(ids.size))
                let values = idBytes.withUnsafeBytes { idRaw in
                    (0..<idBytes.count / 8).map { PerfBytes(idRaw, order: header.order).u64(8 * $0)! }
                }
                do {
                    try events.add(attribute, ids: values)
                } catch let error as PerfEventError {
                    throw PerfDataError(offset: offset, reason: .record(.headerAttribute, error))
                } catch let mismatch as PerfEventList.Mismatch {
                    throw PerfDataError(offset: offset, reason: .events(mismatch))
                }
            }
        }

        let data = header.data
        guard data.offset >= PerfDataHeader.fileHeaderSize else {
            throw PerfDataError(offset: 40, reason: .invalid("the data section starts at \(data.offset), inside the header"))
        }
        guard data.offset <= size else {
            throw PerfDataError(offset: size, reason: .truncated("the data section, which should start at byte \(data.offset)"))
        }
        if data.size == 0 && size > data.offset {
            dataSizeWasMissing = true
            return
        }
        if data.end > size {
            damage = PerfDataError(offset: size, reason: .truncated("the data section, which should end at byte \(data.end)"))
            return
        }
        try readFeatures(size: size)
    }

    /// Reads the feature sections listed after the data section.
    private func readFeatures(size: UInt64) throws {
        let numbers = header.features
        guard !numbers.isEmpty else { return }
        let tableOffset = header.data.end
        let tableLength = UInt64(numbers.count * 16)
        guard tableOffset + tableLength <= size else {
            damage = PerfDataError(offset: tableOffset, reason: .truncated("the feature section table"))
            return
        }
        let table = try input.read(at: tableOffset, count: Int(tableLength))
        for (position, number) in numbers.enumerated() {
            let section = table.withUnsafeBytes { raw -> PerfDataHeader.Section in
                let bytes = PerfBytes(raw, order: header.order)
                return PerfDataHeader.Section(offset: bytes.u64(16 * position)!, size: bytes.u64(16 * position + 8)!)
            }
            let at = tableOffset + UInt64(16 * position)
            guard section.size <= PerfDataReader.sectionLimit else {
                throw PerfDataError(offset: at, reason: .tooLarge("feature \(number)'s section size", value: section.size, limit: PerfDataReader.sectionLimit))
            }
            guard section.end <= size else {
                damage = PerfDataError(offset: at, reason: .truncated("feature \(number)'s section"))
                return
            }
            let bytes = try input.read(at: section.offset, count: Int(section.size))
            do {
                try bytes.withUnsafeBytes { try features.apply(feature: number, PerfBytes($0, order: header.order)) }
            } catch let reason as PerfDataError.Reason {
                throw PerfDataError(offset: section.offset, reason: reason)
            }
        }
    }
}
