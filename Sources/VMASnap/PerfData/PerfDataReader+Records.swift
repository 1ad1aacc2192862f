extension PerfDataReader {
    /// Reads the data once, front to back, and gives `body` every kernel
    /// record in perf's time order: records without a time (or time 0, as
    /// perf's start-up synthesis writes them) at once, the others when a
    /// FINISHED_ROUND releases them, and what is left at the end.
    ///
    /// perf's own records are taken in as they come: HEADER_ATTR adds an
    /// event, HEADER_FEATURE a feature, HEADER_BUILD_ID a build ID,
    /// COMPRESSED records are decoded and their records read as if they
    /// stood there. Records whose sample id names no event are counted in
    /// `statistics` and skipped, as perf does.
    ///
    /// - Parameters:
    ///   - progress: called after each chunk read with the bytes read so far.
    ///   - body: takes each record; what it throws stops the reading.
    /// - Throws: `PerfDataError` for damaged data (after handing on the
    ///   records before it), `SystemError` when reading fails; and what
    ///   `body` throws. Call it once.
    public func forEachRecord(progress: ((UInt64) -> Void)? = nil, _ body: (PerfDataRecord) throws -> Void) throws {
        precondition(!consumed, "forEachRecord reads the data once")
        consumed = true
        queue = PerfRecordQueue(byteLimit: holdingLimit)
        defer { takeQueueStatistics() }
        let deliver = { (entry: PerfRecordQueue.Entry, raw: UnsafeRawBufferPointer) throws in
            try self.hand(raw, event: entry.event, time: entry.time, offset: entry.offset, decodedOffset: entry.decodedOffset, body)
        }
        do {
            try readData(progress: progress, body, deliver)
        } catch let error as PerfDataError {
            // What came before the damage is handed on first.
            try queue.flushAll(deliver)
            throw error
        }
        try queue.flushAll(deliver)
        if let damage { throw damage }
    }

    private func takeQueueStatistics() {
        statistics.outOfOrderRecords = queue.outOfOrder
        statistics.largestHeldBytes = queue.largestHeldBytes
        statistics.forcedFlushes = queue.forcedFlushes
        var byType: [UInt32: Int] = statistics.recordsByType
        for (type, count) in typeCounts.enumerated() where count > 0 { byType[UInt32(type)] = count }
        statistics.recordsByType = byType
    }

    private func hand(
        _ raw: UnsafeRawBufferPointer, event: Int, time: UInt64?, offset: UInt64, decodedOffset: UInt64?,
        _ body: (PerfDataRecord) throws -> Void
    ) throws {
        let bytes = PerfBytes(raw, order: header.order)
        try body(PerfDataRecord(header: PerfRecordHeader(bytes)!, bytes: bytes, event: event, time: time, offset: offset,
                                decodedOffset: decodedOffset))
    }

    /// The chunked read of the data section (file mode) or the stream (pipe mode).
    private func readData(
        progress: ((UInt64) -> Void)?, _ body: (PerfDataRecord) throws -> Void,
        _ deliver: (PerfRecordQueue.Entry, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var chunk = 4 << 20
        let longest = Int(UInt16.max)
        var filled = 0
        /// The input offset of buffer[0].
        var bufferOffset: UInt64
        var end: UInt64 = .max
        if header.mode == .file {
            bufferOffset = header.data.offset
            input.seek(to: bufferOffset)
            let size = input.size ?? 0
            end = dataSizeWasMissing ? size : min(header.data.end, size)
        } else {
            bufferOffset = PerfDataHeader.pipeHeaderSize
        }
        // A small file needs no large buffer.
        if let size = input.size { chunk = Int(min(UInt64(chunk), max(min(end, size) - min(end, size, bufferOffset), 1))) }
        var buffer = [UInt8](repeating: 0, count: chunk + longest)
        /// Bytes after a record that belong to it (tracing data, AUX trace data).
        var skip: UInt64 = 0
        while true {
            let reached = bufferOffset + UInt64(filled)
            let room = reached >= end ? 0 : min(UInt64(chunk), end - reached)
            let got = room == 0 ? 0 : try buffer.withUnsafeMutableBytes { raw in
                try input.readNext(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled..<filled + Int(room)]))
            }
            statistics.bytesRead += UInt64(got)
            filled += got
            progress?(statistics.bytesRead)
            var position = 0
            try buffer.withUnsafeBytes { raw in
                while true {
                    if skip > 0 {
                        let taken = Int(min(skip, UInt64(filled - position)))
                        position += taken
                        skip -= UInt64(taken)
                        if skip > 0 { return }
                    }
                    guard filled - position >= PerfRecordHeader.size else { return }
                    let offset = bufferOffset + UInt64(position)
                    let recordHeader = PerfRecordHeader(PerfBytes(UnsafeRawBufferPointer(rebasing: raw[position..<filled]), order: header.order))!
                    let size = Int(recordHeader.size)
                    guard size >= PerfRecordHeader.size else {
                        throw PerfDataError(offset: offset, reason: .invalid("a \(recordHeader.type) record's size is \(size), less than its header"))
                    }
                    guard size <= filled - position else { return }
                    let record = UnsafeRawBufferPointer(rebasing: raw[position..<position + size])
                    skip = try process(record, header: recordHeader, offset: offset, decodedOffset: nil, body, deliver)
                    position += size
                }
            }
            // Keep the start of a record cut by the chunk's end.
            if position > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    raw.baseAddress!.copyMemory(from: raw.baseAddress! + position, byteCount: filled - position)
                }
                filled -= position
                bufferOffset += UInt64(position)
            }
            if got == 0 {
                if skip > 0 {
                    throw PerfDataError(offset: bufferOffset, reason: .truncated("the data that follows a record (\(skip) bytes missing)"))
                }
                if filled > 0 {
                    throw PerfDataError(offset: bufferOffset, reason: .truncated("a record (\(filled) bytes of it are there)"))
                }
                if header.mode == .file, !dataSizeWasMissing, bufferOffset < header.data.end, damage == nil {
                    throw PerfDataError(offset: bufferOffset, reason: .truncated("the data section, which should end at byte \(header.data.end)"))
                }
                if !decoded.isEmpty {
                    throw PerfDataError(offset: bufferOffset, decodedOffset: decodedStreamOffset,
                                        reason: .truncated("a record in the COMPRESSED data (\(decoded.count) bytes of it are there)"))
                }
                return
            }
        }
    }

    /// Takes one record: perf's own at once, a kernel record into the queue
    /// (or at once without a time). Returns how many bytes after it belong to it.
    private func process(
        _ record: UnsafeRawBufferPointer, header recordHeader: PerfRecordHeader, offset: UInt64, decodedOffset: UInt64?,
        _ body: (PerfDataRecord) throws -> Void, _ deliver: (PerfRecordQueue.Entry, UnsafeRawBufferPointer) throws -> Void
    ) throws -> UInt64 {
        let type = recordHeader.type
        if type.rawValue < 128 { typeCounts[Int(type.rawValue)] += 1 } else { statistics.recordsByType[type.rawValue, default: 0] += 1 }
        let bytes = PerfBytes(record, order: header.order)
        func fail(_ reason: PerfDataError.Reason) -> PerfDataError {
            PerfDataError(offset: offset, decodedOffset: decodedOffset, reason: reason)
        }
        if !type.isUserType {
            guard events.count > 0 else { throw fail(.recordBeforeAttributes(type)) }
            guard let event = events.eventIndex(of: bytes, type: type) else {
                statistics.unknownEventRecords += 1
                return 0
            }
            switch type {
            case .lost: statistics.lostRecords &+= bytes.u64(16) ?? 0
            case .lostSamples: statistics.lostSamples &+= bytes.u64(8) ?? 0
            default: break
            }
            let time = events.decoders[event].time(of: bytes, type: type)
            if let time, time != 0 {
                queue.push(record, time: time, event: event, offset: offset, decodedOffset: decodedOffset)
                if queue.isOverLimit { try queue.flushHalf(deliver) }
            } else {
                try hand(record, event: event, time: time, offset: offset, decodedOffset: decodedOffset, body)
            }
            return 0
        }
        switch type {
        case .finishedRound:
            statistics.rounds += 1
            try queue.finishRound(deliver)
        case .headerAttribute:
            do {
                let attributeRecord = try PerfAttributeRecord(bytes, order: header.order)
                guard events.count < PerfDataReader.eventLimit else {
                    throw fail(.tooLarge("the number of events", value: UInt64(events.count + 1), limit: UInt64(PerfDataReader.eventLimit)))
                }
                try events.add(attributeRecord.attribute, ids: attributeRecord.ids)
            } catch let error as PerfEventError {
                throw fail(.record(type, error))
            } catch let mismatch as PerfEventList.Mismatch {
                throw fail(.events(mismatch))
            }
        case .headerBuildID:
            do {
                buildIDRecords.append(try PerfBuildIDRecord(bytes))
            } catch let error as PerfEventError {
                throw fail(.record(type, error))
            }
        case .headerFeature:
            guard let number = bytes.u64(8) else { throw fail(.record(type, .recordTooShort(type, size: record.count, minimum: 16))) }
            do {
                if number < 256, let data = bytes.slice(16, record.count - 16) {
                    try features.apply(feature: Int(number), PerfBytes(data, order: header.order))
                }
            } catch let reason as PerfDataError.Reason {
                throw fail(reason)
            }
        case .headerTracingData:
            // The tracepoint formats follow the record (aligned to 8).
            guard let size = bytes.u32(8) else { throw fail(.record(type, .recordTooShort(type, size: record.count, minimum: 16))) }
            return (UInt64(size) + 7) & ~7
        case .auxtrace:
            // AUX trace data follows the record.
            guard let size = bytes.u64(8) else { throw fail(.record(type, .recordTooShort(type, size: record.count, minimum: 16))) }
            return size
        case .idIndex:
            try takeIDIndex(bytes, fail)
        case .compressed:
            guard decodedOffset == nil else { throw fail(.invalid("a COMPRESSED record inside COMPRESSED data")) }
            try decompress(record, offset: offset, body, deliver)
        default:
            break  // FINISHED_INIT, statistics, AUX set-up, time conversion: nothing to use.
        }
        return 0
    }

    /// ID_INDEX: {u64 nr; nr × {u64 id, idx, cpu, tid}}: more ids of events.
    private func takeIDIndex(_ bytes: PerfBytes, _ fail: (PerfDataError.Reason) -> PerfDataError) throws {
        guard let count = bytes.u64(8) else { throw fail(.record(.idIndex, .recordTooShort(.idIndex, size: bytes.count, minimum: 16))) }
        let available = bytes.count - 16
        guard count <= UInt64(available / 32) else {
            throw fail(.record(.idIndex, .countTooLarge("an ID_INDEX count", count: count, available: available)))
        }
        for entry in 0..<Int(count) {
            let id = bytes.u64(16 + 32 * entry)!
            let index = bytes.u64(24 + 32 * entry)!
            if index < UInt64(events.count) { events.addIDs([id], toEventAt: Int(index)) }
        }
    }

    /// COMPRESSED: decodes its data onto the decoded stream and processes
    /// every record completed.
    private func decompress(
        _ record: UnsafeRawBufferPointer, offset: UInt64, _ body: (PerfDataRecord) throws -> Void,
        _ deliver: (PerfRecordQueue.Entry, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        if let compression = features.compression, compression.type != 1 {
            throw PerfDataError(offset: offset, reason: .unsupportedCompression(compression.type))
        }
        if zstd == nil { zstd = PerfZstdStream() }
        let data = UnsafeRawBufferPointer(rebasing: record[PerfRecordHeader.size...])
        statistics.compressedBytes += UInt64(data.count)
        let before = decoded.count
        do {
            try zstd!.decompress(data, appendingTo: &decoded, limit: PerfDataReader.decodedRecordLimit)
        } catch let reason as PerfDataError.Reason {
            throw PerfDataError(offset: offset, decodedOffset: decodedStreamOffset + UInt64(before), reason: reason)
        }
        statistics.decompressedBytes += UInt64(decoded.count - before)
        var position = 0
        var stream: [UInt8] = []
        swap(&stream, &decoded)
        defer {
            // The start of a record the next COMPRESSED record completes.
            decoded = Array(stream[position...])
            decodedStreamOffset += UInt64(position)
        }
        try stream.withUnsafeBytes { raw in
            while raw.count - position >= PerfRecordHeader.size {
                let at = decodedStreamOffset + UInt64(position)
                let recordHeader = PerfRecordHeader(PerfBytes(UnsafeRawBufferPointer(rebasing: raw[position...]), order: header.order))!
                let size = Int(recordHeader.size)
                guard size >= PerfRecordHeader.size else {
                    throw PerfDataError(offset: offset, decodedOffset: at,
                                        reason: .invalid("a \(recordHeader.type) record's size is \(size), less than its header"))
                }
                guard size <= raw.count - position else { break }
                let inner = UnsafeRawBufferPointer(rebasing: raw[position..<position + size])
                let extra = try process(inner, header: recordHeader, offset: offset, decodedOffset: at, body, deliver)
                guard extra == 0 else {
                    throw PerfDataError(offset: offset, decodedOffset: at, reason: .invalid("a \(recordHeader.type) record inside COMPRESSED data"))
                }
                position += size
            }
        }
    }
}
