/// The records of a recording in file order (see `RecordingReader.records()`).
public struct RecordingRecords: Sequence {
    let reader: RecordingReader

    /// An iterator from the first frame.
    public func makeIterator() -> Iterator { Iterator(reader: reader) }

    /// Reads one frame at a time.
    public struct Iterator: IteratorProtocol {
        let reader: RecordingReader
        private var frameNumber = 0
        private var decoder: RecordDecoder?
        private var roundTime: UInt64?
        private var counts = (paths: 0, buildIDs: 0, files: 0, processes: 0)
        private var done = false

        init(reader: RecordingReader) { self.reader = reader }

        /// The next record, or nil at the end or at a frame that fails its checks.
        public mutating func next() -> RecordingRecord? {
            guard !done else { return nil }
            do {
                if var current = decoder {
                    if let record = try current.next() {
                        decoder = current
                        do {
                            return try resolve(record)
                        } catch let reason as FormatError.Reason {
                            throw current.error(reason)
                        }
                    }
                    decoder = nil
                    frameNumber += 1
                }
                guard frameNumber < reader.index.frames.count else {
                    done = true
                    return nil
                }
                let frame = try reader.readFrame(frameNumber)
                decoder = frame.records
                roundTime = nil
                return .frame(RecordingFrame(
                    offset: frame.offset, number: frameNumber, length: frame.totalLength, compressed: frame.compressed,
                    storedLength: frame.storedLength, decodedLength: frame.payload.count))
            } catch {
                done = true
                if let error = error as? SystemError {
                    reader.readError = error
                    return nil
                }
                let formatError = error as? FormatError
                    ?? FormatError(offset: reader.index.frames[frameNumber].offset, reason: .invalid(String(describing: error)))
                reader.noteTruncation(Truncation(offset: reader.index.frames[frameNumber].offset, error: formatError))
                return nil
            }
        }

        private mutating func resolve(_ record: Record) throws -> RecordingRecord {
            let definitions = reader.definitions
            switch record {
            case .path:
                defer { counts.paths += 1 }
                guard counts.paths < definitions.paths.count else { throw undefinedDefinition() }
                return .path(number: counts.paths, path: definitions.paths[counts.paths])
            case .buildID:
                defer { counts.buildIDs += 1 }
                guard counts.buildIDs < definitions.buildIDs.count else { throw undefinedDefinition() }
                return .buildID(number: counts.buildIDs, buildID: definitions.buildIDs[counts.buildIDs])
            case .file(let file):
                defer { counts.files += 1 }
                guard counts.files < definitions.files.count, file.path < counts.paths,
                    (file.buildID ?? -1) < counts.buildIDs
                else { throw undefinedDefinition() }
                return .file(number: counts.files, file: definitions.files[counts.files])
            case .process(let process):
                defer { counts.processes += 1 }
                guard counts.processes < definitions.processes.count, process.number == counts.processes else {
                    throw undefinedDefinition()
                }
                return .process(number: counts.processes, process: definitions.processesAsFirstSeen[counts.processes])
            case .exec(let process, let executable, let command):
                guard process < counts.processes, (executable ?? -1) < counts.paths else { throw undefinedDefinition() }
                return .exec(process: process, command: command, executable: executable.map { definitions.paths[$0] })
            case .perfClock(let perfTime, let recordingTime, let uncertainty):
                return .perfClock(PerfClockReading(
                    perfTime: Int64(perfTime), recordingTime: reader.absolute(recordingTime), uncertainty: Int64(uncertainty)))
            case .symbols(let buildID, let decodedLength, let compressed):
                guard buildID < counts.buildIDs else { throw undefinedDefinition() }
                return .symbols(StoredSymbolTable(buildID: definitions.buildIDs[buildID], decodedLength: decodedLength,
                                                  compressed: compressed))
            case .round(let time):
                roundTime = time
                return .round(time: reader.absolute(time))
            case .quiet(let count, let first, let last):
                roundTime = nil
                return .quiet(count: Int(clamping: count), firstTime: reader.absolute(first), lastTime: reader.absolute(last))
            case .keyframe(let process, let mappings, let delay):
                let time = try inRound(process, "a keyframe", delay: delay)
                return .keyframe(process: process, time: time, mappings: try definitions.mappings(mappings))
            case .delta(let process, let removed, let added, let delay):
                let time = try inRound(process, "a delta", delay: delay)
                return .delta(process: process, time: time, removedStarts: removed, added: try definitions.mappings(added))
            case .gone(let process, let reason, let delay):
                let time = try inRound(process, "a process gone", delay: delay)
                return .gone(process: process, time: time, reason: ProcessEnd(rawValue: reason) ?? .exited)
            case .unknown(let type, let length):
                return .unknown(type: type, length: length)
            }
        }

        /// The record's time: its round's, plus its delay.
        private func inRound(_ process: Int, _ what: String, delay: UInt64) throws -> Int64 {
            guard let time = roundTime else { throw FormatError.Reason.invalid("\(what) outside a round") }
            guard process < counts.processes else {
                throw FormatError.Reason.undefined("process number", number: UInt64(process))
            }
            return try RecordingReader.time(of: what, round: reader.absolute(time), delay: delay)
        }

        private func undefinedDefinition() -> FormatError.Reason {
            .invalid("a definition the index does not account for")
        }
    }
}
