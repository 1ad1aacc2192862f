/// The records of a recording in file order (see `RecordingReader.records()`).
public struct RecordingRecords: Sequence {
    let reader: RecordingReader

    /// An iterator from the first frame.
    public func makeIterator() -> Iterator { Iterator(reader: reader) }

    /// Reads one frame at a time, every record through a `RecordReplay`
    /// (which dates, numbers and checks it), resolving numbers as the
    /// definitions met so far give them.
    public struct Iterator: IteratorProtocol {
        let reader: RecordingReader
        private var frameNumber = 0
        private var decoder: RecordDecoder?
        private var replay: RecordReplay
        private var definitions = Definitions()
        private var done = false

        init(reader: RecordingReader) {
            self.reader = reader
            replay = RecordReplay(start: reader.header.start)
        }

        /// The next record, or nil at the end or at a frame that breaks a
        /// rule (the reader then rebuilds its index up to that frame: see
        /// `RecordingReader.truncation`).
        public mutating func next() -> RecordingRecord? {
            guard !done else { return nil }
            do {
                if var current = decoder {
                    if let record = try current.next() {
                        decoder = current
                        do {
                            let step = try replay.take(record)
                            try definitions.apply(step)
                            return try resolve(step)
                        } catch let reason as FormatError.Reason {
                            throw current.error(reason)
                        }
                    }
                    decoder = nil
                    replay.endFrame()
                    frameNumber += 1
                }
                guard frameNumber < reader.index.frames.count else {
                    done = true
                    return nil
                }
                let frame = try reader.readFrame(frameNumber)
                decoder = frame.records
                return .frame(RecordingFrame(
                    offset: frame.offset, number: frameNumber, length: frame.totalLength, compressed: frame.compressed,
                    storedLength: frame.storedLength, decodedLength: frame.payload.count))
            } catch let error as FormatError {
                done = true
                // The frames before this one read back: the reader keeps to them from now on.
                do {
                    try reader.abandonIndex(because: error)
                } catch {
                    reader.readError = error as? SystemError
                }
                return nil
            } catch {
                done = true
                if let error = error as? SystemError { reader.readError = error }
                return nil
            }
        }

        private func resolve(_ step: RecordReplay.Step) throws -> RecordingRecord {
            func absolute(_ time: UInt64?) -> Int64 { reader.absolute(time ?? 0) }
            switch step.record {
            case .path:
                return .path(number: step.number ?? 0, path: definitions.paths[definitions.paths.count - 1])
            case .buildID:
                return .buildID(number: step.number ?? 0, buildID: definitions.buildIDs[definitions.buildIDs.count - 1])
            case .file:
                return .file(number: step.number ?? 0, file: definitions.files[definitions.files.count - 1])
            case .process:
                return .process(number: step.number ?? 0, process: definitions.processesAsFirstSeen[definitions.processes.count - 1])
            case .exec(let process, _, _):
                let executed = definitions.processes[process]
                return .exec(process: process, command: executed.command, executable: executed.executable)
            case .perfClock(let perfTime, let recordingTime, let uncertainty):
                return .perfClock(PerfClockReading(
                    perfTime: Int64(perfTime), recordingTime: reader.absolute(recordingTime), uncertainty: Int64(uncertainty)))
            case .symbols(let buildID, let decodedLength, let compressed):
                // The replay checked that the build ID is defined before it.
                return .symbols(StoredSymbolTable(buildID: definitions.buildIDs[buildID], decodedLength: decodedLength,
                                                  compressed: compressed))
            case .recorderReport(let report):
                return .recorderReport(report)
            case .round:
                return .round(time: absolute(step.time))
            case .quiet(let count, let first, let last):
                return .quiet(count: Int(clamping: count), firstTime: reader.absolute(first), lastTime: reader.absolute(last))
            case .keyframe(let process, let mappings, _, let eventDated):
                return .keyframe(process: process, time: absolute(step.time), mappings: try definitions.mappings(mappings),
                                 datedByEvent: eventDated)
            case .delta(let process, let removed, let added, _, let eventDated):
                return .delta(process: process, time: absolute(step.time), removedStarts: removed,
                              added: try definitions.mappings(added), datedByEvent: eventDated)
            case .fork(let process, let parent, _):
                // The replay gave the child its parent's set as of here.
                return .fork(process: process, parent: parent, time: absolute(step.time),
                             mappings: try definitions.mappings(replay.state(of: process)?.mappings ?? []))
            case .lost(let first, let last):
                return .lost(firstTime: reader.absolute(first), lastTime: reader.absolute(last))
            case .gone(let process, let reason, _):
                return .gone(process: process, time: absolute(step.time), reason: ProcessEnd(rawValue: reason) ?? .exited)
            case .unknown(let type, let length):
                return .unknown(type: type, length: length)
            }
        }
    }
}
