extension ProcessHistory {
    /// Every load and unload of the process, in time order; at one time,
    /// unloads come before loads, each in address order.
    ///
    /// The first snapshot's mappings are loads at its time (the recording
    /// cannot know when they were really loaded). The process's exit is not
    /// an unload: nothing is reported for it.
    public var timeline: [TimelineEvent] {
        var events: [TimelineEvent] = []
        var previous: [ExecutableMapping] = []
        for epoch in epochs {
            let current = AddressIndexBuilder.sorted(epoch.mappings)
            let diff = SnapshotDiff(from: previous, to: current)
            for mapping in diff.removed {
                events.append(TimelineEvent(process: process.identity, time: epoch.firstSeen, kind: .unload, mapping: mapping,
                                            datedByEvent: epoch.datedByEvent))
            }
            for mapping in diff.added {
                events.append(TimelineEvent(process: process.identity, time: epoch.firstSeen, kind: .load, mapping: mapping,
                                            datedByEvent: epoch.datedByEvent))
            }
            previous = current
        }
        return events
    }

    /// The mappings of the last snapshot at or before `time`: nil before the
    /// first snapshot and from the time the process was found gone.
    public func mappings(at time: Int64) -> [ExecutableMapping]? {
        if let goneTime, time >= goneTime { return nil }
        let after = epochs.partitionPoint { $0.firstSeen > time }
        guard after > 0 else { return nil }
        return AddressIndexBuilder.sorted(epochs[after - 1].mappings)
    }

    /// The mappings removed and added between the snapshot in effect at
    /// `from` and the one in effect at `to` (see `mappings(at:)`; no snapshot
    /// counts as no mappings).
    public func changes(from: Int64, to: Int64) -> SnapshotDiff {
        SnapshotDiff(from: mappings(at: from) ?? [], to: mappings(at: to) ?? [])
    }
}
