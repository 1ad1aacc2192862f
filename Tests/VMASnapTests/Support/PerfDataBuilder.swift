import Foundation
@testable import VMASnap

/// Writes perf.data files from parts, in either byte order, written from
/// perf's documentation (perf.data-file-format.txt, perf_event.h) rather
/// than from the reader's code: the synthetic inputs of the reader's tests.
struct PerfDataBuilder {
    var order: PerfByteOrder
    var attributes: [(attribute: PerfEventAttribute, ids: [UInt64])] = []
    var records: [[UInt8]] = []
    var features: [(number: Int, bytes: [UInt8])] = []

    init(order: PerfByteOrder) { self.order = order }

    // MARK: Fields

    func u16(_ value: UInt16) -> [UInt8] { bytes(UInt64(value), 2) }
    func u32(_ value: UInt32) -> [UInt8] { bytes(UInt64(value), 4) }
    func u64(_ value: UInt64) -> [UInt8] { bytes(value, 8) }

    private func bytes(_ value: UInt64, _ count: Int) -> [UInt8] {
        let little = (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
        return order == .littleEndian ? little : little.reversed()
    }

    /// A NUL-terminated string padded to 8 bytes.
    static func padded(_ text: [UInt8]) -> [UInt8] {
        var bytes = text + [0]
        while bytes.count % 8 != 0 { bytes.append(0) }
        return bytes
    }

    /// perf's header string: u32 length, then the NUL-padded bytes.
    func headerString(_ text: String) -> [UInt8] {
        let bytes = PerfDataBuilder.padded(Array(text.utf8))
        return u32(UInt32(bytes.count)) + bytes
    }

    /// `struct perf_event_attr`, 128 bytes (PERF_ATTR_SIZE_VER7), field by field.
    func attributeBytes(_ attribute: PerfEventAttribute) -> [UInt8] {
        var out = u32(attribute.type) + u32(128) + u64(attribute.config) + u64(attribute.samplePeriodOrFrequency)
        out += u64(attribute.sampleType.rawValue) + u64(attribute.readFormat.rawValue)
        // Bit fields: on a big-endian machine the first is the top bit of
        // the first byte; on a little-endian one, the bottom bit.
        for byte in 0..<8 {
            let bits = UInt8(truncatingIfNeeded: attribute.flags.rawValue >> (8 * UInt64(byte)))
            out.append(order == .littleEndian ? bits : PerfEventAttribute.reversedBits(bits))
        }
        out += u32(attribute.wakeupEventsOrWatermark) + u32(attribute.breakpointType) + u64(attribute.config1) + u64(attribute.config2)
        out += u64(attribute.branchSampleType) + u64(attribute.sampleRegistersUser) + u32(attribute.sampleStackUser)
        out += u32(UInt32(bitPattern: attribute.clockID)) + u64(attribute.sampleRegistersInterrupt)
        out += u32(attribute.auxWatermark) + u16(attribute.sampleMaxStack) + u16(0) + u32(attribute.auxSampleSize) + u32(0)
        out += u64(attribute.signalData)
        precondition(out.count == 128)
        return out
    }

    // MARK: Records

    /// A record: {u32 type, u16 misc, u16 size} and `body`.
    func record(_ type: UInt32, misc: UInt16 = 0, _ body: [UInt8]) -> [UInt8] {
        u32(type) + u16(misc) + u16(UInt16(8 + body.count)) + body
    }

    /// The sample_id trailer `attribute` asks for.
    func trailer(_ attribute: PerfEventAttribute, pid: Int32, tid: Int32, time: UInt64, id: UInt64) -> [UInt8] {
        guard attribute.flags.contains(.sampleIDAll) else { return [] }
        let type = attribute.sampleType
        var out: [UInt8] = []
        if type.contains(.tid) { out += u32(UInt32(bitPattern: pid)) + u32(UInt32(bitPattern: tid)) }
        if type.contains(.time) { out += u64(time) }
        if type.contains(.id) { out += u64(id) }
        if type.contains(.streamID) { out += u64(id) }
        if type.contains(.cpu) { out += u32(1) + u32(0) }
        if type.contains(.identifier) { out += u64(id) }
        return out
    }

    /// A SAMPLE with the fields `attribute` names (up to the call chain; READ and later not supported here).
    func sample(_ attribute: PerfEventAttribute, id: UInt64, ip: UInt64, pid: Int32, tid: Int32, time: UInt64,
                callchain: [UInt64] = [], misc: UInt16 = PerfRecordMisc.user) -> [UInt8] {
        let type = attribute.sampleType
        var body: [UInt8] = []
        if type.contains(.identifier) { body += u64(id) }
        if type.contains(.ip) { body += u64(ip) }
        if type.contains(.tid) { body += u32(UInt32(bitPattern: pid)) + u32(UInt32(bitPattern: tid)) }
        if type.contains(.time) { body += u64(time) }
        if type.contains(.addr) { body += u64(0xdada) }
        if type.contains(.id) { body += u64(id) }
        if type.contains(.streamID) { body += u64(id) }
        if type.contains(.cpu) { body += u32(1) + u32(0) }
        if type.contains(.period) { body += u64(4000) }
        if type.contains(.callchain) { body += u64(UInt64(callchain.count)) + callchain.flatMap(u64) }
        return record(9, misc: misc, body)
    }

    /// MMAP2 with device and inode, or with a build ID.
    func mmap2(_ attribute: PerfEventAttribute, id: UInt64, pid: Int32, tid: Int32, start: UInt64, length: UInt64,
               pageOffset: UInt64, filename: String, time: UInt64, buildID: [UInt8]? = nil) -> [UInt8] {
        var body = u32(UInt32(bitPattern: pid)) + u32(UInt32(bitPattern: tid)) + u64(start) + u64(length) + u64(pageOffset)
        var misc = PerfRecordMisc.user
        if let buildID {
            misc |= PerfRecordMisc.mmapBuildID
            body += [UInt8(buildID.count), 0, 0, 0] + buildID + [UInt8](repeating: 0, count: 20 - buildID.count)
        } else {
            body += u32(0xfe) + u32(1) + u64(1234) + u64(0)
        }
        body += u32(5) + u32(2) + PerfDataBuilder.padded(Array(filename.utf8))
        body += trailer(attribute, pid: pid, tid: tid, time: time, id: id)
        return record(10, misc: misc, body)
    }

    func comm(_ attribute: PerfEventAttribute, id: UInt64, pid: Int32, tid: Int32, name: String, time: UInt64, exec: Bool = false) -> [UInt8] {
        let body = u32(UInt32(bitPattern: pid)) + u32(UInt32(bitPattern: tid)) + PerfDataBuilder.padded(Array(name.utf8))
            + trailer(attribute, pid: pid, tid: tid, time: time, id: id)
        return record(3, misc: exec ? PerfRecordMisc.commExec : 0, body)
    }

    func fork(_ attribute: PerfEventAttribute, id: UInt64, pid: Int32, parent: Int32, time: UInt64, exit: Bool = false) -> [UInt8] {
        let body = u32(UInt32(bitPattern: pid)) + u32(UInt32(bitPattern: parent)) + u32(UInt32(bitPattern: pid))
            + u32(UInt32(bitPattern: parent)) + u64(time) + trailer(attribute, pid: pid, tid: pid, time: time, id: id)
        return record(exit ? 4 : 7, body)
    }

    func lost(_ attribute: PerfEventAttribute, id: UInt64, count: UInt64, time: UInt64) -> [UInt8] {
        record(2, u64(id) + u64(count) + trailer(attribute, pid: -1, tid: -1, time: time, id: id))
    }

    var finishedRound: [UInt8] { record(68, []) }

    // MARK: Files

    /// The file-mode bytes: header, ids, attributes, data, feature table and sections.
    func fileBytes(dataSize: UInt64? = nil) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 104)
        var idSections: [(UInt64, UInt64)] = []
        for (_, ids) in attributes {
            idSections.append((UInt64(out.count), UInt64(ids.count * 8)))
            out += ids.flatMap(u64)
        }
        let attributesOffset = UInt64(out.count)
        for (index, (attribute, _)) in attributes.enumerated() {
            out += attributeBytes(attribute) + u64(idSections[index].0) + u64(idSections[index].1)
        }
        let dataOffset = UInt64(out.count)
        let data = records.flatMap { $0 }
        out += data
        var bitmap = [UInt64](repeating: 0, count: 4)
        let sorted = features.sorted { $0.number < $1.number }
        for feature in sorted { bitmap[feature.number / 64] |= 1 << UInt64(feature.number % 64) }
        var sectionStart = UInt64(out.count + 16 * sorted.count)
        var table: [UInt8] = []
        var sections: [UInt8] = []
        for feature in sorted {
            table += u64(sectionStart) + u64(UInt64(feature.bytes.count))
            sections += feature.bytes
            sectionStart += UInt64(feature.bytes.count)
        }
        out += table + sections
        var header = Array("PERFILE2".utf8)
        if order == .bigEndian { header.reverse() }
        header += u64(104) + u64(128 + 16)
        header += u64(attributesOffset) + u64(UInt64(attributes.count * (128 + 16)))
        header += u64(dataOffset) + u64(dataSize ?? UInt64(data.count))
        header += u64(0) + u64(0)
        header += bitmap.flatMap(u64)
        out.replaceSubrange(0..<104, with: header)
        return out
    }

    /// The pipe-mode bytes: a 16-byte header, HEADER_ATTR and HEADER_FEATURE records, then the records.
    func pipeBytes() -> [UInt8] {
        var header = Array("PERFILE2".utf8)
        if order == .bigEndian { header.reverse() }
        var out = header + u64(16)
        for (attribute, ids) in attributes { out += record(64, attributeBytes(attribute) + ids.flatMap(u64)) }
        for feature in features { out += record(80, u64(UInt64(feature.number)) + feature.bytes) }
        return out + records.flatMap { $0 }
    }
}
