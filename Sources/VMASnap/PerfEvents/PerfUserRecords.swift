/// A HEADER_ATTR record (perf's pipe mode): an event's attribute, then
/// the sample ids of its records to the end of the record.
public struct PerfAttributeRecord: Hashable, Sendable {
    /// The event's attribute.
    public var attribute: PerfEventAttribute
    /// The sample ids its records carry.
    public var ids: [UInt64]

    /// Decodes a HEADER_ATTR record (header included).
    ///
    /// - Throws: `PerfEventError` when the attribute's declared size does
    ///   not fit the record or is below PERF_ATTR_SIZE_VER0.
    public init(_ record: PerfBytes, order: PerfByteOrder) throws {
        let bodyLength = record.count - PerfRecordHeader.size
        guard let declared = record.u32(PerfRecordHeader.size + PerfEventAttribute.Offset.size) else {
            throw PerfEventError.recordTooShort(.headerAttribute, size: record.count, minimum: PerfRecordHeader.size + 8)
        }
        guard declared >= UInt32(PerfEventAttribute.sizeVersion0), declared <= UInt32(bodyLength) else {
            throw PerfEventError.countTooLarge("an attribute size", count: UInt64(declared), available: bodyLength)
        }
        attribute = try PerfEventAttribute(decoding: record.slice(PerfRecordHeader.size, Int(declared))!, order: order)
        let idStart = PerfRecordHeader.size + Int(declared)
        ids = (0..<(record.count - idStart) / 8).map { record.u64(idStart + 8 * $0)! }
    }
}

/// A build ID perf recorded for a file (a HEADER_BUILD_ID record, or an
/// entry of the BUILD_ID feature section, which has the same layout):
/// {header, s32 pid, u8 build_id[20], u8 size, 3 reserved, filename}.
public struct PerfBuildIDRecord: Hashable, Sendable {
    /// The machine's pid: -1 for the host kernel, 0 for the host's user space
    /// (a guest's pid otherwise).
    public var pid: Int32
    /// The record's misc bits (its CPU mode: kernel or user files).
    public var misc: PerfRecordMisc
    /// The build ID (20 bytes unless the record gives its size).
    public var buildID: [UInt8]
    /// The file's path.
    public var filename: [UInt8]

    /// The fixed part: header, pid, 24 bytes of build ID and size.
    public static let fixedSize = PerfRecordHeader.size + 4 + 24

    /// Decodes one record (header included).
    ///
    /// - Throws: `PerfEventError.recordTooShort` when it lacks its fixed part.
    public init(_ record: PerfBytes) throws {
        guard let header = PerfRecordHeader(record), record.count >= PerfBuildIDRecord.fixedSize else {
            throw PerfEventError.recordTooShort(.headerBuildID, size: record.count, minimum: PerfBuildIDRecord.fixedSize)
        }
        misc = header.misc
        pid = Int32(bitPattern: record.u32(8)!)
        var length = 20
        if header.misc.has(PerfRecordMisc.buildIDSize) { length = Int(min(record.u8(32)!, 20)) }
        buildID = Array(record.slice(12, length)!)
        filename = record.string(PerfBuildIDRecord.fixedSize, end: record.count)!
    }
}
