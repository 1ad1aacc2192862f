/// Every process history of a recording, indexed to resolve
/// (pid, time, address) in a few binary searches (see `LookupTables`).
///
/// Immutable and `Sendable`: build it once and share it; any number of
/// threads or tasks may resolve against it at once, each with its own
/// `LookupCursor`. For a large recording whose pids are looked up a few at a
/// time, `LoadingAddressIndex` reads a pid's histories when first asked.
public final class AddressIndex: Sendable {
    /// Every history indexed, in the order given.
    public let histories: [ProcessHistory]
    /// Every distinct mapping, by mapping ID (see `Resolution.mappingID`).
    let mappings: [ExecutableMapping]
    /// What cursors search.
    let tables: LookupTables

    /// Builds the index from the histories a recording reader produces.
    ///
    /// Histories without any snapshot are ignored: they cannot answer. An
    /// epoch's mappings should be in address order (readers give them so);
    /// they are sorted here if not.
    ///
    /// - Parameter histories: any process instances, pids reused or not.
    public init(histories: [ProcessHistory]) {
        var builder = AddressIndexBuilder()
        builder.add(histories)
        self.histories = histories
        mappings = builder.mappings
        tables = builder.tables
    }

    /// The mapping with number `id`, as a resolution gives it.
    ///
    /// - Parameter id: a `Resolution.mappingID` of this index.
    /// - Returns: the mapping.
    public func mapping(_ id: Int32) -> ExecutableMapping { mappings[Int(id)] }

    /// The mapping a resolution answered with, if any.
    ///
    /// - Parameter resolution: an answer of this index.
    /// - Returns: its mapping, nil when it has none.
    public func mapping(of resolution: Resolution) -> ExecutableMapping? {
        resolution.mappingID.map { mappings[Int($0)] }
    }

    /// How many distinct mappings the index holds.
    public var mappingCount: Int { mappings.count }

    /// The history of the process instance that answers for `pid` at `time`:
    /// the latest one whose first snapshot is at or before `time`.
    ///
    /// - Parameters:
    ///   - pid: the process ID.
    ///   - time: nanoseconds on the recording's clock.
    /// - Returns: the history, nil when no instance had a snapshot by then.
    public func history(pid: Int32, at time: Int64) -> ProcessHistory? {
        guard let range = tables.instancesByPID[pid], let found = tables.lastInstance(in: range, atOrBefore: time) else {
            return nil
        }
        return histories[Int(tables.instances[found].history)]
    }

    /// Resolves one address. For many, use a `LookupCursor` or `resolve(_:)`
    /// with an array, which reuse work between neighbouring queries.
    ///
    /// - Parameters:
    ///   - pid: the process ID.
    ///   - time: nanoseconds on the recording's clock.
    ///   - address: the address.
    /// - Returns: the answer.
    public func resolve(pid: Int32, time: Int64, address: UInt64) -> Resolution {
        var cursor = LookupCursor(index: self)
        return cursor.resolve(pid: pid, time: time, address: address)
    }

    /// Resolves a batch, sorted or not, in order. Queries in time order with
    /// the same pid reuse each other's work.
    ///
    /// - Parameter queries: the queries.
    /// - Returns: one answer per query.
    public func resolve(_ queries: [LookupQuery]) -> [Resolution] {
        var cursor = LookupCursor(index: self)
        return queries.map { cursor.resolve($0) }
    }

    /// Resolves a batch into `results`, which must be at least as long as
    /// `queries`; allocates nothing.
    ///
    /// - Parameters:
    ///   - queries: the queries.
    ///   - results: where the answers go, one per query.
    public func resolve(_ queries: UnsafeBufferPointer<LookupQuery>, into results: UnsafeMutableBufferPointer<Resolution>) {
        precondition(results.count >= queries.count, "results buffer shorter than queries")
        var cursor = LookupCursor(index: self)
        for position in 0..<queries.count {
            results[position] = cursor.resolve(queries[position])
        }
    }
}
