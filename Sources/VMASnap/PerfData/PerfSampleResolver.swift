/// Resolves every sample of a perf.data file against a recording: the ip
/// and every call-chain frame, in perf's time order, each with the statuses
/// of `vmasnap lookup`.
///
///     let reader = try PerfDataReader(path: "perf.data")
///     let resolver = PerfSampleResolver(reader: reader, index: index) { attribute in … }
///     try resolver.run { sample in … sample.frames … }
///
/// Frames are the sample's ip, then the call chain's entries, leaf first
/// (perf's order), without its PERF_CONTEXT_* markers and without the
/// chain's first entry when it repeats the ip (the kernel starts each
/// chain with it). A frame in the kernel's, the hypervisor's or a guest's
/// context, or at a kernel address, is `kernel`. Times are converted per
/// event (see `PerfTimeConversion`). Nothing is allocated per sample.
public final class PerfSampleResolver {
    /// Frames by status, samples and frames resolved so far.
    public struct Statistics: Hashable, Sendable {
        /// Samples in the file.
        public var samples = 0
        /// Samples the filter let through (and resolved).
        public var resolvedSamples = 0
        /// Frames resolved.
        public var frames = 0
        /// Frames by status (`ResolutionStatus.rawValue`).
        public var byStatus = [Int](repeating: 0, count: ResolutionStatus.allCases.count)
        /// The number of frames with `status`.
        public func count(_ status: ResolutionStatus) -> Int { byStatus[Int(status.rawValue)] }
    }

    /// The perf.data file.
    public let reader: PerfDataReader
    /// Which samples.
    public var filter = PerfSampleFilter()
    /// Whether to keep perf's own view of the mappings and answer each frame from it too.
    public var compare = false
    /// What was resolved.
    public private(set) var statistics = Statistics()
    /// perf's view (with `compare`).
    public private(set) var perfView = PerfMappingView()
    /// Each event's time conversion, as `conversion(for:)` chose it.
    public private(set) var conversions: [PerfTimeConversion] = []

    private let conversionFor: (PerfEventAttribute) -> PerfTimeConversion
    private var names = PerfThreadNames()
    private var cursor: LookupCursor
    private var frames: UnsafeMutableBufferPointer<PerfResolvedFrame>
    private var answers: UnsafeMutableBufferPointer<PerfViewAnswer>

    /// The most frames of one sample: the ip and a call chain (the kernel
    /// caps chains at 127 frames plus markers; a file may claim more).
    public static let frameLimit = 1 << 16

    /// A resolver of `reader`'s samples against `index`; `conversion`
    /// chooses how each event's times meet the recording's clock.
    ///
    /// - Parameters:
    ///   - reader: the perf.data file, not read yet.
    ///   - index: the recording's index, which may be shared.
    ///   - conversion: the time conversion for an event's attribute.
    public convenience init(reader: PerfDataReader, index: AddressIndex, conversion: @escaping (PerfEventAttribute) -> PerfTimeConversion) {
        self.init(reader: reader, cursor: LookupCursor(index: index), conversion: conversion)
    }

    /// A resolver of `reader`'s samples against an index that loads each
    /// pid's histories when a sample first asks about it (`perf-resolve`).
    ///
    /// - Parameters:
    ///   - reader: the perf.data file, not read yet.
    ///   - index: the recording's loading index.
    ///   - conversion: the time conversion for an event's attribute.
    public convenience init(
        reader: PerfDataReader, index: LoadingAddressIndex, conversion: @escaping (PerfEventAttribute) -> PerfTimeConversion
    ) {
        self.init(reader: reader, cursor: LookupCursor(index: index), conversion: conversion)
    }

    private init(reader: PerfDataReader, cursor: LookupCursor, conversion: @escaping (PerfEventAttribute) -> PerfTimeConversion) {
        self.reader = reader
        self.conversionFor = conversion
        self.cursor = cursor
        frames = .allocate(capacity: 256)
        answers = .allocate(capacity: 256)
    }

    deinit {
        frames.deallocate()
        answers.deallocate()
    }

    /// Reads the file once and gives `body` every sample the filter lets
    /// through, resolved, in perf's time order.
    ///
    /// - Parameter progress: called with the bytes read so far, after each chunk.
    /// - Throws: `PerfDataError` for damaged data (after the samples before
    ///   it), `SystemError` when reading fails, and what `body` throws.
    public func run(progress: ((UInt64) -> Void)? = nil, _ body: (PerfResolvedSample) throws -> Void) throws {
        try reader.forEachRecord(progress: progress) { record in
            switch record.header.type {
            case .sample:
                try self.take(sample: record, body)
            case .mmap, .mmap2, .comm, .fork:
                try self.take(event: record)
            default:
                break
            }
        }
    }

    private func decoder(_ record: PerfDataRecord) -> PerfRecordDecoder {
        reader.events.decoders[record.event]
    }

    private func conversion(for event: Int) -> PerfTimeConversion {
        while conversions.count <= event {
            conversions.append(conversionFor(reader.events.attributes[conversions.count]))
        }
        return conversions[event]
    }

    private func take(event record: PerfDataRecord) throws {
        let event: PerfEvent
        do {
            event = try decoder(record).event(record.bytes)
        } catch let error as PerfEventError {
            throw record.error(error)
        }
        switch event {
        case .mmap(let mapping): if compare { perfView.take(mapping) }
        case .comm(let comm): names.take(comm)
        case .fork(let task):
            names.fork(task)
            if compare { perfView.fork(task) }
        default: break
        }
    }

    private func take(sample record: PerfDataRecord, _ body: (PerfResolvedSample) throws -> Void) throws {
        let sample: PerfSample
        do {
            sample = try decoder(record).sample(record.bytes)
        } catch let error as PerfEventError {
            throw record.error(error)
        }
        statistics.samples += 1
        let pid = sample.pid ?? -1
        let tid = sample.tid ?? -1
        let time = sample.time ?? 0
        if let pids = filter.pids, !pids.contains(pid) { return }
        if let tids = filter.tids, !tids.contains(tid) { return }
        if let times = filter.times, !times.contains(time) { return }
        let command = names.name(of: tid)
        if let commands = filter.commands, !(command.map(commands.contains) ?? false) { return }

        let recordingTime = conversion(for: record.event).recordingTime(time)
        let count = try collectFrames(sample, record)
        // Local copies: a class's stored properties are checked for
        // exclusive access at every mutation, which a loop over frames feels.
        var cursor = self.cursor
        var byStatus = statistics.byStatus
        let frames = self.frames
        statistics.byStatus = []
        for position in 0..<count {
            var frame = frames[position]
            if frame.context?.isUser ?? true, frame.address < ResolutionStatus.kernelAddressStart {
                frame.resolution = cursor.resolve(pid: pid, time: recordingTime, address: frame.address)
            } else {
                frame.resolution = Resolution(status: .kernel)
            }
            frames[position] = frame
            byStatus[Int(frame.resolution.status.rawValue)] += 1
        }
        self.cursor = cursor
        statistics.byStatus = byStatus
        if compare {
            for position in 0..<count { answers[position] = perfAnswer(pid: pid, frame: frames[position]) }
        }
        statistics.resolvedSamples += 1
        statistics.frames += count
        try body(PerfResolvedSample(
            pid: pid, tid: tid, time: time, recordingTime: recordingTime, cpu: sample.cpu, event: record.event, command: command,
            frames: UnsafeBufferPointer(rebasing: frames[0..<count]),
            perfAnswers: compare ? UnsafeBufferPointer(rebasing: answers[0..<count]) : nil))
    }

    /// Fills `frames` with the ip and the call chain; returns how many.
    private func collectFrames(_ sample: PerfSample, _ record: PerfDataRecord) throws -> Int {
        let chain = sample.callchain
        let needed = chain.count + 1
        guard needed <= PerfSampleResolver.frameLimit else {
            throw record.error(.countTooLarge("a call chain's length", count: UInt64(chain.count), available: PerfSampleResolver.frameLimit))
        }
        if needed > frames.count {
            let capacity = max(needed, frames.count * 2)
            frames.deallocate()
            answers.deallocate()
            frames = .allocate(capacity: capacity)
            answers = .allocate(capacity: capacity)
        }
        var count = 0
        let unresolved = Resolution(status: .unmapped)
        if let ip = sample.ip {
            frames[0] = PerfResolvedFrame(address: ip, context: PerfCallchainContext(cpuMode: sample.misc.cpuMode), resolution: unresolved)
            count = 1
        }
        var context: PerfCallchainContext? = nil
        var first = true
        for position in 0..<chain.count {
            let entry = chain.entry(position)
            if PerfCallchainContext.isMarker(entry) {
                context = PerfCallchainContext(marker: entry) ?? context
                continue
            }
            // The kernel starts a chain with the sample's ip.
            if first, let ip = sample.ip, entry == ip {
                first = false
                if count > 0, frames[0].context == nil { frames[0].context = context }
                continue
            }
            first = false
            frames[count] = PerfResolvedFrame(address: entry, context: context, resolution: unresolved)
            count += 1
        }
        return count
    }

    private func perfAnswer(pid: Int32, frame: PerfResolvedFrame) -> PerfViewAnswer {
        guard frame.resolution.status != .kernel else { return .kernel }
        guard let mapping = perfView.mapping(pid: pid, address: frame.address) else { return .none }
        guard mapping.isFile else { return .notFile(path: mapping.path) }
        return .file(path: mapping.path, offset: mapping.fileOffset(of: frame.address), mapping: mapping)
    }
}
