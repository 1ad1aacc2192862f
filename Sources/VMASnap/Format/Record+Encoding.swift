extension Record {
    /// Appends the record (type, body length, body) to `encoder`.
    func encode(to encoder: inout ByteEncoder) {
        var body = ByteEncoder()
        let type: RecordType
        switch self {
        case .path(let bytes):
            type = .path
            body.append(bytes)
        case .buildID(let bytes):
            type = .buildID
            body.append(bytes)
        case .file(let file):
            type = .file
            body.varint(file.device)
            body.varint(file.inode)
            body.varint(file.path)
            body.varint(file.buildID.map { $0 + 1 } ?? 0)
        case .process(let process):
            type = .process
            body.varint(process.number)
            body.varint(process.pid)
            body.varint(process.startTime)
            body.varint(process.parentPID)
            body.varint(process.executable.map { $0 + 1 } ?? 0)
            body.append(process.command)
        case .exec(let process, let executable, let command):
            type = .exec
            body.varint(process)
            body.varint(executable.map { $0 + 1 } ?? 0)
            body.append(command)
        case .perfClock(let perfTime, let recordingTime, let uncertainty):
            type = .perfClock
            body.varint(perfTime)
            body.varint(recordingTime)
            body.varint(uncertainty)
        case .symbols(let buildID, let decodedLength, let compressed):
            type = .symbols
            body.varint(buildID)
            body.varint(decodedLength)
            body.append(compressed)
        case .recorderReport(let report):
            type = .recorderReport
            body.varint(report.walks)
            body.varint(report.walksMeetingChanges)
            if let events = report.events {
                body.varint(events.processesFromEvents)
                body.varint(events.changesFoundByWalksOnly)
                body.varint(events.lostRecords)
                body.varint(events.lostWindows)
            }
        case .round(let time):
            type = .round
            body.varint(time)
        case .quiet(let count, let first, let last):
            type = .quiet
            body.varint(count)
            body.varint(first)
            // The last time as the span since the first: a byte shorter.
            body.varint(last - first)
        case .keyframe(let process, let mappings, let delay, let eventDated):
            type = .keyframe
            body.varint(process)
            body.varint(mappings.count)
            Record.encode(mappings, to: &body)
            Record.encodeDelay(delay, eventDated: eventDated, to: &body)
        case .delta(let process, let removed, let added, let delay, let eventDated):
            type = .delta
            body.varint(process)
            body.varint(removed.count)
            var previous: UInt64 = 0
            for start in removed {
                body.varint((start - previous) / FormatConstants.pageUnit)
                previous = start
            }
            body.varint(added.count)
            Record.encode(added, to: &body)
            Record.encodeDelay(delay, eventDated: eventDated, to: &body)
        case .gone(let process, let reason, let delay):
            type = .gone
            body.varint(process)
            body.byte(reason)
            Record.encodeDelay(delay, eventDated: false, to: &body)
        case .fork(let process, let parent, let delay):
            type = .fork
            body.varint(process)
            body.varint(parent)
            // Its origin is always the fork's event: no field says so.
            Record.encodeDelay(delay, eventDated: false, to: &body)
        case .lost(let first, let last):
            type = .lost
            body.varint(first)
            body.varint(last - first)
        case .unknown:
            preconditionFailure("the writer never writes unknown records")
        }
        encoder.byte(type.rawValue)
        encoder.varint(body.bytes.count)
        encoder.append(body.bytes)
    }

    /// The encoded size of the record.
    var encodedLength: Int {
        var encoder = ByteEncoder()
        encode(to: &encoder)
        return encoder.bytes.count
    }

    /// Mappings in address order, each relative to the end of the one before.
    /// The writer has checked alignment and order.
    static func encode(_ mappings: [StoredMapping], to body: inout ByteEncoder) {
        let unit = FormatConstants.pageUnit
        var previousEnd: UInt64 = 0
        for mapping in mappings {
            body.varint((mapping.start - previousEnd) / unit)
            body.varint((mapping.end - mapping.start) / unit)
            body.varint(mapping.offset / unit)
            let customPageSize = mapping.pageSize != unit
            body.byte(mapping.permissions & 0x0F | (customPageSize ? 0x10 : 0))
            body.varint(mapping.file)
            if customPageSize { body.varint(mapping.pageSize) }
            previousEnd = mapping.end
        }
    }

    /// The optional trailing delay of KEYFRAME, DELTA and GONE: nanoseconds
    /// after the round's time at which that process was walked (or found
    /// gone). Omitted when 0 and nothing follows it: a record without it is
    /// at the round's time. An event-dated KEYFRAME or DELTA (format 1.2)
    /// has the delay, 0 or not, then its origin, 1; a walk-found one omits
    /// the origin (0), so that it is written as in 1.1.
    static func encodeDelay(_ delay: UInt64, eventDated: Bool, to body: inout ByteEncoder) {
        if delay > 0 || eventDated { body.varint(delay) }
        if eventDated { body.varint(ChangeOrigin.event.rawValue) }
    }
}
