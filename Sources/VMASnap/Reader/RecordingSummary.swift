/// Totals of a recording, from its index (or the index rebuilt by scanning).
public struct RecordingSummary: Hashable, Sendable {
    /// Sampling rounds.
    public var rounds: Int
    /// Snapshots of every process, unchanged ones included.
    public var snapshots: Int
    /// Records in the records frames.
    public var records: Int
    /// Records frames.
    public var frames: Int
    /// Processes seen.
    public var processes: Int
    /// Bytes of the file.
    public var fileBytes: UInt64
    /// Bytes of all records frames once decompressed.
    public var decodedBytes: UInt64
    /// Time of the first round (nanoseconds on the header's clock), nil without rounds.
    public var firstTime: Int64?
    /// Time of the last round, nil without rounds.
    public var lastTime: Int64?

    /// Nanoseconds from the first round to the last (0 without rounds).
    public var duration: Int64 {
        guard let firstTime, let lastTime else { return 0 }
        return lastTime - firstTime
    }
}
