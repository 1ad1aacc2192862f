/// What perf.data's feature sections (file mode) or HEADER_FEATURE records
/// (pipe mode) say about the session, as far as vmasnap uses it.
public struct PerfDataFeatures: Hashable, Sendable {
    /// Feature numbers (tools/perf/util/header.h, HEADER_*): a feature's
    /// bit in the header's bitmap and its `HEADER_FEATURE` record's number.
    public enum Number {
        public static let tracingData = 1, buildID = 2, hostName = 3, osRelease = 4, version = 5, architecture = 6
        public static let cpuCount = 7, commandLine = 11, eventDescription = 12, sampleTime = 21, clockID = 23
        public static let compressed = 27, clockData = 29
    }

    /// `struct perf_env`'s clock data (HEADER_CLOCK_DATA, perf 5.9+ with
    /// -k): the clock perf used and a pair of readings taken together.
    public struct ClockData: Hashable, Sendable {
        /// The clock of the session's times.
        public var clockID: UInt32
        /// CLOCK_REALTIME, ns.
        public var wallClockTime: UInt64
        /// The session's clock at the same moment, ns.
        public var clockTime: UInt64
    }

    /// HEADER_COMPRESSED: how `perf record -z` compressed the records.
    public struct Compression: Hashable, Sendable {
        /// 1 = zstd.
        public var type: UInt32
        /// The zstd level.
        public var level: UInt32
        /// The largest decompressed size of one record's data (mmap_len).
        public var decompressedLength: UInt32
    }

    /// An event's name and its sample ids (HEADER_EVENT_DESC).
    public struct EventDescription: Hashable, Sendable {
        /// "cpu-clock:ppp" and the like.
        public var name: String
        /// Its sample ids.
        public var ids: [UInt64]
    }

    /// `uname -n` of the machine perf recorded on.
    public var hostName: String?
    /// `uname -r`.
    public var osRelease: String?
    /// perf's version.
    public var perfVersion: String?
    /// `uname -m`.
    public var architecture: String?
    /// perf's command line (the perf executable first).
    public var commandLine: [String]?
    /// CPUs online and available.
    public var cpusOnline: UInt32?
    /// CPUs available.
    public var cpusAvailable: UInt32?
    /// Each event's name.
    public var events: [EventDescription] = []
    /// Files and their build IDs, as perf recorded them at the end of the session.
    public var buildIDs: [PerfBuildIDRecord] = []
    /// HEADER_CLOCKID: the resolution, in ns, of the clock perf was given with -k.
    public var clockResolution: UInt64?
    /// HEADER_CLOCK_DATA.
    public var clockData: ClockData?
    /// HEADER_SAMPLE_TIME: the first and last sample times.
    public var sampleTimes: ClosedRange<UInt64>?
    /// HEADER_COMPRESSED.
    public var compression: Compression?

    /// No features.
    public init() {}

    /// Takes the data of feature `number` (the bytes of its section, or of
    /// a HEADER_FEATURE record after its feature number). Features vmasnap
    /// does not use are ignored.
    ///
    /// - Throws: `PerfDataError.Reason` when a length inside does not fit.
    public mutating func apply(feature number: Int, _ bytes: PerfBytes) throws {
        var reader = FeatureReader(bytes: bytes, feature: number)
        switch number {
        case Number.hostName: hostName = try reader.string()
        case Number.osRelease: osRelease = try reader.string()
        case Number.version: perfVersion = try reader.string()
        case Number.architecture: architecture = try reader.string()
        case Number.cpuCount:
            cpusAvailable = try reader.u32()
            cpusOnline = try reader.u32()
        case Number.commandLine:
            let count = try reader.count(each: 4)
            commandLine = try (0..<count).map { _ in try reader.string() }
        case Number.eventDescription:
            let count = try reader.count(each: 4)
            let attributeSize = Int(try reader.u32())
            guard attributeSize >= PerfEventAttribute.sizeVersion0 else {
                throw PerfDataError.Reason.invalid("an event description's attribute size \(attributeSize) is below 64")
            }
            var found: [EventDescription] = []
            for _ in 0..<count {
                try reader.skip(attributeSize)
                let idCount = try reader.u32()
                let name = try reader.string()
                guard UInt64(idCount) <= UInt64(reader.remaining / 8) else {
                    throw PerfDataError.Reason.tooLarge("an event's id count", value: UInt64(idCount), limit: UInt64(reader.remaining / 8))
                }
                found.append(EventDescription(name: name, ids: try (0..<Int(idCount)).map { _ in try reader.u64() }))
            }
            events = found
        case Number.buildID:
            var records: [PerfBuildIDRecord] = []
            while reader.remaining >= PerfRecordHeader.size {
                guard let header = PerfRecordHeader(bytes, at: reader.position), Int(header.size) >= PerfBuildIDRecord.fixedSize,
                    Int(header.size) <= reader.remaining
                else {
                    throw PerfDataError.Reason.invalid("a build ID entry's size does not fit its feature section")
                }
                records.append(try PerfBuildIDRecord(PerfBytes(bytes.slice(reader.position, Int(header.size))!, swapped: bytes.swapped)))
                try reader.skip(Int(header.size))
            }
            buildIDs = records
        case Number.sampleTime:
            let first = try reader.u64()
            let last = try reader.u64()
            sampleTimes = first <= last ? first...last : nil
        case Number.clockID:
            clockResolution = try reader.u64()
        case Number.clockData:
            _ = try reader.u32()  // version
            let clock = try reader.u32()
            let wall = try reader.u64()
            let time = try reader.u64()
            clockData = ClockData(clockID: clock, wallClockTime: wall, clockTime: time)
        case Number.compressed:
            _ = try reader.u32()  // version
            let type = try reader.u32()
            let level = try reader.u32()
            _ = try reader.u32()  // ratio
            let length = try reader.u32()
            compression = Compression(type: type, level: level, decompressedLength: length)
        default:
            break
        }
    }
}

/// Reads the fields of one feature section, checking every length.
private struct FeatureReader {
    let bytes: PerfBytes
    let feature: Int
    var position = 0

    init(bytes: PerfBytes, feature: Int) {
        self.bytes = bytes
        self.feature = feature
    }

    var remaining: Int { bytes.count - position }

    private var what: String { "feature \(feature)'s section" }

    mutating func u32() throws -> UInt32 {
        guard let value = bytes.u32(position) else { throw PerfDataError.Reason.truncated(what) }
        position += 4
        return value
    }

    mutating func u64() throws -> UInt64 {
        guard let value = bytes.u64(position) else { throw PerfDataError.Reason.truncated(what) }
        position += 8
        return value
    }

    mutating func skip(_ count: Int) throws {
        guard count <= remaining else { throw PerfDataError.Reason.truncated(what) }
        position += count
    }

    /// A u32 count of elements of at least `each` bytes, checked against the bytes left.
    mutating func count(each: Int) throws -> Int {
        let value = try u32()
        guard UInt64(value) <= UInt64(remaining / each) else {
            throw PerfDataError.Reason.tooLarge("\(what)'s count", value: UInt64(value), limit: UInt64(remaining / each))
        }
        return Int(value)
    }

    /// perf's header string: u32 length, then that many bytes, NUL-padded.
    mutating func string() throws -> String {
        let length = Int(try u32())
        guard length <= remaining else {
            throw PerfDataError.Reason.tooLarge("\(what)'s string length", value: UInt64(length), limit: UInt64(remaining))
        }
        let text = bytes.string(position, end: position + length)!
        position += length
        return String(decoding: text, as: UTF8.self)
    }
}
