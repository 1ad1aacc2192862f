/// Reads the records of one decoded frame payload in order, checking the
/// structure of each (lengths, counts, overflow); what the numbers refer to is
/// checked by whoever interprets them.
struct RecordDecoder {
    private var decoder: ByteDecoder
    /// Where the record last returned by `next()` starts.
    private(set) var recordStart = 0

    /// A decoder of `payload`, whose bytes came from `origin`.
    init(payload: [UInt8], origin: ByteDecoder.Origin) {
        decoder = ByteDecoder(payload, origin: origin)
    }

    /// An error located at the start of the last record.
    func error(_ reason: FormatError.Reason) -> FormatError { decoder.error(reason, at: recordStart) }

    /// The next record, or nil at the end of the payload.
    mutating func next() throws -> Record? {
        guard !decoder.isAtEnd else { return nil }
        let (typeByte, length, body) = try nextBody()
        return try Self.decode(typeByte, length: length, body, recordStart: recordStart)
    }

    /// The record that begins at `position` of the payload (a start a
    /// `FrameDigest` gave).
    mutating func record(at position: Int) throws -> Record? {
        decoder.seek(to: position)
        return try next()
    }

    /// Steps over the next record: its type, where it starts, and for a
    /// record about a process (PROCESS, EXEC, KEYFRAME, DELTA, GONE; FORK:
    /// its child) the process's number; nil at the end. A type of the index frame's range
    /// is an error here already.
    mutating func nextFraming() throws -> (type: UInt8, start: Int, process: Int?)? {
        guard !decoder.isAtEnd else { return nil }
        let (typeByte, _, body) = try nextBody()
        guard typeByte < FormatConstants.firstIndexRecordType else {
            throw error(.invalid("record type \(Hex.address(UInt64(typeByte))) belongs in the index frame, not a records frame"))
        }
        switch RecordType(rawValue: typeByte) {
        case .process?, .exec?, .keyframe?, .delta?, .gone?, .fork?:
            var peek = body
            return (typeByte, recordStart, try peek.count("a process number", limit: Int(Int32.max)))
        default:
            return (typeByte, recordStart, nil)
        }
    }

    /// Reads the next record's type and length and steps over its body.
    private mutating func nextBody() throws -> (type: UInt8, length: UInt64, body: ByteDecoder) {
        recordStart = decoder.position
        let typeByte = try decoder.byte("a record type")
        let length = try decoder.varint("a record length")
        let body = try decoder.prefix(length, "a record body")
        return (typeByte, length, body)
    }

    /// Decodes a records-frame record from its type and body. A type this
    /// version does not know is `.unknown` (skipped); a type of the index
    /// frame's range (0x40 and up) is an error, known or not (§3).
    static func decode(_ typeByte: UInt8, length: UInt64, _ body: ByteDecoder, recordStart: Int) throws -> Record {
        guard typeByte < FormatConstants.firstIndexRecordType else {
            throw body.error(.invalid("record type \(Hex.address(UInt64(typeByte))) belongs in the index frame, not a records frame"),
                             at: recordStart)
        }
        guard let type = RecordType(rawValue: typeByte) else { return .unknown(type: typeByte, length: Int(length)) }
        var body = body
        // Fields that a later minor version appends to a body are left unread.
        return try decode(type, &body)
    }

    /// Decodes the body of a record of a known type.
    static func decode(_ type: RecordType, _ body: inout ByteDecoder) throws -> Record {
        let numberLimit = Int(Int32.max)
        switch type {
        case .path:
            return .path(try body.bytes(body.remaining, "a path"))
        case .buildID:
            let bytes = try body.bytes(body.remaining, "a build ID")
            guard !bytes.isEmpty, bytes.count <= BuildID.maximumLength else {
                throw body.error(.invalid("a build ID of \(bytes.count) bytes (1 to \(BuildID.maximumLength) allowed)"))
            }
            return .buildID(bytes)
        case .file:
            let device = try body.varint("a file's device")
            guard device >> 20 <= UInt64(UInt32.max) else {
                throw body.error(.invalid("device number \(device) out of range"))
            }
            let inode = try body.varint("a file's inode")
            let path = try body.count("a file's path number", limit: numberLimit)
            let buildID = try body.count("a file's build ID number", limit: numberLimit)
            return .file(StoredFile(device: device, inode: inode, path: path, buildID: buildID == 0 ? nil : buildID - 1))
        case .process:
            let number = try body.count("a process number", limit: numberLimit)
            let pid = try body.count("a pid", limit: Int(Int32.max))
            let startTime = try body.varint("a process start time")
            let parent = try body.count("a parent pid", limit: Int(Int32.max))
            let executable = try body.count("an executable path number", limit: numberLimit)
            let command = try body.bytes(body.remaining, "a command name")
            return .process(StoredProcess(
                number: number, pid: UInt64(pid), startTime: startTime, parentPID: UInt64(parent),
                executable: executable == 0 ? nil : executable - 1, command: command))
        case .exec:
            let process = try body.count("a process number", limit: numberLimit)
            let executable = try body.count("an executable path number", limit: numberLimit)
            let command = try body.bytes(body.remaining, "a command name")
            return .exec(process: process, executable: executable == 0 ? nil : executable - 1, command: command)
        case .perfClock:
            let perfTime = try body.varint("a perf clock's perf time")
            let recordingTime = try body.varint("a perf clock's recording time")
            let uncertainty = try body.varint("a perf clock's uncertainty")
            guard perfTime <= UInt64(Int64.max), uncertainty <= UInt64(Int64.max) else {
                throw body.error(.invalid("a perf clock measurement beyond 2^63"))
            }
            return .perfClock(perfTime: perfTime, recordingTime: recordingTime, uncertainty: uncertainty)
        case .symbols:
            let buildID = try body.count("a stored symbol table's build ID number", limit: numberLimit)
            let decodedLength = try body.varint("a stored symbol table's length")
            guard decodedLength >= 1, decodedLength <= FormatConstants.maximumSymbolTableLength else {
                throw body.error(.tooLarge("a stored symbol table's length", value: decodedLength,
                                           limit: FormatConstants.maximumSymbolTableLength))
            }
            let compressed = try body.bytes(body.remaining, "a stored symbol table")
            return .symbols(buildID: buildID, decodedLength: decodedLength, compressed: compressed)
        case .recorderReport:
            var report = RecorderReport(walks: try body.varint("the recorder's walks"),
                                        walksMeetingChanges: try body.varint("the recorder's walks that met a change"))
            // The events' counts only when events were on; varints after them
            // belong to a later minor version.
            if !body.isAtEnd {
                report.events = RecorderReport.Events(
                    processesFromEvents: try body.varint("the processes from events"),
                    changesFoundByWalksOnly: try body.varint("the changes found by walks only"),
                    lostRecords: try body.varint("the lost event records"),
                    lostWindows: try body.varint("the lost event windows"))
            }
            return .recorderReport(report)
        case .round:
            return .round(time: try body.varint("a round time"))
        case .quiet:
            let count = try body.varint("a quiet round count")
            let first = try body.varint("a quiet first time")
            let span = try body.varint("a quiet span")
            let (last, overflow) = first.addingReportingOverflow(span)
            guard count >= 1, !overflow else {
                throw body.error(.invalid("a quiet run of \(count) rounds from \(first) ns lasting \(span) ns"))
            }
            return .quiet(count: count, first: first, last: last)
        case .keyframe:
            let process = try body.count("a process number", limit: numberLimit)
            let count = try body.count("a mapping count", limit: body.remaining / 5)
            let mappings = try decodeMappings(count, &body)
            let delay = try decodeDelay(&body)
            return .keyframe(process: process, mappings: mappings, delay: delay, eventDated: try decodeOrigin(&body) == .event)
        case .delta:
            let process = try body.count("a process number", limit: numberLimit)
            let removedCount = try body.count("a removed mapping count", limit: body.remaining)
            var removed: [UInt64] = []
            removed.reserveCapacity(removedCount)
            var previous: UInt64 = 0
            for index in 0..<removedCount {
                let at = body.position
                let pages = try body.varint("a removed mapping start")
                guard pages <= (UInt64.max - previous) / FormatConstants.pageUnit else {
                    throw body.error(.invalid("a removed mapping start beyond 2^64"), at: at)
                }
                guard index == 0 || pages > 0 else {
                    throw body.error(.invalid("removed mapping starts are not ascending"), at: at)
                }
                previous += pages * FormatConstants.pageUnit
                removed.append(previous)
            }
            let addedCount = try body.count("an added mapping count", limit: body.remaining / 5)
            let added = try decodeMappings(addedCount, &body)
            let delay = try decodeDelay(&body)
            return .delta(process: process, removed: removed, added: added, delay: delay,
                          eventDated: try decodeOrigin(&body) == .event)
        case .gone:
            let process = try body.count("a process number", limit: numberLimit)
            let at = body.position
            let reason = try body.byte("a gone reason")
            guard ProcessEnd(rawValue: reason) != nil else {
                throw body.error(.invalid("unknown reason \(reason) for a process gone"), at: at)
            }
            return .gone(process: process, reason: reason, delay: try decodeDelay(&body))
        case .fork:
            let process = try body.count("a process number", limit: numberLimit)
            let parent = try body.count("a parent process number", limit: numberLimit)
            return .fork(process: process, parent: parent, delay: try decodeDelay(&body))
        case .lost:
            let first = try body.varint("a lost window's first time")
            let span = try body.varint("a lost window's span")
            let (last, overflow) = first.addingReportingOverflow(span)
            guard !overflow else { throw body.error(.invalid("a lost window from \(first) ns lasting \(span) ns")) }
            return .lost(first: first, last: last)
        case .frames, .definitions, .processIndex, .summary, .lostWindows:
            // `decode(_:length:_:)` rejects these first; kept for a complete switch.
            throw body.error(.invalid("index record type \(Hex.address(UInt64(type.rawValue))) in a records frame"))
        }
    }

    /// `count` mappings in address order.
    /// The optional trailing delay (0 when absent). Bytes after it belong to
    /// fields of later minor versions and are skipped with the record.
    static func decodeDelay(_ body: inout ByteDecoder) throws -> UInt64 {
        body.isAtEnd ? 0 : try body.varint("a delay after the round")
    }

    /// The optional origin after the delay (format 1.2; walk-found when
    /// absent). Bytes after it belong to later minor versions.
    static func decodeOrigin(_ body: inout ByteDecoder) throws -> ChangeOrigin {
        body.isAtEnd ? .walk : ChangeOrigin(stored: try body.varint("a change's origin"))
    }

    static func decodeMappings(_ count: Int, _ body: inout ByteDecoder) throws -> [StoredMapping] {
        let unit = FormatConstants.pageUnit
        let limit = UInt64.max / unit
        var mappings: [StoredMapping] = []
        mappings.reserveCapacity(count)
        var previousEnd: UInt64 = 0
        for _ in 0..<count {
            let at = body.position
            let gap = try body.varint("a mapping's start")
            let size = try body.varint("a mapping's size")
            let offset = try body.varint("a mapping's offset")
            let flags = try body.byte("a mapping's flags")
            let file = try body.count("a mapping's file number", limit: Int(Int32.max))
            guard gap <= limit, size <= limit, offset <= limit, size > 0 else {
                throw body.error(.invalid("a mapping's start, size or offset is out of range"), at: at)
            }
            let (start, startOverflow) = previousEnd.addingReportingOverflow(gap * unit)
            let (end, endOverflow) = start.addingReportingOverflow(size * unit)
            guard !startOverflow, !endOverflow else {
                throw body.error(.invalid("a mapping ends beyond 2^64"), at: at)
            }
            guard flags & 0xE0 == 0 else {
                throw body.error(.invalid("unknown mapping flags \(Hex.address(UInt64(flags)))"), at: at)
            }
            var pageSize = unit
            if flags & 0x10 != 0 {
                pageSize = try body.varint("a mapping's page size")
                guard pageSize > 0 else { throw body.error(.invalid("a mapping's page size is 0"), at: at) }
            }
            mappings.append(StoredMapping(
                start: start, end: end, offset: offset * unit, permissions: flags & 0x0F, file: file, pageSize: pageSize))
            previousEnd = end
        }
        return mappings
    }
}
