/// Decodes the kernel records of one event (one attribute) from raw bytes:
/// the whole record, header included, exactly `header.size` bytes long.
///
/// Shared by the perf.data reader and a live ring-buffer reader: neither
/// does I/O here. Every length and count is checked against the record's
/// bytes, so hostile input gives a `PerfEventError`, never a trap; a sample
/// allocates nothing (its call chain is a view into the bytes).
public struct PerfRecordDecoder: Hashable, Sendable {
    /// The event's attribute.
    public let attribute: PerfEventAttribute
    /// Where its fields are.
    public let layout: PerfSampleLayout
    /// The byte order of the records.
    public let order: PerfByteOrder

    /// A decoder of `attribute`'s records, written in `order`.
    ///
    /// - Throws: `PerfEventError` when the attribute's sample_type or
    ///   read_format has fields this decoder cannot size.
    public init(attribute: PerfEventAttribute, order: PerfByteOrder = .native) throws {
        self.attribute = attribute
        self.layout = try PerfSampleLayout(attribute)
        self.order = order
    }

    /// The time of a record, cheaply: a SAMPLE's at its fixed offset, any
    /// other kernel record's from its trailer. Nil when it has none (no
    /// PERF_SAMPLE_TIME, or no sample_id_all), or when the record is too short.
    public func time(of record: PerfBytes, type: PerfRecordType) -> UInt64? {
        if type == .sample {
            guard let offset = layout.sampleTimeOffset else { return nil }
            return record.u64(offset)
        }
        guard let offset = layout.trailerTimeOffset, record.count >= PerfRecordHeader.size + layout.trailerSize else {
            return nil
        }
        return record.u64(record.count - layout.trailerSize + offset)
    }

    /// Decodes a SAMPLE record.
    ///
    /// - Parameter record: the record, header included.
    /// - Throws: `PerfEventError` when the record is shorter than its
    ///   fields, a count does not fit, or the fields do not fill it exactly
    ///   (a sample_type that does not describe the record).
    public func sample(_ record: PerfBytes) throws -> PerfSample {
        let size = record.count
        guard size >= layout.fixedSampleSize else {
            throw PerfEventError.recordTooShort(.sample, size: size, minimum: layout.fixedSampleSize)
        }
        let type = layout.sampleType
        var sample = PerfSample(misc: PerfRecordMisc(rawValue: record.u16(4) ?? 0))
        var offset = PerfRecordHeader.size
        // The fixed part was checked at once: the reads cannot fail.
        if type.contains(.identifier) { sample.id = record.u64Unchecked(offset); offset += 8 }
        if type.contains(.ip) { sample.ip = record.u64Unchecked(offset); offset += 8 }
        if type.contains(.tid) {
            let (pid, tid) = record.u32Pair(offset)!
            sample.pid = Int32(bitPattern: pid)
            sample.tid = Int32(bitPattern: tid)
            offset += 8
        }
        if type.contains(.time) { sample.time = record.u64Unchecked(offset); offset += 8 }
        if type.contains(.addr) { sample.address = record.u64Unchecked(offset); offset += 8 }
        if type.contains(.id) {
            if sample.id == nil { sample.id = record.u64Unchecked(offset) }
            offset += 8
        }
        if type.contains(.streamID) { sample.streamID = record.u64Unchecked(offset); offset += 8 }
        if type.contains(.cpu) { sample.cpu = record.u32(offset)!; offset += 8 }
        if type.contains(.period) { sample.period = record.u64Unchecked(offset); offset += 8 }
        guard type.rawValue >= PerfSampleType.read.rawValue else { return try finished(sample, offset, size) }

        if type.contains(.read) {
            if layout.readFormat.contains(.group) {
                let count = try u64(record, offset, "a group read's count")
                offset += 8
                if layout.readFormat.contains(.totalTimeEnabled) { offset += 8 }
                if layout.readFormat.contains(.totalTimeRunning) { offset += 8 }
                offset = try skip(count: count, of: layout.readEntrySize, record, offset, "a group read's count")
            } else {
                var length = layout.readEntrySize
                if layout.readFormat.contains(.totalTimeEnabled) { length += 8 }
                if layout.readFormat.contains(.totalTimeRunning) { length += 8 }
                offset = try skip(bytes: UInt64(length), record, offset, "a read value")
            }
        }
        if type.contains(.callchain) {
            let count = try u64(record, offset, "a call chain's length")
            offset += 8
            let start = offset
            offset = try skip(count: count, of: 8, record, offset, "a call chain's length")
            sample.callchain = PerfCallchain(
                base: count == 0 ? nil : record.raw.baseAddress! + start, swapped: record.swapped, count: Int(count))
        }
        guard type.rawValue >= PerfSampleType.raw.rawValue else { return try finished(sample, offset, size) }
        try skipAfterCallchain(record, &offset)
        return try finished(sample, offset, size)
    }

    /// Skips the fields after the call chain, checking each.
    private func skipAfterCallchain(_ record: PerfBytes, _ offset: inout Int) throws {
        let type = layout.sampleType
        if type.contains(.raw) {
            guard let length = record.u32(offset) else { throw truncated(record, offset, 4, "a raw data size") }
            offset = try skip(bytes: UInt64(length), record, offset + 4, "a raw data size")
        }
        if type.contains(.branchStack) {
            let count = try u64(record, offset, "a branch stack's length")
            offset += 8
            if layout.branchHasHardwareIndex { offset = try skip(bytes: 8, record, offset, "a branch stack's hw_idx") }
            offset = try skip(count: count, of: 24, record, offset, "a branch stack's length")
        }
        if type.contains(.registersUser) {
            let abi = try u64(record, offset, "the user registers' abi")
            offset += 8
            if abi != 0 { offset = try skip(count: UInt64(layout.userRegisterCount), of: 8, record, offset, "user registers") }
        }
        if type.contains(.stackUser) {
            let length = try u64(record, offset, "a user stack's size")
            offset = try skip(bytes: length, record, offset + 8, "a user stack's size")
            if length != 0 { offset = try skip(bytes: 8, record, offset, "a user stack's dyn_size") }
        }
        for field: PerfSampleType in [.weight, .dataSource, .transaction] {
            // WEIGHT and WEIGHT_STRUCT share one slot.
            let present = field == .weight ? !type.isDisjoint(with: [.weight, .weightStruct]) : type.contains(field)
            if present { offset = try skip(bytes: 8, record, offset, "a \(field == .weight ? "weight" : "u64 field")") }
        }
        if type.contains(.registersInterrupt) {
            let abi = try u64(record, offset, "the interrupt registers' abi")
            offset += 8
            if abi != 0 {
                offset = try skip(count: UInt64(layout.interruptRegisterCount), of: 8, record, offset, "interrupt registers")
            }
        }
        for field: PerfSampleType in [.physicalAddress, .cgroup, .dataPageSize, .codePageSize] where type.contains(field) {
            offset = try skip(bytes: 8, record, offset, "a u64 field")
        }
        if type.contains(.aux) {
            let length = try u64(record, offset, "an AUX sample's size")
            offset = try skip(bytes: length, record, offset + 8, "an AUX sample's size")
        }
    }

    private func finished(_ sample: PerfSample, _ offset: Int, _ size: Int) throws -> PerfSample {
        guard offset == size else { throw PerfEventError.sizeMismatch(.sample, declared: size, decoded: offset) }
        return sample
    }

    private func u64(_ record: PerfBytes, _ offset: Int, _ what: @autoclosure () -> String) throws -> UInt64 {
        guard let value = record.u64(offset) else { throw truncated(record, offset, 8, what()) }
        return value
    }

    private func truncated(_ record: PerfBytes, _ offset: Int, _ length: Int, _ what: String) -> PerfEventError {
        .truncated(what + " in a SAMPLE record", needed: offset + length, available: record.count)
    }

    /// `offset` + `count` × `size`, checked to lie within the record.
    private func skip(count: UInt64, of size: Int, _ record: PerfBytes, _ offset: Int, _ what: @autoclosure () -> String) throws -> Int {
        let available = max(record.count - offset, 0)
        guard count <= UInt64(available / size) else {
            throw PerfEventError.countTooLarge(what(), count: count, available: available)
        }
        return offset + Int(count) * size
    }

    /// `offset` + `length`, checked to lie within the record.
    private func skip(bytes length: UInt64, _ record: PerfBytes, _ offset: Int, _ what: @autoclosure () -> String) throws -> Int {
        try skip(count: length, of: 1, record, offset, what())
    }
}
