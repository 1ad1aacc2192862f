/// The tags of the header's fields.
enum HeaderTag: UInt64 {
    case clock = 1
    case start = 2
    case referenceRealtime = 3
    case referenceMonotonic = 4
    case bootID = 5
    case hostName = 6
    case kernelRelease = 7
    case options = 8
    case clockTicksPerSecond = 9
    case backend = 10
    case flushInterval = 11
    case keyframeInterval = 12
    case perfClock = 13
    case kernelEvents = 14
    case kernelEventsRefusal = 15
}

extension RecordingHeader {
    /// The header's bytes: magic, version, body length, body, CRC-32C.
    /// Integer fields must not be negative (the writer checks this first).
    func encoded() -> [UInt8] {
        var body = ByteEncoder()
        func number(_ tag: HeaderTag, _ value: UInt64) {
            body.varint(tag.rawValue)
            body.varint(UInt64(ByteEncoder.varintLength(value)))
            body.varint(value)
        }
        func text(_ tag: HeaderTag, _ value: String) {
            let bytes = Array(value.utf8)
            body.varint(tag.rawValue)
            body.varint(UInt64(bytes.count))
            body.append(bytes)
        }
        number(.clock, clock.rawValue)
        number(.start, UInt64(start))
        number(.referenceRealtime, UInt64(referenceRealtime))
        number(.referenceMonotonic, UInt64(referenceMonotonic))
        text(.bootID, bootID)
        text(.hostName, hostName)
        text(.kernelRelease, kernelRelease)
        text(.options, options)
        number(.clockTicksPerSecond, UInt64(clockTicksPerSecond))
        text(.backend, backend)
        number(.flushInterval, UInt64(flushInterval))
        number(.keyframeInterval, UInt64(keyframeInterval))
        if let perfClock {
            var field = ByteEncoder()
            field.varint(UInt64(perfClock.perfTime))
            field.varint(UInt64(perfClock.recordingTime))
            field.varint(UInt64(perfClock.uncertainty))
            body.varint(HeaderTag.perfClock.rawValue)
            body.varint(UInt64(field.bytes.count))
            body.append(field.bytes)
        }
        if let kernelEvents {
            number(.kernelEvents, kernelEvents.fieldValue)
            if case .refused(let reason) = kernelEvents { text(.kernelEventsRefusal, reason) }
        }

        var header = ByteEncoder()
        header.append(FormatConstants.magic)
        header.uint16(FormatConstants.majorVersion)
        header.uint16(FormatConstants.minorVersion)
        header.uint32(UInt32(body.bytes.count))
        header.append(body.bytes)
        header.uint32(CRC32C.checksum(header.bytes))
        return header.bytes
    }

    /// What the writer cannot store: a negative time, interval or tick rate,
    /// or a header too long.
    var encodingProblem: String? {
        if start < 0 { return "the start time is negative" }
        if referenceRealtime < 0 || referenceMonotonic < 0 { return "a reference time is negative" }
        if flushInterval < 0 || keyframeInterval < 0 { return "an interval is negative" }
        if clockTicksPerSecond < 0 { return "the clock tick rate is negative" }
        if let perfClock, perfClock.perfTime < 0 || perfClock.recordingTime < 0 || perfClock.uncertainty < 0 {
            return "a perf clock measurement is negative"
        }
        let textLength = bootID.utf8.count + hostName.utf8.count + kernelRelease.utf8.count + options.utf8.count
            + backend.utf8.count
        if textLength > FormatConstants.maximumHeaderBodyLength - 256 { return "the header text is too long" }
        return nil
    }

    /// Decodes the fixed prefix (magic, version, body length) of a header:
    /// returns the body length.
    static func decodePrefix(_ bytes: [UInt8]) throws -> (major: UInt16, minor: UInt16, bodyLength: Int) {
        var decoder = ByteDecoder(bytes, origin: .file(0))
        for (index, expected) in FormatConstants.magic.enumerated() {
            guard let byte = try? decoder.byte("the magic"), byte == expected else {
                throw FormatError(offset: UInt64(index), reason: bytes.count < FormatConstants.magic.count
                    && bytes.elementsEqual(FormatConstants.magic.prefix(bytes.count))
                    ? .truncated("the header") : .notARecording)
            }
        }
        let major = try decoder.uint16("the header")
        let minor = try decoder.uint16("the header")
        guard FormatConstants.readableMajorVersions.contains(major) else {
            throw FormatError(offset: 8, reason: .unsupportedVersion(major: major, minor: minor))
        }
        let bodyLength = try decoder.uint32("the header")
        guard bodyLength <= UInt32(FormatConstants.maximumHeaderBodyLength) else {
            throw FormatError(offset: 12, reason: .tooLarge(
                "header body length", value: UInt64(bodyLength), limit: UInt64(FormatConstants.maximumHeaderBodyLength)))
        }
        return (major, minor, Int(bodyLength))
    }

    /// Decodes a whole header: `bytes` holds the prefix, the body and the CRC.
    /// Unknown tags are skipped; clock and start are required.
    static func decode(_ bytes: [UInt8]) throws -> RecordingHeader {
        let (major, minor, bodyLength) = try decodePrefix(bytes)
        let bodyStart = FormatConstants.headerPrefixLength
        let crcOffset = bodyStart + bodyLength
        var decoder = ByteDecoder(bytes, origin: .file(0))
        try decoder.skip(crcOffset, "the header body")
        let stored = try decoder.uint32("the header checksum")
        let computed = CRC32C.checksum(bytes[0..<crcOffset])
        guard stored == computed || FormatConstants.fuzzing else {
            throw FormatError(offset: UInt64(crcOffset), reason: .headerChecksumMismatch(stored: stored, computed: computed))
        }

        var header = RecordingHeader(
            clock: .monotonic, start: 0, referenceRealtime: 0, referenceMonotonic: 0, bootID: "", hostName: "",
            kernelRelease: "", options: "", clockTicksPerSecond: 0, backend: "", flushInterval: 0, keyframeInterval: 0)
        header.majorVersion = major
        header.minorVersion = minor
        var kernelEvents: Int64 = 0
        var kernelEventsRefusal = ""
        var seenClock = false
        var seenStart = false
        var body = ByteDecoder(bytes, range: bodyStart..<crcOffset, origin: .file(0))
        while !body.isAtEnd {
            let tag = try body.varint("a header field tag")
            let length = try body.varint("a header field length")
            let fieldStart = body.position
            var field = try body.prefix(length, "a header field")
            func integer() throws -> Int64 {
                let value = try field.varint("header field \(tag)")
                guard field.isAtEnd else {
                    throw field.error(.lengthMismatch("header field \(tag)", declared: length,
                                                      actual: UInt64(field.position - fieldStart)))
                }
                guard value <= UInt64(Int64.max) else {
                    throw field.error(.tooLarge("header field \(tag)", value: value, limit: UInt64(Int64.max)),
                                      at: fieldStart)
                }
                return Int64(value)
            }
            func text() throws -> String {
                String(decoding: try field.bytes(field.remaining, "header field \(tag)"), as: UTF8.self)
            }
            switch HeaderTag(rawValue: tag) {
            case .clock?:
                header.clock = RecordingClock(rawValue: UInt64(try integer()))
                seenClock = true
            case .start?:
                header.start = try integer()
                seenStart = true
            case .referenceRealtime?: header.referenceRealtime = try integer()
            case .referenceMonotonic?: header.referenceMonotonic = try integer()
            case .bootID?: header.bootID = try text()
            case .hostName?: header.hostName = try text()
            case .kernelRelease?: header.kernelRelease = try text()
            case .options?: header.options = try text()
            case .clockTicksPerSecond?:
                let value = try integer()
                guard value <= Int64(Int32.max) else {
                    throw FormatError(offset: UInt64(fieldStart), reason: .invalid("clock ticks per second \(value)"))
                }
                header.clockTicksPerSecond = Int(value)
            case .backend?: header.backend = try text()
            case .flushInterval?: header.flushInterval = try integer()
            case .keyframeInterval?: header.keyframeInterval = try integer()
            case .perfClock?:
                // Three varints; any after them belong to a later minor version.
                var values: [Int64] = []
                for name in ["perf time", "recording time", "uncertainty"] {
                    let value = try field.varint("the perf clock's \(name)")
                    guard value <= UInt64(Int64.max) else {
                        throw field.error(.tooLarge("the perf clock's \(name)", value: value, limit: UInt64(Int64.max)))
                    }
                    values.append(Int64(value))
                }
                header.perfClock = PerfClockReading(perfTime: values[0], recordingTime: values[1], uncertainty: values[2])
            case .kernelEvents?: kernelEvents = try integer()
            case .kernelEventsRefusal?: kernelEventsRefusal = try text()
            case nil: break  // A field of a later minor version.
            }
        }
        // 0 (absent) and values this reader does not know say nothing.
        switch kernelEvents {
        case 1: header.kernelEvents = .off
        case 2: header.kernelEvents = .on
        case 3: header.kernelEvents = .refused(reason: kernelEventsRefusal)
        default: header.kernelEvents = nil
        }
        guard seenClock, seenStart else {
            throw FormatError(offset: UInt64(bodyStart), reason: .invalid("the header has no \(seenClock ? "start time" : "clock") field"))
        }
        return header
    }
}
