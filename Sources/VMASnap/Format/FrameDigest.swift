/// Where, in one decoded records frame, the rounds and each process's
/// records begin: a replay of one process then decodes only those, however
/// many other processes share the frame. Built in one pass over the
/// records' types and lengths (and the process number of those about a
/// process).
struct FrameDigest {
    /// Starts of the ROUND and QUIET records, in order.
    var rounds: [Int32] = []
    /// By process number: the starts of its PROCESS, EXEC, KEYFRAME, DELTA and GONE records, in order.
    var records: [Int: [Int32]] = [:]

    /// The starts a replay of `process` decodes, in file order.
    func starts(concerning process: Int) -> [Int32] {
        guard let own = records[process] else { return rounds }
        var merged: [Int32] = []
        merged.reserveCapacity(rounds.count + own.count)
        var round = 0
        for start in own {
            while round < rounds.count && rounds[round] < start {
                merged.append(rounds[round])
                round += 1
            }
            merged.append(start)
        }
        merged.append(contentsOf: rounds[round...])
        return merged
    }
}

extension RecordDecoder {
    /// The digest of the records from here to the end. Throws what breaks
    /// the records' framing, and a record type of the index frame's range.
    mutating func digest() throws -> FrameDigest {
        var digest = FrameDigest()
        while let (typeByte, start, process) = try nextFraming() {
            switch RecordType(rawValue: typeByte) {
            case .round?, .quiet?:
                digest.rounds.append(Int32(start))
            default:
                if let process { digest.records[process, default: []].append(Int32(start)) }
            }
        }
        return digest
    }
}
