extension RecordingReader {
    /// A frame the index lists that does not read back or breaks a rule.
    struct BrokenFrame: Error {
        var error: FormatError
    }

    /// A claim of the index that the frames it describes contradict.
    struct IndexMismatch: Error {
        var error: FormatError
    }

    /// Gives `body` each record of the frames `range` as `replay` takes it,
    /// with the frame's number; only the rounds and the records of `process`
    /// when it is given, up to (excluding) the record at `stop` (a frame's
    /// number and a record's start in it) when that is given too. `body`
    /// returns false to stop. A replay of one process that keeps mappings
    /// is given its process's FORK with the parent's set there (§5.2).
    ///
    /// - Throws: `BrokenFrame` for a frame that does not read back or whose
    ///   records break a rule; what `body` throws (a `FormatError.Reason` is
    ///   located at its record and thrown as `BrokenFrame`).
    func replayFrames(
        _ range: Range<Int>, through replay: inout RecordReplay, concerning process: Int? = nil,
        stoppingAt stop: (frame: Int, start: Int)? = nil,
        _ body: (Int, RecordReplay.Step, RecordReplay) throws -> Bool
    ) throws {
        for number in range {
            do {
                if let process {
                    // Only the rounds and the process's own records, from the frame's digest.
                    let (frame, digest) = try readFrameAndDigest(number)
                    var records = frame.records
                    for start in digest.starts(concerning: process) {
                        if let stop, stop.frame == number, Int(start) >= stop.start { return }
                        guard let record = try records.record(at: Int(start)) else { break }
                        guard try take(record, &records, &replay, number, body) else { return }
                    }
                } else {
                    var records = try readFrame(number).records
                    while let record = try records.next() {
                        guard try take(record, &records, &replay, number, body) else { return }
                    }
                }
                replay.endFrame()
            } catch let error as FormatError {
                throw BrokenFrame(error: error)
            }
        }
    }

    /// Gives one record to `replay`, then to `body`; a reason either throws
    /// is located at the record.
    private func take(
        _ record: Record, _ records: inout RecordDecoder, _ replay: inout RecordReplay, _ frame: Int,
        _ body: (Int, RecordReplay.Step, RecordReplay) throws -> Bool
    ) throws -> Bool {
        do {
            var forkedMappings: [StoredMapping]?
            if case .fork(_, let parent, _) = record, case .process = replay.scope, replay.keepsMappings {
                forkedMappings = try mappings(of: parent, before: records.recordStart, inFrame: frame)
            }
            var step = try replay.take(record, forkedMappings: forkedMappings)
            step.recordStart = records.recordStart
            return try body(frame, step, replay)
        } catch let reason as FormatError.Reason {
            throw records.error(reason)
        }
    }

    /// A frame the index lists and its digest, from the cache when they were read lately.
    func readFrameAndDigest(_ number: Int) throws -> (DecodedFrame, FrameDigest) {
        let frame = try readFrame(number, caching: true)
        if let digest = frameCache.digest(at: frame.offset) { return (frame, digest) }
        var records = frame.records
        let digest = try records.digest()
        frameCache.insert(digest, at: frame.offset)
        return (frame, digest)
    }

    /// Runs `attempt`; when it meets a broken frame or an index claim the
    /// frames contradict, rebuilds the index by scanning (as for a damaged
    /// file: see `abandonIndex`) and runs it again on what reads back.
    func retryingWithoutIndex<Result>(_ attempt: () throws -> Result) throws -> Result {
        do {
            return try attempt()
        } catch let broken as BrokenFrame {
            try abandonIndex(because: broken.error)
        } catch let mismatch as IndexMismatch {
            try abandonIndex(because: mismatch.error)
        }
        // A rebuilt index lists only frames that passed every rule, and agrees with them.
        do {
            return try attempt()
        } catch let broken as BrokenFrame {
            throw broken.error
        } catch let mismatch as IndexMismatch {
            throw mismatch.error
        }
    }
}
