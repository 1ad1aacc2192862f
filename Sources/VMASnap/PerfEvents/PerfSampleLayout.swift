/// Where the fields of an event's records are, as its attribute implies:
/// the SAMPLE record's fields in sample_type order, and the sample_id
/// trailer that `sample_id_all` appends to every other kernel record.
///
/// The fields before PERF_SAMPLE_READ have fixed sizes, so the time and
/// the id of a sample are at fixed offsets (what perf's id_pos is); the
/// trailer's id is counted from the record's end (perf's is_pos).
public struct PerfSampleLayout: Hashable, Sendable {
    /// The fields of SAMPLE records.
    public let sampleType: PerfSampleType
    /// The layout of PERF_SAMPLE_READ values.
    public let readFormat: PerfReadFormat
    /// Whether non-sample kernel records carry the sample_id trailer.
    public let sampleIDAll: Bool
    /// Whether branch stacks carry a hw_idx (PERF_SAMPLE_BRANCH_HW_INDEX).
    public let branchHasHardwareIndex: Bool
    /// How many registers PERF_SAMPLE_REGS_USER holds (when its abi is not 0).
    public let userRegisterCount: Int
    /// How many registers PERF_SAMPLE_REGS_INTR holds (when its abi is not 0).
    public let interruptRegisterCount: Int

    /// The byte offset of the time in a SAMPLE record (header included), nil without one.
    public let sampleTimeOffset: Int?
    /// The byte offset of the id (IDENTIFIER, else ID) in a SAMPLE record, nil without one.
    public let sampleIDOffset: Int?
    /// The bytes of a SAMPLE record up to and including PERIOD (header included):
    /// every field of fixed size.
    public let fixedSampleSize: Int

    /// The bytes of the sample_id trailer; 0 without `sampleIDAll`.
    public let trailerSize: Int
    /// Offsets within the trailer: pid/tid, time, id, stream id, cpu, identifier.
    let trailerTIDOffset: Int?
    let trailerTimeOffset: Int?
    let trailerIDOffset: Int?
    let trailerStreamIDOffset: Int?
    let trailerCPUOffset: Int?
    /// The position of the id in the trailer counted in u64 slots from the
    /// record's end (1 = the last slot); nil when the trailer has no id.
    public let trailerIDSlotFromEnd: Int?

    /// The layout of `attribute`'s records.
    ///
    /// - Throws: `PerfEventError.unknownSampleType` or `.unknownReadFormat`
    ///   when the attribute names fields this decoder cannot size.
    public init(_ attribute: PerfEventAttribute) throws {
        let type = attribute.sampleType
        guard type.isSubset(of: .known) else { throw PerfEventError.unknownSampleType(type) }
        guard attribute.readFormat.isSubset(of: .known) else { throw PerfEventError.unknownReadFormat(attribute.readFormat) }
        sampleType = type
        readFormat = attribute.readFormat
        sampleIDAll = attribute.flags.contains(.sampleIDAll)
        branchHasHardwareIndex = attribute.branchSampleType & PerfEventAttribute.branchHardwareIndex != 0
        userRegisterCount = attribute.sampleRegistersUser.nonzeroBitCount
        interruptRegisterCount = attribute.sampleRegistersInterrupt.nonzeroBitCount

        var offset = PerfRecordHeader.size
        var idOffset: Int? = nil
        var timeOffset: Int? = nil
        if type.contains(.identifier) { idOffset = offset; offset += 8 }
        if type.contains(.ip) { offset += 8 }
        if type.contains(.tid) { offset += 8 }
        if type.contains(.time) { timeOffset = offset; offset += 8 }
        if type.contains(.addr) { offset += 8 }
        if type.contains(.id) {
            if idOffset == nil { idOffset = offset }
            offset += 8
        }
        if type.contains(.streamID) { offset += 8 }
        if type.contains(.cpu) { offset += 8 }
        if type.contains(.period) { offset += 8 }
        sampleTimeOffset = timeOffset
        sampleIDOffset = idOffset
        fixedSampleSize = offset

        // The trailer holds TID, TIME, ID, STREAM_ID, CPU and IDENTIFIER, in that order.
        var slots: [Int?] = []
        var trailer = 0
        for field: PerfSampleType in [.tid, .time, .id, .streamID, .cpu, .identifier] {
            if sampleIDAll && type.contains(field) {
                slots.append(trailer)
                trailer += 8
            } else {
                slots.append(nil)
            }
        }
        trailerTIDOffset = slots[0]
        trailerTimeOffset = slots[1]
        trailerIDOffset = slots[2]
        trailerStreamIDOffset = slots[3]
        trailerCPUOffset = slots[4]
        trailerSize = trailer
        if let identifierOffset = slots[5] ?? slots[2] {
            trailerIDSlotFromEnd = (trailer - identifierOffset) / 8
        } else {
            trailerIDSlotFromEnd = nil
        }
    }

    /// The size of one PERF_SAMPLE_READ value set (without the group's count).
    var readEntrySize: Int {
        8 + (readFormat.contains(.id) ? 8 : 0) + (readFormat.contains(.lost) ? 8 : 0)
    }
}
