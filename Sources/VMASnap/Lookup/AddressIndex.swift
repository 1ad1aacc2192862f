/// Every process history of a recording, indexed to resolve
/// (pid, time, address) in a few binary searches.
///
/// Built from histories, the index is immutable, so any number of
/// `LookupCursor`s may use it at once; a loading index (which reads a pid's
/// histories when first asked about it) grows instead. Its layout is flat: all processes' time segments in one
/// array and all lookup tables in another, so that a lookup touches no
/// dictionary (unless the pid changed), allocates nothing and retains nothing.
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
public final class AddressIndex {
    /// The histories indexed so far: all of them for an index built from
    /// histories; those of the pids looked up so far for a loading index.
    public private(set) var histories: [ProcessHistory] = []

    /// Every distinct mapping, by mapping ID (see `Resolution.mappingID`).
    private(set) var mappings: [ExecutableMapping] = []
    /// Process instances, sorted by pid and first snapshot time within each pid.
    private(set) var instances: [Instance] = []
    /// For each pid, its instances: `instances[range.lowerBound..<range.upperBound]`.
    private(set) var instancesByPID: [Int32: InstanceRange] = [:]
    /// Time segments of all instances; each instance's are contiguous and
    /// sorted by start time.
    private(set) var segments: [Segment] = []
    /// Lookup tables of all epochs; each table is contiguous and sorted by start address.
    private(set) var entries: [Entry] = []
    /// Bumped whenever a loading index grows, so that cursors refresh their
    /// references to the arrays above.
    private(set) var generation = 0

    private var builder = AddressIndexBuilder()
    private let loader: ((Int32) throws -> [ProcessHistory])?
    private var attemptedPIDs: Set<Int32> = []
    /// Errors from loading histories (a damaged part of a recording); the
    /// pids concerned answer as far as what loaded allows.
    public private(set) var loadingErrors: [Error] = []

    /// Builds the index from the histories a recording reader produces.
    ///
    /// Histories without any snapshot are ignored: they cannot answer. An
    /// epoch's mappings should be in address order (readers give them so);
    /// they are sorted here if not.
    public init(histories: [ProcessHistory]) {
        loader = nil
        append(histories)
    }

    /// An index that loads the histories of a pid the first time a lookup
    /// asks about it, so that memory follows the processes looked up, not
    /// the size of the recording. `loader` gives every history with that pid
    /// (for example from `RecordingReader.history(of:)`).
    ///
    /// A loading index grows as it is used: it is not safe to share between threads.
    public init(loadingHistoriesWith loader: @escaping (Int32) throws -> [ProcessHistory]) {
        self.loader = loader
    }

    /// The instances of `pid`, loading its histories on first use.
    func instanceRange(pid: Int32) -> InstanceRange? {
        if let range = instancesByPID[pid] { return range }
        guard let loader, attemptedPIDs.insert(pid).inserted else { return nil }
        do {
            append(try loader(pid).filter { $0.process.identity.pid == pid })
        } catch {
            loadingErrors.append(error)
        }
        return instancesByPID[pid]
    }

    private func append(_ more: [ProcessHistory]) {
        guard !more.isEmpty else { return }
        builder.add(more, historyOffset: histories.count)
        histories += more
        mappings = builder.mappings
        instances = builder.instances
        instancesByPID = builder.instancesByPID
        segments = builder.segments
        entries = builder.entries
        generation += 1
    }

    /// The mapping with number `id`, as a resolution gives it.
    public func mapping(_ id: Int32) -> ExecutableMapping { mappings[Int(id)] }

    /// The mapping a resolution answered with, if any.
    public func mapping(of resolution: Resolution) -> ExecutableMapping? {
        resolution.mappingID.map { mappings[Int($0)] }
    }

    /// How many distinct mappings the index holds.
    public var mappingCount: Int { mappings.count }

    /// The history of the process instance that answers for `pid` at `time`:
    /// the latest one whose first snapshot is at or before `time`.
    public func history(pid: Int32, at time: Int64) -> ProcessHistory? {
        guard let range = instanceRange(pid: pid) else { return nil }
        guard let found = AddressIndex.lastInstance(in: instances, range: range, atOrBefore: time) else { return nil }
        return histories[Int(instances[found].history)]
    }

    /// Resolves one address. For many, use a `LookupCursor` or `resolve(_:)`
    /// with an array, which reuse work between neighbouring queries.
    public func resolve(pid: Int32, time: Int64, address: UInt64) -> Resolution {
        var cursor = LookupCursor(index: self)
        return cursor.resolve(pid: pid, time: time, address: address)
    }

    /// Resolves a batch, sorted or not, in order. Queries in time order with
    /// the same pid reuse each other's work.
    public func resolve(_ queries: [LookupQuery]) -> [Resolution] {
        var cursor = LookupCursor(index: self)
        return queries.map { cursor.resolve(pid: $0.pid, time: $0.time, address: $0.address) }
    }

    /// Resolves a batch into `results`, which must be at least as long as
    /// `queries`; allocates nothing.
    public func resolve(_ queries: UnsafeBufferPointer<LookupQuery>, into results: UnsafeMutableBufferPointer<Resolution>) {
        precondition(results.count >= queries.count, "results buffer shorter than queries")
        var cursor = LookupCursor(index: self)
        for position in 0..<queries.count {
            let query = queries[position]
            results[position] = cursor.resolve(pid: query.pid, time: query.time, address: query.address)
        }
    }

    /// The last instance in `range` whose first snapshot is at or before `time`.
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

extension AddressIndex {
    /// One process instance in the index.
    struct Instance {
        /// The pid.
        var pid: Int32
        /// Time of its first snapshot.
        var firstTime: Int64
        /// Its history's position in `histories`.
        var history: Int32
        /// Its segments: `segments[segmentLow..<segmentHigh]`.
        var segmentLow: Int32
        var segmentHigh: Int32
    }

    /// A pid's instances in `instances`.
    struct InstanceRange {
        var lowerBound: Int32
        var upperBound: Int32
    }

    /// How a segment answers.
    enum SegmentKind: UInt8 {
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
    struct Segment {
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
    enum EntryChange: UInt8 {
        /// In S0 and unchanged in S1 (or S0 is the last snapshot).
        case kept
        /// In S0, gone or changed in S1.
        case removed
        /// Added in S1, overlapping nothing in S0.
        case loaded
    }

    /// One address range of a table.
    struct Entry {
        var start: UInt64
        var end: UInt64
        /// offset - start, so that the file offset of an address is address &+ base.
        var base: UInt64
        var mapping: Int32
        var change: EntryChange
    }
}
