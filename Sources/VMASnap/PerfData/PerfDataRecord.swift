/// A kernel record of a perf.data file, handed on in time order: its
/// bytes (header included), the event it belongs to, and where it came from.
///
/// The bytes are valid only during the call that gives the record.
public struct PerfDataRecord {
    /// The record's header.
    public let header: PerfRecordHeader
    /// The whole record.
    public let bytes: PerfBytes
    /// Its event: the position of its attribute in `PerfDataReader.events`.
    public let event: Int
    /// Its time on the event's clock, when it has one (records perf
    /// synthesized at start-up have 0 or none, and come at once).
    public let time: UInt64?
    /// Its byte in the input (for a record decoded from COMPRESSED data, the
    /// COMPRESSED record's).
    public let offset: UInt64
    /// For a record decoded from COMPRESSED data: its offset in the decoded stream.
    public let decodedOffset: UInt64?

    /// An error about this record, located where it came from.
    public func error(_ error: PerfEventError) -> PerfDataError {
        PerfDataError(offset: offset, decodedOffset: decodedOffset, reason: .record(header.type, error))
    }
}
