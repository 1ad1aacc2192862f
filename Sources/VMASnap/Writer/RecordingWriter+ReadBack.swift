import SystemPackage

extension RecordingWriter {
    /// The index of every frame written so far, built by reading them back
    /// from the file (see the type's notes on memory): the same builder the
    /// writer runs as it goes, fed the same records, so the index is the same.
    ///
    /// - Throws: `WriterError.system` when a read fails, `.inconsistent` when
    ///   what is read back is not what the writer wrote.
    func readBack() throws -> IndexBuilder {
        var builder = IndexBuilder(start: header.start, keyframeInterval: header.keyframeInterval)
        let decompressor = ZstdDecompressor()
        var position = framesStart
        do {
            while position < offset {
                let head = try readBack(at: position, count: Int(min(UInt64(FrameCodec.maximumPrefixLength), offset - position)))
                let prefix = try FrameCodec.decodePrefix(head, at: position)
                guard UInt64(prefix.totalLength) <= offset - position else {
                    throw FormatError(offset: position, reason: .truncated("a frame the writer wrote"))
                }
                let stored = try readBack(at: position + UInt64(prefix.length), count: prefix.storedLength)
                let payload = try FrameCodec.decodePayload(
                    prefix: prefix, head: head, stored: stored, at: position, decompressor: decompressor)
                builder.beginFrame(offset: position)
                var records = RecordDecoder(payload: payload, origin: .decoded(frame: position))
                while let record = try records.next() { try builder.add(record) }
                builder.endFrame(decodedLength: payload.count)
                position += UInt64(prefix.totalLength)
            }
        } catch let error as FormatError {
            closed = true
            throw WriterError.inconsistent("reading back the frames written: \(error)")
        }
        return builder
    }

    /// `count` bytes the writer wrote at `position`.
    private func readBack(at position: UInt64, count: Int) throws -> [UInt8] {
        let bytes: [UInt8]
        do throws(Errno) {
            bytes = try OwnedDescriptor.read(from: descriptor, at: Int64(position), count: count, system: system)
        } catch {
            throw WriterError.system(SystemError(.read, subject, error))
        }
        guard bytes.count == count else {
            closed = true
            throw WriterError.inconsistent("the file is shorter than what the writer wrote (at byte \(position))")
        }
        return bytes
    }
}
