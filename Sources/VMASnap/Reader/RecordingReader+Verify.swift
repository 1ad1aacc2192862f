extension RecordingReader {
    /// Reads and checks every frame the index lists (lengths, checksums,
    /// decoding, record structure), so that damage a valid index does not
    /// reveal is found; returns `truncation` afterwards. Reads the whole file
    /// once, one frame at a time. An I/O error stops it and is kept in
    /// `readError`, not reported as damage.
    @discardableResult
    public func verify() -> Truncation? {
        for number in index.frames.indices {
            do {
                let frame = try readFrame(number)
                var records = frame.records
                while try records.next() != nil {}
            } catch let error as SystemError {
                readError = error
                break
            } catch {
                let formatError = error as? FormatError
                    ?? FormatError(offset: index.frames[number].offset, reason: .invalid(String(describing: error)))
                noteTruncation(Truncation(offset: index.frames[number].offset, error: formatError))
                break
            }
        }
        return truncation
    }
}
