extension RecordingIndex {
    /// What the index claims that it can check against itself (§6): nil
    /// when every claim agrees with the others, else the first that does not.
    /// Checked after decoding and before the index is used, at no cost in
    /// reading; `decode` has already checked ranges and orders.
    var inconsistency: String? {
        var snapshots: UInt64 = 0
        for (number, process) in processes.enumerated() {
            if process.snapshotCount > 0 || !process.keyframes.isEmpty {
                guard process.snapshotCount > 0, let first = process.keyframes.first else {
                    return "process \(number) has snapshots without a listed keyframe, or the reverse"
                }
                guard first.time == process.firstTime, process.lastTime >= process.firstTime else {
                    return "process \(number)'s first and last times (\(process.firstTime), \(process.lastTime) ns) "
                        + "do not bound its snapshots"
                }
                // A record's time is its round's plus a delay: never before the first round.
                guard process.firstTime >= summary.firstTime else {
                    return "process \(number)'s first snapshot is before the first round"
                }
            } else if process.firstTime != 0 || process.lastTime != 0 {
                return "process \(number) has times but no snapshots"
            }
            let (sum, overflow) = snapshots.addingReportingOverflow(process.snapshotCount)
            guard !overflow else { return "the snapshot counts overflow" }
            snapshots = sum
        }
        guard snapshots == summary.snapshots else {
            return "its SUMMARY counts \(summary.snapshots) snapshots, its processes \(snapshots)"
        }
        let timed = frames.filter { $0.firstTime != 0 || $0.lastTime != 0 }
        if summary.rounds == 0 {
            guard summary.firstTime == 0, summary.lastTime == 0, timed.isEmpty, snapshots == 0 else {
                return "its SUMMARY counts no rounds, but it lists round times or snapshots"
            }
        } else {
            // A frame whose only round is at time 0 lists (0, 0), as a frame without rounds does.
            guard summary.firstTime <= summary.lastTime, summary.lastTime == (timed.last?.lastTime ?? 0),
                summary.firstTime == 0 || summary.firstTime == timed.first?.firstTime
            else { return "its SUMMARY's first and last round times do not match its FRAMES" }
        }
        var previousLast: UInt64 = 0
        for (number, frame) in timed.enumerated() {
            guard frame.firstTime >= previousLast else { return "frame \(number) begins before the frame before it ends" }
            previousLast = frame.lastTime
        }
        return nil
    }

    /// The first way in which `rebuilt` (the index the frames give, §6)
    /// differs from this one, in words; nil when they are equal.
    func difference(from rebuilt: RecordingIndex) -> String? {
        guard self != rebuilt else { return nil }
        if frames != rebuilt.frames {
            return "its FRAMES list \(frames.count) frames, the file holds \(rebuilt.frames.count)"
                + (frames.count == rebuilt.frames.count ? " with other times" : "")
        }
        if definitionFrames != rebuilt.definitionFrames {
            return "its DEFINITIONS list \(definitionFrames.count) frames, \(rebuilt.definitionFrames.count) hold definitions"
        }
        if processes.count != rebuilt.processes.count {
            return "it lists \(processes.count) processes, the frames define \(rebuilt.processes.count)"
        }
        if let number = processes.indices.first(where: { processes[$0] != rebuilt.processes[$0] }) {
            let (stored, actual) = (processes[number], rebuilt.processes[number])
            if stored.snapshotCount != actual.snapshotCount {
                return "process \(number): it counts \(stored.snapshotCount) snapshots, the frames hold \(actual.snapshotCount)"
            }
            return "process \(number): its PROCESS record is not what the frames hold"
        }
        if lossWindows != rebuilt.lossWindows {
            return "its LOST_WINDOWS list \(lossWindows.count) windows, the frames hold \(rebuilt.lossWindows.count)"
        }
        let (stored, actual) = (summary, rebuilt.summary)
        if stored.rounds != actual.rounds {
            return "its SUMMARY counts \(stored.rounds) rounds, the frames hold \(actual.rounds)"
        }
        if stored.records != actual.records {
            return "its SUMMARY counts \(stored.records) records, the frames hold \(actual.records)"
        }
        return "its SUMMARY does not match the frames"
    }
}
