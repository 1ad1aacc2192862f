extension PerfRecordDecoder {
    /// Decodes the sample_id trailer of a non-sample kernel record. Without
    /// `sample_id_all` it is empty.
    ///
    /// - Throws: `PerfEventError.recordTooShort` when the record cannot hold it.
    public func sampleID(_ record: PerfBytes, type: PerfRecordType) throws -> PerfSampleID {
        var id = PerfSampleID()
        guard layout.trailerSize > 0 else { return id }
        guard record.count >= PerfRecordHeader.size + layout.trailerSize else {
            throw PerfEventError.recordTooShort(type, size: record.count, minimum: PerfRecordHeader.size + layout.trailerSize)
        }
        let start = record.count - layout.trailerSize
        if let offset = layout.trailerTIDOffset, let (pid, tid) = record.u32Pair(start + offset) {
            id.pid = Int32(bitPattern: pid)
            id.tid = Int32(bitPattern: tid)
        }
        if let offset = layout.trailerTimeOffset { id.time = record.u64(start + offset) }
        if let slot = layout.trailerIDSlotFromEnd { id.id = record.u64(record.count - 8 * slot) }
        if let offset = layout.trailerStreamIDOffset { id.streamID = record.u64(start + offset) }
        if let offset = layout.trailerCPUOffset { id.cpu = record.u32(start + offset) }
        return id
    }

    /// Decodes any kernel record: a SAMPLE with `sample(_:)`, MMAP, MMAP2,
    /// COMM, FORK, EXIT, LOST, LOST_SAMPLES, THROTTLE and UNTHROTTLE field
    /// by field; other types as `.other`.
    ///
    /// - Throws: `PerfEventError` when the record is shorter than its fixed
    ///   fields and trailer.
    public func event(_ record: PerfBytes) throws -> PerfEvent {
        guard let header = PerfRecordHeader(record) else {
            throw PerfEventError.truncated("a record header", needed: PerfRecordHeader.size, available: record.count)
        }
        let type = header.type
        if type == .sample { return .sample(try sample(record)) }
        // The bytes the fields may use: the trailer is at the end.
        let end = record.count - layout.trailerSize
        func require(_ fixed: Int) throws {
            guard end >= PerfRecordHeader.size + fixed else {
                throw PerfEventError.recordTooShort(type, size: record.count, minimum: PerfRecordHeader.size + fixed + layout.trailerSize)
            }
        }
        func i32(_ offset: Int) -> Int32 { Int32(bitPattern: record.u32(offset)!) }
        func u64(_ offset: Int) -> UInt64 { record.u64(offset)! }
        switch type {
        case .mmap, .mmap2:
            let isMmap2 = type == .mmap2
            let fixed = isMmap2 ? 64 : 32
            try require(fixed)
            var identity = PerfMmapEvent.FileIdentity.none
            var protection: UInt32 = 0
            var flags: UInt32 = 0
            if isMmap2 {
                // The kernel sets the flag in a header it shares among every
                // event that sees the mmap and never clears it: an event that
                // asked for no build IDs gets it on a device-and-inode body
                // when one that asked saw the mmap first.
                if header.misc.has(PerfRecordMisc.mmapBuildID) && attribute.flags.contains(.buildID) {
                    let length = Int(min(record.u8(40)!, 20))
                    identity = .buildID(Array(record.slice(44, length)!))
                } else {
                    identity = .inode(major: record.u32(40)!, minor: record.u32(44)!, inode: u64(48), generation: u64(56))
                }
                protection = record.u32(64)!
                flags = record.u32(68)!
            }
            let filename = record.string(PerfRecordHeader.size + fixed, end: end)!
            return .mmap(PerfMmapEvent(
                isMmap2: isMmap2, misc: header.misc, pid: i32(8), tid: i32(12), start: u64(16), length: u64(24),
                pageOffset: u64(32), identity: identity, protection: protection, flags: flags, filename: filename))
        case .comm:
            try require(8)
            return .comm(PerfCommEvent(
                pid: i32(8), tid: i32(12), command: record.string(16, end: end)!, isExec: header.misc.has(PerfRecordMisc.commExec)))
        case .fork, .exit:
            try require(24)
            let task = PerfTaskEvent(pid: i32(8), parentPID: i32(12), tid: i32(16), parentTID: i32(20), time: u64(24))
            return type == .fork ? .fork(task) : .exit(task)
        case .lost:
            try require(16)
            return .lost(id: u64(8), count: u64(16))
        case .lostSamples:
            try require(8)
            return .lostSamples(count: u64(8))
        case .throttle, .unthrottle:
            try require(24)
            return .throttle(PerfThrottleEvent(isThrottled: type == .throttle, time: u64(8), id: u64(16), streamID: u64(24)))
        default:
            return .other(type)
        }
    }
}
