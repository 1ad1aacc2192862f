import Testing
@testable import VMASnap

/// Every SAMPLE field up to and including the call chain, decoded from
/// records laid out as perf_event.h documents them (both byte orders, both
/// layouts of PERF_SAMPLE_READ), the fields after the call chain skipped
/// exactly; and the other kernel records field by field.
@Suite struct PerfSampleFieldTests {
    static let user = UInt64(bitPattern: -512), kernel = UInt64(bitPattern: -128)

    /// An attribute with every field before the call chain, the call chain,
    /// and every field after it this decoder sizes.
    static func attribute(group: Bool) -> PerfEventAttribute {
        var attribute = PerfEventAttribute(type: 1, config: 0)
        attribute.sampleType = [.identifier, .ip, .tid, .time, .addr, .id, .streamID, .cpu, .period, .read, .callchain,
                                .raw, .branchStack, .registersUser, .stackUser, .weight, .dataSource, .transaction,
                                .registersInterrupt, .physicalAddress, .cgroup, .dataPageSize, .codePageSize]
        attribute.readFormat = group ? [.totalTimeEnabled, .totalTimeRunning, .id, .group, .lost] : [.totalTimeEnabled, .totalTimeRunning, .id, .lost]
        attribute.sampleRegistersUser = 0b111
        attribute.sampleRegistersInterrupt = 0b11
        attribute.flags = [.sampleIDAll]
        return attribute
    }

    static func record(_ builder: PerfDataBuilder, group: Bool) -> [UInt8] {
        let b = builder
        var body = b.u64(77)  // IDENTIFIER
        body += b.u64(0x7f00_0000_1234)  // IP
        body += b.u32(100) + b.u32(101)  // PID, TID
        body += b.u64(5_000_000_123)  // TIME
        body += b.u64(0xdada_0000)  // ADDR
        body += b.u64(78)  // ID (IDENTIFIER's value wins)
        body += b.u64(79)  // STREAM_ID
        body += b.u32(3) + b.u32(0)  // CPU, reserved
        body += b.u64(4000)  // PERIOD
        if group {  // READ: nr, enabled, running, nr × {value, id, lost}
            body += b.u64(2) + b.u64(1000) + b.u64(900) + b.u64(11) + b.u64(77) + b.u64(0) + b.u64(22) + b.u64(88) + b.u64(5)
        } else {  // READ: value, enabled, running, id, lost
            body += b.u64(11) + b.u64(1000) + b.u64(900) + b.u64(77) + b.u64(2)
        }
        body += b.u64(5) + [kernel, 0xffff_ffff_8100_0000, user, 0x7f00_0000_1234, 0x5555_0000_1000].flatMap(b.u64)  // CALLCHAIN
        body += b.u32(12) + [UInt8](repeating: 0xee, count: 12)  // RAW: size, data (u32 + 12 = 16)
        body += b.u64(1) + b.u64(0xa) + b.u64(0xb) + b.u64(0)  // BRANCH_STACK: nr, {from, to, flags}
        body += b.u64(2) + b.u64(1) + b.u64(2) + b.u64(3)  // REGS_USER: abi, 3 registers
        body += b.u64(16) + [UInt8](repeating: 0x55, count: 16) + b.u64(16)  // STACK_USER: size, data, dyn_size
        body += b.u64(9) + b.u64(10) + b.u64(11)  // WEIGHT, DATA_SRC, TRANSACTION
        body += b.u64(0)  // REGS_INTR: abi 0, no registers
        body += b.u64(0x1000) + b.u64(42) + b.u64(4096) + b.u64(4096)  // PHYS_ADDR, CGROUP, DATA_PAGE_SIZE, CODE_PAGE_SIZE
        return b.record(9, misc: PerfRecordMisc.user, body)
    }

    @Test(arguments: [PerfByteOrder.littleEndian, .bigEndian], [false, true])
    func everyFieldUpToTheCallchain(_ order: PerfByteOrder, _ group: Bool) throws {
        let attribute = Self.attribute(group: group)
        let decoder = try PerfRecordDecoder(attribute: attribute, order: order)
        let bytes = Self.record(PerfDataBuilder(order: order), group: group)
        try bytes.withUnsafeBytes { raw in
            let record = PerfBytes(raw, order: order)
            let sample = try decoder.sample(record)
            #expect(sample.misc.cpuMode == PerfRecordMisc.user)
            #expect(sample.id == 77 && sample.ip == 0x7f00_0000_1234 && sample.pid == 100 && sample.tid == 101)
            #expect(sample.time == 5_000_000_123 && sample.address == 0xdada_0000 && sample.streamID == 79)
            #expect(sample.cpu == 3 && sample.period == 4000)
            let read = try #require(sample.read)
            #expect(read.timeEnabled == 1000 && read.timeRunning == 900)
            if group {
                #expect(Array(read) == [.init(value: 11, id: 77, lost: 0), .init(value: 22, id: 88, lost: 5)])
            } else {
                #expect(Array(read) == [.init(value: 11, id: 77, lost: 2)])
            }
            #expect(Array(sample.callchain) == [Self.kernel, 0xffff_ffff_8100_0000, Self.user, 0x7f00_0000_1234, 0x5555_0000_1000])
            #expect(sample.callchain.map { PerfCallchainContext(marker: $0) } == [.kernel, nil, .user, nil, nil])
            #expect(decoder.time(of: record, type: .sample) == 5_000_000_123)

            // A byte more or less than the fields: the sample_type lies.
            for cut in [8, 1] {
                let shorter = PerfBytes(UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - cut)]), order: order)
                #expect(throws: PerfEventError.self) { try decoder.sample(shorter) }
            }
        }
        var longer = bytes + [UInt8](repeating: 0, count: 8)
        longer.withUnsafeMutableBytes { raw in
            let size = UInt16(raw.count)
            raw[6] = UInt8(truncatingIfNeeded: order == .littleEndian ? size : size >> 8)
            raw[7] = UInt8(truncatingIfNeeded: order == .littleEndian ? size >> 8 : size)
        }
        #expect(throws: PerfEventError.self) { try longer.withUnsafeBytes { try decoder.sample(PerfBytes($0, order: order)) } }
        // A group count too large for the record: an error, not a read past it.
        var lying = bytes
        if group {
            let count = PerfDataBuilder(order: order).u64(1 << 40)
            let at = 8 + 8 * 9
            lying.replaceSubrange(at..<at + 8, with: count)
            #expect(throws: PerfEventError.self) { try lying.withUnsafeBytes { try decoder.sample(PerfBytes($0, order: order)) } }
        }
    }

    /// MMAP (the first variant, as perf writes the kernel's), LOST_SAMPLES
    /// and the sample_id trailer of non-sample records.
    @Test(arguments: [PerfByteOrder.littleEndian, .bigEndian])
    func otherKernelRecords(_ order: PerfByteOrder) throws {
        var attribute = PerfEventAttribute(type: 1, config: 0)
        attribute.sampleType = [.identifier, .ip, .tid, .time, .cpu]
        attribute.flags = [.sampleIDAll]
        let decoder = try PerfRecordDecoder(attribute: attribute, order: order)
        let b = PerfDataBuilder(order: order)
        let trailer = b.trailer(attribute, pid: 7, tid: 8, time: 900, id: 55)
        let mmap = b.record(1, misc: PerfRecordMisc.kernel, b.u32(UInt32(bitPattern: -1)) + b.u32(0) + b.u64(0xffff_ffff_8100_0000)
            + b.u64(0x100_0000) + b.u64(0xffff_ffff_8100_0000) + PerfDataBuilder.padded(Array("[kernel.kallsyms]_text".utf8)) + trailer)
        try mmap.withUnsafeBytes { raw in
            let record = PerfBytes(raw, order: order)
            guard case .mmap(let event) = try decoder.event(record) else { Issue.record("not an MMAP"); return }
            #expect(!event.isMmap2 && event.pid == -1 && event.start == 0xffff_ffff_8100_0000 && event.length == 0x100_0000)
            #expect(event.pageOffset == 0xffff_ffff_8100_0000 && event.filename == Array("[kernel.kallsyms]_text".utf8))
            #expect(event.identity == .none)
            let id = try decoder.sampleID(record, type: .mmap)
            #expect(id.pid == 7 && id.tid == 8 && id.time == 900 && id.id == 55 && id.cpu == 1)
            #expect(decoder.time(of: record, type: .mmap) == 900)
        }
        let lostSamples = b.record(13, b.u64(12) + trailer)
        try lostSamples.withUnsafeBytes { raw in
            guard case .lostSamples(let count) = try decoder.event(PerfBytes(raw, order: order)) else { Issue.record("not LOST_SAMPLES"); return }
            #expect(count == 12)
        }
        // Shorter than its fixed fields and trailer: an error naming the record.
        let short = b.record(1, b.u32(1) + b.u32(1) + trailer)
        #expect(throws: PerfEventError.self) { try short.withUnsafeBytes { try decoder.event(PerfBytes($0, order: order)) } }
    }
}
