extension RecordingReader {
    /// What a reading of one process up to a record found (§5.2): its last
    /// KEYFRAME's set, or its FORK (whose set is its parent's there), and
    /// the DELTAs of it after that record.
    private struct SetBeforeRecord {
        enum Base {
            case keyframe([StoredMapping])
            case fork(parent: Int, frame: Int, start: Int)
        }

        var base: Base
        var deltas: [(removed: [UInt64], added: [StoredMapping])]
    }

    /// The set of process `parent` just before the record at `start` of
    /// frame `frame`'s payload (a FORK of its child), as §5.2 finds it: a
    /// reading of the parent up to there, and when its set came from a FORK
    /// of its own, of that FORK's parent up to it, and so on, iteratively,
    /// at most `FormatConstants.maximumForkDepth` levels.
    ///
    /// - Throws: a `FormatError.Reason` when the parent has no snapshot
    ///   before the record, is gone by then, or the chain is deeper than
    ///   the format allows; what reading the frames throws.
    func mappings(of parent: Int, before start: Int, inFrame frame: Int) throws -> [StoredMapping] {
        var target = (process: parent, frame: frame, start: start)
        // Each level's DELTAs, from the parent down, kept until the level below gives its set.
        var levels: [[(removed: [UInt64], added: [StoredMapping])]] = []
        for _ in 0..<FormatConstants.maximumForkDepth {
            let found = try set(of: target.process, before: target.start, inFrame: target.frame)
            switch found.base {
            case .keyframe(let mappings):
                var set = mappings
                for deltas in [found.deltas] + levels.reversed() {
                    for delta in deltas { set = try StoredMapping.applying(removed: delta.removed, added: delta.added, to: set) }
                }
                return set
            case .fork(let grandparent, let forkFrame, let forkStart):
                levels.append(found.deltas)
                target = (grandparent, forkFrame, forkStart)
            }
        }
        throw FormatError.Reason.tooLarge(
            "a fork's depth", value: UInt64(FormatConstants.maximumForkDepth + 1), limit: UInt64(FormatConstants.maximumForkDepth))
    }

    /// Reads process `number`'s records up to the record at `start` of frame
    /// `frame`: from its last listed keyframe at or before that frame, or,
    /// when that one comes after the record in the same frame, from the one
    /// before it.
    private func set(of number: Int, before start: Int, inFrame frame: Int) throws -> SetBeforeRecord {
        guard number < index.processes.count else {
            throw FormatError.Reason.undefined("process number", number: UInt64(number))
        }
        for keyframe in index.processes[number].keyframes.reversed() where keyframe.frame <= frame {
            // Mappings are not followed here: a FORK met stays a reference
            // until its set is needed, so that a later KEYFRAME makes it moot.
            var replay = RecordReplay(
                start: header.start, scope: .process(number, resumingLive: true), definitions: definitions.counts,
                keepsMappings: false)
            var found: SetBeforeRecord?
            var gone = false
            try replayFrames(keyframe.frame..<(frame + 1), through: &replay, concerning: number,
                             stoppingAt: (frame, start)) { recordFrame, step, _ in
                guard !step.skipped else { return true }
                switch step.record {
                case .keyframe(_, let mappings, _, _):
                    found = SetBeforeRecord(base: .keyframe(mappings), deltas: [])
                case .fork(_, let parent, _):
                    found = SetBeforeRecord(base: .fork(parent: parent, frame: recordFrame, start: step.recordStart ?? 0), deltas: [])
                case .delta(_, let removed, let added, _, _):
                    found?.deltas.append((removed, added))
                case .gone:
                    gone = true
                    return false
                default:
                    break
                }
                return true
            }
            if gone {
                throw FormatError.Reason.invalid("a fork from process \(number), which is gone before it")
            }
            if let found { return found }
        }
        throw FormatError.Reason.invalid("a fork from process \(number), which has no snapshot before it")
    }
}
