extension RecordingReader {
    /// Reads and checks every frame (lengths, checksums, decoding, every
    /// rule of the records), rebuilds the index from them and compares it
    /// with the stored one, so that any damage, or an index that does not
    /// match the frames, is found (§6). On either, the reader uses the
    /// rebuilt index from then on: `truncation` says where the file stops
    /// being readable, `indexProblem` why the stored index was not used.
    /// Reads the whole file once, one frame at a time; does nothing more for
    /// a reader whose index was already rebuilt (that scan checked all). An
    /// I/O error stops it and is kept in `readError`, not reported as damage.
    ///
    /// - Returns: `truncation` afterwards.
    @discardableResult
    public func verify() -> Truncation? {
        guard !indexWasRebuilt else { return truncation }
        let scan: Scan
        do {
            scan = try Self.scan(
                file: file, headerLength: UInt64(headerLength), header: header, decompressor: decompressor, before: indexOffset)
        } catch {
            readError = error as? SystemError ?? readError
            return truncation
        }
        let problem: FormatError?
        if let found = scan.truncation {
            problem = found.error
        } else if let difference = index.difference(from: scan.index) {
            problem = FormatError(offset: indexOffset ?? 0, reason: .invalid("the index does not match the file: " + difference))
        } else {
            problem = nil
        }
        if let problem {
            indexProblem = problem
            index = scan.index
            definitions = scan.definitions
            indexWasRebuilt = true
            processNumbersByPID = nil
            frameCache = FrameCache()
            truncation = scan.truncation
        }
        return truncation
    }
}
