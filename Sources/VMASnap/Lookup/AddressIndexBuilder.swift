/// Builds the flat arrays of an `AddressIndex` (or of one pid's part of a
/// `LoadingAddressIndex`) from process histories.
struct AddressIndexBuilder {
    /// The mappings of the tables, the first with ID `firstMappingID`.
    private(set) var mappings: [ExecutableMapping] = []
    private(set) var tables = LookupTables()
    /// The ID of `mappings[0]`: a loading index numbers the mappings of all its pids as one.
    let firstMappingID: Int32

    init(firstMappingID: Int32 = 0) {
        self.firstMappingID = firstMappingID
    }

    /// Indexes every history that has at least one snapshot; an instance's
    /// `history` is the position of its history in `histories`. Call once.
    mutating func add(_ histories: [ProcessHistory]) {
        // Instances in pid order, then by first snapshot, so that each pid's
        // are contiguous and searchable by time.
        var order: [(pid: Int32, first: Int64, history: Int)] = []
        order.reserveCapacity(histories.count)
        for (position, history) in histories.enumerated() {
            guard let first = history.epochs.first else { continue }
            order.append((history.process.identity.pid, first.firstSeen, position))
        }
        order.sort { ($0.pid, $0.first, $0.history) < ($1.pid, $1.first, $1.history) }

        tables.instances.reserveCapacity(order.count)
        for item in order {
            let segmentLow = Int32(tables.segments.count)
            addSegments(of: histories[item.history])
            tables.instances.append(LookupTables.Instance(
                pid: item.pid, firstTime: item.first, history: Int32(item.history),
                segmentLow: segmentLow, segmentHigh: Int32(tables.segments.count)))
        }

        let instances = tables.instances
        var position = 0
        while position < instances.count {
            var end = position + 1
            while end < instances.count && instances[end].pid == instances[position].pid { end += 1 }
            tables.instancesByPID[instances[position].pid] = LookupTables.InstanceRange(
                lowerBound: Int32(position), upperBound: Int32(end))
            position = end
        }
    }

    /// The next mapping's ID.
    private var nextMappingID: Int32 { firstMappingID + Int32(mappings.count) }

    /// The tables and time segments of one instance.
    private mutating func addSegments(of history: ProcessHistory) {
        let epochs = history.epochs
        var previousSet: [ExecutableMapping] = []
        var previousIDs: [Int32] = []
        var nextSet = AddressIndexBuilder.sorted(epochs[0].mappings)
        var instanceSegments: [LookupTables.Segment] = []

        for (number, epoch) in epochs.enumerated() {
            let set = nextSet
            let ids = assignIDs(set, previous: previousSet, previousIDs: previousIDs)
            let next: [ExecutableMapping]? = number + 1 < epochs.count
                ? AddressIndexBuilder.sorted(epochs[number + 1].mappings) : nil
            let tableLow = Int32(tables.entries.count)
            addTable(set, ids: ids, next: next)
            let tableHigh = Int32(tables.entries.count)

            instanceSegments.append(LookupTables.Segment(
                start: epoch.firstSeen, end: 0, tableLow: tableLow, tableHigh: tableHigh, kind: .stable))
            if next != nil {
                instanceSegments.append(LookupTables.Segment(
                    start: epoch.lastSeen, end: 0, tableLow: tableLow, tableHigh: tableHigh, kind: .transition))
            } else {
                // After the last snapshot the last set answers "exact" until
                // the process is found gone: exit is not an unload.
                instanceSegments.append(LookupTables.Segment(
                    start: epoch.lastSeen, end: 0, tableLow: tableLow, tableHigh: tableHigh, kind: .stable))
                if let gone = history.goneTime {
                    instanceSegments.append(LookupTables.Segment(
                        start: gone, end: 0, tableLow: tableLow, tableHigh: tableLow, kind: .afterExit))
                }
            }
            previousSet = set
            previousIDs = ids
            if let next { nextSet = next }
        }

        // Keep start times strictly increasing: an empty segment (an epoch
        // seen by one snapshot) gives way to the one that follows it at the
        // same time; so would any out-of-order time in a damaged recording.
        var kept: [LookupTables.Segment] = []
        kept.reserveCapacity(instanceSegments.count)
        for segment in instanceSegments {
            if let last = kept.last, segment.start <= last.start {
                var replacement = segment
                replacement.start = last.start
                kept[kept.count - 1] = replacement
            } else {
                kept.append(segment)
            }
        }
        for position in kept.indices {
            kept[position].end = position + 1 < kept.count ? kept[position + 1].start : Int64.max
        }
        tables.segments.append(contentsOf: kept)
    }

    /// Mapping IDs for `set`: a mapping equal to one of the previous epoch
    /// keeps its ID, others get new ones.
    private mutating func assignIDs(
        _ set: [ExecutableMapping], previous: [ExecutableMapping], previousIDs: [Int32]
    ) -> [Int32] {
        var ids: [Int32] = []
        ids.reserveCapacity(set.count)
        var other = 0
        for mapping in set {
            while other < previous.count && previous[other].start < mapping.start { other += 1 }
            if other < previous.count && previous[other] == mapping {
                ids.append(previousIDs[other])
            } else {
                ids.append(nextMappingID)
                mappings.append(mapping)
            }
        }
        return ids
    }

    /// The table of an epoch: its own mappings, marked kept or removed
    /// according to `next`, and the mappings `next` loads without overlapping
    /// any of them. Without `next` (the last epoch) every mapping is kept.
    private mutating func addTable(_ set: [ExecutableMapping], ids: [Int32], next: [ExecutableMapping]?) {
        guard let next else {
            for (position, mapping) in set.enumerated() {
                tables.entries.append(AddressIndexBuilder.entry(mapping, id: ids[position], change: .kept))
            }
            return
        }
        var own: [LookupTables.Entry] = []
        own.reserveCapacity(set.count)
        var loaded: [ExecutableMapping] = []
        var other = 0
        for (position, mapping) in set.enumerated() {
            while other < next.count && next[other].start < mapping.start {
                loaded.append(next[other])
                other += 1
            }
            if other < next.count && next[other] == mapping {
                own.append(AddressIndexBuilder.entry(mapping, id: ids[position], change: .kept))
                other += 1
            } else {
                own.append(AddressIndexBuilder.entry(mapping, id: ids[position], change: .removed))
            }
        }
        while other < next.count {
            loaded.append(next[other])
            other += 1
        }

        // Merge by start address the epoch's own entries with the loaded
        // mappings that overlap none of them.
        var ownPosition = 0
        for mapping in loaded where !AddressIndexBuilder.overlaps(mapping, set) {
            while ownPosition < own.count && own[ownPosition].start < mapping.start {
                tables.entries.append(own[ownPosition])
                ownPosition += 1
            }
            let id = nextMappingID
            mappings.append(mapping)
            tables.entries.append(AddressIndexBuilder.entry(mapping, id: id, change: .loaded))
        }
        tables.entries.append(contentsOf: own[ownPosition...])
    }

    /// Whether `mapping` overlaps any mapping of `set` (in address order).
    static func overlaps(_ mapping: ExecutableMapping, _ set: [ExecutableMapping]) -> Bool {
        // The last mapping starting before `mapping` ends is the only one
        // that can overlap it, as long as the set does not overlap itself.
        var low = 0
        var high = set.count
        while low < high {
            let middle = (low + high) >> 1
            if set[middle].start < mapping.end { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return false }
        return set[low - 1].end > mapping.start
    }

    static func entry(_ mapping: ExecutableMapping, id: Int32, change: LookupTables.EntryChange) -> LookupTables.Entry {
        LookupTables.Entry(start: mapping.start, end: mapping.end, base: mapping.offset &- mapping.start,
                           mapping: id, change: change)
    }

    /// `set` in address order.
    static func sorted(_ set: [ExecutableMapping]) -> [ExecutableMapping] {
        var ordered = true
        var position = 1
        while position < set.count {
            if set[position - 1].start > set[position].start {
                ordered = false
                break
            }
            position += 1
        }
        return ordered ? set : set.sorted { $0.start < $1.start }
    }
}
