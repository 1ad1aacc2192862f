extension RecordingReader {
    /// What a scan of the frames found.
    struct Scan {
        var index: RecordingIndex
        var definitions: Definitions
        var truncation: Truncation?
    }

    /// What opening found: the index and definitions to use, and why a stored index was not used.
    struct Opened {
        var scan: Scan
        var indexOffset: UInt64?
        var indexProblem: FormatError?
        var rebuilt: Bool
    }

    /// Reads the stored index when the footer points at one and it passes
    /// every check; scans the frames otherwise.
    static func open(
        file: RecordingFile, headerLength: UInt64, header: RecordingHeader, decompressor: ZstdDecompressor
    ) throws -> Opened {
        let footerLength = UInt64(FormatConstants.footerLength)
        var footer: Footer?
        if file.size >= headerLength + footerLength {
            let bytes = try file.read(at: file.size - footerLength, count: FormatConstants.footerLength)
            footer = Footer.decode(bytes, fileSize: file.size, headerLength: headerLength)
        }
        guard let footer else {
            return Opened(
                scan: try scan(file: file, headerLength: headerLength, header: header, decompressor: decompressor),
                indexOffset: nil, indexProblem: nil, rebuilt: true)
        }
        do {
            let (index, definitions) = try loadIndex(
                file: file, headerLength: headerLength, footer: footer, header: header, decompressor: decompressor)
            return Opened(scan: Scan(index: index, definitions: definitions, truncation: nil),
                          indexOffset: footer.indexOffset, indexProblem: nil, rebuilt: false)
        } catch let problem as FormatError {
            let scan = try scan(
                file: file, headerLength: headerLength, header: header, decompressor: decompressor, before: footer.indexOffset)
            return Opened(scan: scan, indexOffset: footer.indexOffset, indexProblem: problem, rebuilt: true)
        }
    }

    /// The index the footer points at and the definitions from the frames
    /// it names, once the index has passed the checks of §6: its frame and
    /// structure; its claims against each other; the frames from the header
    /// to it, each whole with its CRC intact, of which the records frames
    /// are exactly those it lists, holding the decoded bytes it counts; and
    /// the definitions frames, decoded. Throws the first that fails (a
    /// `FormatError`), or a `SystemError` when the file cannot be read.
    static func loadIndex(
        file: RecordingFile, headerLength: UInt64, footer: Footer, header: RecordingHeader, decompressor: ZstdDecompressor
    ) throws -> (RecordingIndex, Definitions) {
        let frame = try file.readFrame(at: footer.indexOffset, decompressor: decompressor)
        guard frame.kindByte == FrameKind.index.rawValue, UInt64(frame.totalLength) == footer.indexLength else {
            throw FormatError(offset: footer.indexOffset, reason: .invalid(
                "the footer points at a frame of kind \(frame.kindByte) and \(frame.totalLength) bytes, not the index"))
        }
        let index = try RecordingIndex.decode(
            frame.payload, origin: frame.origin, frameRange: headerLength..<footer.indexOffset,
            timeLimit: RecordReplay(start: header.start).timeLimit)
        func mismatch(_ message: String) -> FormatError {
            FormatError(offset: footer.indexOffset, reason: .invalid("the index does not match the file: " + message))
        }
        if let inconsistency = index.inconsistency { throw mismatch(inconsistency) }

        // Every frame from the header to the index: whole, its CRC intact,
        // the records frames exactly those listed.
        var walk = FrameWalk(file: file, from: headerLength, to: footer.indexOffset)
        var listed = 0
        var decodedBytes: UInt64 = 0
        while let found = try walk.next() {
            guard found.prefix.kindByte == FrameKind.records.rawValue else { continue }
            guard listed < index.frames.count, index.frames[listed].offset == found.offset else {
                let place = listed < index.frames.count ? "frame \(listed) at byte \(index.frames[listed].offset)" : "no more"
                throw mismatch("the records frame at byte \(found.offset) is not the one it lists (\(place))")
            }
            listed += 1
            decodedBytes += UInt64(found.prefix.decodedLength)
        }
        guard listed == index.frames.count else {
            throw mismatch("it lists \(index.frames.count) records frames, the file holds \(listed)")
        }
        guard decodedBytes == index.summary.decodedBytes else {
            throw mismatch("its SUMMARY counts \(index.summary.decodedBytes) decoded bytes, the frames hold \(decodedBytes)")
        }

        // Definitions: numbered in file order, so the frames that hold them,
        // read in order, number them as a full read would.
        var replay = RecordReplay(start: header.start, keepsMappings: false)
        var definitions = Definitions()
        for number in index.definitionFrames {
            let frame = try file.readFrame(at: index.frames[number].offset, decompressor: decompressor)
            var records = frame.records
            while let record = try records.next() {
                guard record.isDefinition else { continue }
                do {
                    try definitions.apply(try replay.take(record))
                } catch let reason as FormatError.Reason {
                    throw records.error(reason)
                }
            }
        }
        guard definitions.processes.count == index.processes.count else {
            throw mismatch("it lists \(index.processes.count) processes, its definitions frames define \(definitions.processes.count)")
        }
        return (index, definitions)
    }

    /// Rebuilds the index by reading every frame from the header on (up to
    /// `limit`, the index frame's offset when the footer is valid), stopping
    /// at the first that is incomplete or breaks a rule.
    static func scan(
        file: RecordingFile, headerLength: UInt64, header: RecordingHeader, decompressor: ZstdDecompressor,
        before limit: UInt64? = nil
    ) throws -> Scan {
        var builder = IndexBuilder(start: header.start, keyframeInterval: header.keyframeInterval, keepsMappings: true)
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
                            try definitions.apply(try builder.add(record))
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
