/// The events of one perf session (perf's evlist): their attributes and
/// sample ids, and which event a record belongs to.
///
/// A record is matched to its event as perf does: with one event, it is
/// that one; otherwise by the sample id found at the position the events'
/// sample types agree on (a SAMPLE's id at a fixed offset, another
/// record's counted from its trailer's end). Records without sample_id_all
/// and records with id 0 (perf's synthesized ones) belong to the first event.
public struct PerfEventList: Sendable {
    /// The events' attributes, in order.
    public private(set) var attributes: [PerfEventAttribute] = []
    /// Their decoders, in the same order.
    public private(set) var decoders: [PerfRecordDecoder] = []
    /// The byte order of the records.
    public let order: PerfByteOrder
    private var eventByID: [UInt64: Int] = [:]

    /// An empty list of events whose records are in `order`.
    public init(order: PerfByteOrder = .native) {
        self.order = order
    }

    /// The number of events.
    public var count: Int { attributes.count }

    /// Adds an event with the sample ids its records carry.
    ///
    /// - Throws: `PerfEventError` when the attribute cannot be laid out, and
    ///   `PerfEventList.Mismatch` when its sample id is not where the other
    ///   events have theirs (records could not be matched to events).
    public mutating func add(_ attribute: PerfEventAttribute, ids: [UInt64]) throws {
        let decoder = try PerfRecordDecoder(attribute: attribute, order: order)
        if let first = decoders.first {
            let layout = decoder.layout
            guard layout.sampleIDOffset == first.layout.sampleIDOffset,
                layout.trailerIDSlotFromEnd == first.layout.trailerIDSlotFromEnd
            else {
                throw Mismatch(first: first.attribute.sampleType, other: attribute.sampleType)
            }
        }
        for id in ids where eventByID[id] == nil { eventByID[id] = decoders.count }
        attributes.append(attribute)
        decoders.append(decoder)
    }

    /// Adds more sample ids to the event at `index` (perf's ID_INDEX or a
    /// repeated HEADER_ATTR).
    public mutating func addIDs(_ ids: [UInt64], toEventAt index: Int) {
        precondition(index >= 0 && index < attributes.count, "no such event")
        for id in ids where eventByID[id] == nil { eventByID[id] = index }
    }

    /// The event of a kernel record of `type`: its position in `attributes`,
    /// or nil when its id names none (perf counts these and skips them),
    /// when its id cannot be read, or when there are no events.
    public func eventIndex(of record: PerfBytes, type: PerfRecordType) -> Int? {
        guard let first = decoders.first else { return nil }
        if decoders.count == 1 { return 0 }
        let id: UInt64
        if type == .sample {
            guard let offset = first.layout.sampleIDOffset, let value = record.u64(offset) else { return nil }
            id = value
        } else {
            guard first.layout.sampleIDAll else { return 0 }
            guard let slot = first.layout.trailerIDSlotFromEnd, record.count >= PerfRecordHeader.size + 8 * slot,
                let value = record.u64(record.count - 8 * slot)
            else { return nil }
            id = value
        }
        if id == 0 { return 0 }
        return eventByID[id]
    }

    /// Events whose sample ids are in different places.
    public struct Mismatch: Error, Hashable, Sendable, CustomStringConvertible {
        /// The first event's sample_type.
        public var first: PerfSampleType
        /// The sample_type that does not agree with it.
        public var other: PerfSampleType

        /// One phrase.
        public var description: String {
            "the events' sample types 0x\(String(first.rawValue, radix: 16)) and 0x\(String(other.rawValue, radix: 16)) "
                + "put the sample id in different places, so records cannot be matched to events"
        }
    }
}
