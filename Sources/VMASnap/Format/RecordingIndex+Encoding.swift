extension RecordingIndex {
    /// The payload of the index frame: FRAMES, DEFINITIONS, one PROCESS per
    /// process, SUMMARY, and LOST_WINDOWS when there are any.
    func encoded() -> [UInt8] {
        var payload = ByteEncoder()
        func record(_ type: RecordType, _ fill: (inout ByteEncoder) -> Void) {
            var body = ByteEncoder()
            fill(&body)
            payload.byte(type.rawValue)
            payload.varint(body.bytes.count)
            payload.append(body.bytes)
        }
        record(.frames) { body in
            body.varint(frames.count)
            var previous: UInt64 = 0
            for frame in frames {
                body.varint(frame.offset - previous)
                body.varint(frame.firstTime)
                body.varint(frame.lastTime)
                previous = frame.offset
            }
        }
        record(.definitions) { body in
            body.varint(definitionFrames.count)
            for frame in definitionFrames { body.varint(frame) }
        }
        for (number, process) in processes.enumerated() {
            record(.processIndex) { body in
                body.varint(number)
                body.varint(process.firstFrame)
                body.varint(process.lastFrame)
                body.varint(process.firstTime)
                body.varint(process.lastTime)
                body.varint(process.goneTime.map { $0 + 1 } ?? 0)
                body.varint(process.snapshotCount)
                body.varint(process.keyframes.count)
                for keyframe in process.keyframes {
                    body.varint(keyframe.frame)
                    body.varint(keyframe.time)
                }
            }
        }
        record(.summary) { body in
            body.varint(summary.rounds)
            body.varint(summary.snapshots)
            body.varint(summary.records)
            body.varint(summary.decodedBytes)
            body.varint(summary.recordsFrames)
            body.varint(summary.firstTime)
            body.varint(summary.lastTime)
        }
        if !lossWindows.isEmpty {
            // Format 1.2: only when the frames hold LOST records.
            record(.lostWindows) { body in
                body.varint(lossWindows.count)
                for window in lossWindows {
                    body.varint(window.first)
                    body.varint(window.last - window.first)
                }
            }
        }
        return payload.bytes
    }

    /// Decodes and checks an index frame's payload: frames ascending inside
    /// `frameRange` of the file, frame numbers in range, times within
    /// `timeLimit`. Unknown record types are skipped.
    static func decode(
        _ payload: [UInt8], origin: ByteDecoder.Origin, frameRange: Range<UInt64>, timeLimit: UInt64
    ) throws -> RecordingIndex {
        var index = RecordingIndex()
        var decoder = ByteDecoder(payload, origin: origin)
        var sawFrames = false
        var sawDefinitions = false
        var sawSummary = false
        var sawLossWindows = false
        func time(_ body: inout ByteDecoder, _ what: String) throws -> UInt64 {
            let at = body.position
            let value = try body.varint(what)
            guard value <= timeLimit else { throw body.error(.tooLarge(what, value: value, limit: timeLimit), at: at) }
            return value
        }
        while !decoder.isAtEnd {
            let recordStart = decoder.position
            let type = try decoder.byte("an index record type")
            let length = try decoder.varint("an index record length")
            var body = try decoder.prefix(length, "an index record")
            func fail(_ message: String) -> FormatError { decoder.error(.invalid(message), at: recordStart) }
            switch RecordType(rawValue: type) {
            case .frames?:
                guard !sawFrames else { throw fail("two FRAMES records in the index") }
                sawFrames = true
                let count = try body.count("a frame count", limit: body.remaining / 3)
                index.frames.reserveCapacity(count)
                var offset: UInt64 = 0
                for number in 0..<count {
                    let delta = try body.varint("a frame offset")
                    guard number == 0 || delta > 0, delta <= frameRange.upperBound - offset else {
                        throw fail("frame \(number) is not after the frame before it")
                    }
                    offset += delta
                    guard frameRange.contains(offset) else { throw fail("frame \(number) lies outside the frames") }
                    let first = try time(&body, "a frame's first time")
                    let last = try time(&body, "a frame's last time")
                    guard first <= last else { throw fail("frame \(number) ends before it starts") }
                    index.frames.append(Frame(offset: offset, firstTime: first, lastTime: last))
                }
            case .definitions?:
                guard !sawDefinitions, sawFrames else { throw fail("DEFINITIONS out of place in the index") }
                sawDefinitions = true
                let count = try body.count("a definitions count", limit: index.frames.count)
                for _ in 0..<count {
                    let frame = try body.number("a definitions frame number", below: index.frames.count)
                    guard frame > (index.definitionFrames.last ?? -1) else { throw fail("definition frames not ascending") }
                    index.definitionFrames.append(frame)
                }
            case .processIndex?:
                guard sawFrames else { throw fail("PROCESS before FRAMES in the index") }
                let number = try body.count("a process number", limit: Int(Int32.max))
                guard number == index.processes.count else { throw fail("process \(number) out of sequence") }
                let firstFrame = try body.number("a process's first frame", below: index.frames.count)
                let lastFrame = try body.number("a process's last frame", below: index.frames.count)
                guard firstFrame <= lastFrame else { throw fail("process \(number) ends before it starts") }
                var process = Process(firstFrame: firstFrame, lastFrame: lastFrame)
                process.firstTime = try time(&body, "a process's first time")
                process.lastTime = try time(&body, "a process's last time")
                let gone = try body.varint("a process's gone time")
                if gone > 0 {
                    guard gone - 1 <= timeLimit else { throw fail("process \(number) gone time out of range") }
                    process.goneTime = gone - 1
                }
                process.snapshotCount = try body.varint("a snapshot count")
                let keyframes = try body.count("a keyframe count", limit: body.remaining / 2)
                process.keyframes.reserveCapacity(keyframes)
                for _ in 0..<keyframes {
                    let frame = try body.number("a keyframe's frame", below: index.frames.count)
                    let time = try time(&body, "a keyframe's time")
                    guard frame >= firstFrame, frame <= lastFrame,
                        frame >= (process.keyframes.last?.frame ?? 0), time >= (process.keyframes.last?.time ?? 0)
                    else { throw fail("process \(number) has a keyframe out of order") }
                    process.keyframes.append(Keyframe(frame: frame, time: time))
                }
                index.processes.append(process)
            case .summary?:
                guard !sawSummary else { throw fail("two SUMMARY records in the index") }
                sawSummary = true
                index.summary.rounds = try body.varint("a round count")
                index.summary.snapshots = try body.varint("a snapshot count")
                index.summary.records = try body.varint("a record count")
                index.summary.decodedBytes = try body.varint("a byte count")
                index.summary.recordsFrames = try body.varint("a frame count")
                index.summary.firstTime = try time(&body, "the first round time")
                index.summary.lastTime = try time(&body, "the last round time")
            case .lostWindows?:
                guard !sawLossWindows else { throw fail("two LOST_WINDOWS records in the index") }
                sawLossWindows = true
                let count = try body.count("a lost window count", limit: body.remaining / 2)
                index.lossWindows.reserveCapacity(count)
                for _ in 0..<count {
                    let first = try time(&body, "a lost window's first time")
                    let at = body.position
                    let span = try body.varint("a lost window's span")
                    guard span <= timeLimit - first else {
                        throw body.error(.tooLarge("a lost window's last time", value: first &+ span, limit: timeLimit), at: at)
                    }
                    index.lossWindows.append(LossWindow(first: first, last: first + span))
                }
            default:
                // Records frames' types have no place here (§3); others are of a later minor version.
                guard type >= FormatConstants.firstIndexRecordType else {
                    throw fail("record type \(Hex.address(UInt64(type))) belongs in a records frame, not the index")
                }
                continue
            }
        }
        guard sawFrames, sawDefinitions, sawSummary else {
            throw decoder.error(.invalid("the index lacks its FRAMES, DEFINITIONS or SUMMARY record"), at: 0)
        }
        guard index.summary.rounds <= FormatConstants.maximumRounds,
            index.processes.allSatisfy({ $0.snapshotCount <= index.summary.rounds })
        else {
            throw decoder.error(.invalid("the index counts more snapshots of a process than rounds"), at: 0)
        }
        guard index.summary.recordsFrames == UInt64(index.frames.count) else {
            throw decoder.error(.invalid("the index counts \(index.summary.recordsFrames) frames but lists \(index.frames.count)"), at: 0)
        }
        return index
    }
}
