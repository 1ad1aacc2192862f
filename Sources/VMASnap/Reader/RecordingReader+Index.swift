extension RecordingReader {
    /// What a scan of the frames found.
    struct Scan {
        var index: RecordingIndex
        var definitions: Definitions
        var truncation: Truncation?
    }

    /// The index from the footer and the definitions from the frames it
    /// names, or nil when any of it is missing or fails a check (the caller
    /// then scans).
    static func loadIndex(
        file: RecordingFile, headerLength: UInt64, header: RecordingHeader, decompressor: ZstdDecompressor
    ) -> (RecordingIndex, Definitions)? {
        let footerLength = UInt64(FormatConstants.footerLength)
        guard file.size >= headerLength + footerLength,
            let bytes = try? file.read(at: file.size - footerLength, count: FormatConstants.footerLength),
            let footer = Footer.decode(bytes, fileSize: file.size, headerLength: headerLength),
            let frame = try? file.readFrame(at: footer.indexOffset, decompressor: decompressor),
            frame.kindByte == FrameKind.index.rawValue, UInt64(frame.totalLength) == footer.indexLength,
            let index = try? RecordingIndex.decode(
                frame.payload, origin: frame.origin, frameRange: headerLength..<footer.indexOffset,
                timeLimit: IndexBuilder(start: header.start).timeLimit)
        else { return nil }
        guard index.frames.first.map({ $0.offset == headerLength }) ?? (footer.indexOffset == headerLength) else {
            return nil
        }
        var definitions = Definitions()
        for number in index.definitionFrames {
            guard let frame = try? file.readFrame(at: index.frames[number].offset, decompressor: decompressor),
                frame.kindByte == FrameKind.records.rawValue
            else { return nil }
            var records = frame.records
            do {
                while let record = try records.next() {
                    if record.isDefinition { try definitions.apply(record) }
                }
            } catch {
                return nil
            }
        }
        guard definitions.processes.count == index.processes.count else { return nil }
        return (index, definitions)
    }

    /// Rebuilds the index by reading every frame from the header on, stopping
    /// at the first that is incomplete or fails a check.
    static func scan(
        file: RecordingFile, headerLength: UInt64, header: RecordingHeader, decompressor: ZstdDecompressor,
        before limit: UInt64? = nil
    ) throws -> Scan {
        var builder = IndexBuilder(start: header.start, keyframeInterval: header.keyframeInterval)
        var definitions = Definitions()
        var offset = headerLength
        let end = min(limit ?? file.size, file.size)
        while offset < end {
            let frame: DecodedFrame
            do {
                frame = try file.readFrame(at: offset, decompressor: decompressor)
            } catch let error as FormatError {
                return Scan(index: builder.finished(), definitions: definitions,
                            truncation: Truncation(offset: offset, error: error))
            }
            if frame.kindByte == FrameKind.records.rawValue {
                var records = frame.records
                builder.beginFrame(offset: offset)
                do {
                    while let record = try records.next() {
                        do {
                            try builder.add(record)
                            try definitions.apply(record)
                        } catch let reason as FormatError.Reason {
                            throw records.error(reason)
                        }
                    }
                } catch let error as FormatError {
                    // The frame was partly taken in: scan again up to it, so
                    // the index holds whole frames only.
                    var clean = try scan(
                        file: file, headerLength: headerLength, header: header, decompressor: decompressor, before: offset)
                    clean.truncation = Truncation(offset: offset, error: error)
                    return clean
                }
                builder.endFrame(decodedLength: frame.payload.count)
            }
            // Index frames and frames of unknown kinds are skipped.
            offset += UInt64(frame.totalLength)
            if frame.kindByte == FrameKind.index.rawValue, limit == nil, file.size - offset <= UInt64(FormatConstants.footerLength) {
                // The footer follows the index; it was not usable.
                let reason: FormatError.Reason = file.size - offset < UInt64(FormatConstants.footerLength)
                    ? .truncated("the footer") : .invalid("the footer does not point at a valid index frame")
                return Scan(index: builder.finished(), definitions: definitions,
                            truncation: Truncation(offset: offset, error: FormatError(offset: offset, reason: reason)))
            }
        }
        // Only a recorder that finishes writes the index and footer; without
        // them the recording was cut short even if its last frame is whole.
        let unfinished = limit == nil
            ? Truncation(offset: offset, error: FormatError(offset: offset, reason: .unfinished)) : nil
        return Scan(index: builder.finished(), definitions: definitions, truncation: unfinished)
    }
}
