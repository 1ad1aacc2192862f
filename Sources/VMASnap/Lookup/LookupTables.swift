/// The flat arrays a `LookupCursor` searches: all process instances' time
/// segments in one array and all lookup tables in another, so that a lookup
/// touches no dictionary (unless the pid changed), allocates nothing and
/// retains nothing. Immutable once built.
///
/// - A process instance is one `ProcessHistory`; a pid may have several
///   (pid reuse), told apart by their first snapshot: a time belongs to the
///   latest instance of the pid whose first snapshot is at or before it.
/// - An instance's time line is cut into segments, each answered by one
///   table: inside an epoch ([firstSeen, lastSeen)) both neighbouring
///   snapshots saw the same set, so the epoch's mappings answer "exact";
///   between an epoch's last snapshot and the next epoch's first
///   ([lastSeen, next firstSeen)) the table tells which mappings survived,
///   which went away and which arrived; after the last snapshot the last set
///   answers "exact" until the process was found gone.
struct LookupTables: Sendable {
    /// Process instances, sorted by pid and first snapshot time within each pid.
    var instances: [Instance] = []
    /// For each pid, its instances: `instances[range.lowerBound..<range.upperBound]`.
    var instancesByPID: [Int32: InstanceRange] = [:]
    /// Time segments of all instances; each instance's are contiguous and
    /// sorted by start time.
    var segments: [Segment] = []
    /// Lookup tables of all epochs; each table is contiguous and sorted by start address.
    var entries: [Entry] = []

    /// The last instance in `range` whose first snapshot is at or before `time`.
    func lastInstance(in range: InstanceRange, atOrBefore time: Int64) -> Int? {
        Self.lastInstance(in: instances, range: range, atOrBefore: time)
    }

    /// The last of `instances[range]` whose first snapshot is at or before `time`.
    static func lastInstance(in instances: [Instance], range: InstanceRange, atOrBefore time: Int64) -> Int? {
        var low = Int(range.lowerBound)
        var high = Int(range.upperBound)
        // Find the first instance that starts after `time`.
        while low < high {
            let middle = (low + high) >> 1
            if instances[middle].firstTime <= time { low = middle + 1 } else { high = middle }
        }
        return low > Int(range.lowerBound) ? low - 1 : nil
    }
}

extension LookupTables {
    /// One process instance.
    struct Instance: Sendable {
        /// The pid.
        var pid: Int32
        /// Time of its first snapshot.
        var firstTime: Int64
        /// Its history's position in the index's histories.
        var history: Int32
        /// Its segments: `segments[segmentLow..<segmentHigh]`.
        var segmentLow: Int32
        var segmentHigh: Int32
    }

    /// A pid's instances in `instances`.
    struct InstanceRange: Sendable {
        var lowerBound: Int32
        var upperBound: Int32
    }

    /// How a segment answers.
    enum SegmentKind: UInt8, Sendable {
        /// Both neighbouring snapshots saw the table's set: every mapping of
        /// S0 answers "exact"; the entries of mappings that arrive later do not
        /// answer.
        case stable
        /// Between the last snapshot of one set and the first of the next.
        case transition
        /// The process was found gone.
        case afterExit
    }

    /// A span of an instance's time line, answered by one table.
    struct Segment: Sendable {
        /// The first time it covers.
        var start: Int64
        /// The first time it no longer covers (the next segment's start).
        var end: Int64
        /// Its table: `entries[tableLow..<tableHigh]`.
        var tableLow: Int32
        var tableHigh: Int32
        var kind: SegmentKind
    }

    /// What a table entry's mapping did between the epoch's last snapshot
    /// and the next epoch's first.
    enum EntryChange: UInt8, Sendable {
        /// In S0 and unchanged in S1 (or S0 is the last snapshot).
        case kept
        /// In S0, gone or changed in S1.
        case removed
        /// Added in S1, overlapping nothing in S0.
        case loaded
    }

    /// One address range of a table.
    struct Entry: Sendable {
        var start: UInt64
        var end: UInt64
        /// offset - start, so that the file offset of an address is address &+ base.
        var base: UInt64
        /// Its mapping's ID (see `Resolution.mappingID`).
        var mapping: Int32
        var change: EntryChange
    }
}
