/// Turns the raw records of a session's buffers into `TimedRecord`s, with
/// PerfEvents' decoders: one for the tracking event's records (and the
/// LOST records of any event, whose trailer is the same), one for the
/// tracepoints' samples.
struct TrackingRecordDecoder {
    private let tracking: PerfRecordDecoder
    private let tracepointSamples: PerfRecordDecoder
    private let tracepoints: [UInt64: SyscallTracepoint]

    /// Records not decoded: malformed, or of types tracking does not use.
    private(set) var undecodable = 0
    /// Records of types the session does not report (THROTTLE, …).
    private(set) var ignored = 0

    init(tracking: PerfEventAttribute, tracepoint: PerfEventAttribute, tracepoints: [SyscallTracepoint]) {
        // Both attributes have layouts this decoder knows.
        self.tracking = try! PerfRecordDecoder(attribute: tracking)
        self.tracepointSamples = try! PerfRecordDecoder(attribute: tracepoint)
        var byID: [UInt64: SyscallTracepoint] = [:]
        for tracepoint in tracepoints { byID[tracepoint.id] = tracepoint }
        self.tracepoints = byID
    }

    /// Decodes one record read from the buffer of `cpu`, whose previous
    /// record had time `lastTime`; nil when it says nothing tracking reports.
    mutating func decode(_ record: PerfBytes, cpu: Int32, lastTime: Int64) -> TimedRecord? {
        guard let header = PerfRecordHeader(record) else { undecodable += 1; return nil }
        if header.type == .sample { return decodeSample(record, cpu: cpu) }
        guard let event = try? tracking.event(record), let trailer = try? tracking.sampleID(record, type: header.type),
            let time = trailer.time
        else {
            undecodable += 1
            return nil
        }
        let kind: TrackingEvent.Kind
        switch event {
        case .fork(let task): kind = task.isThread ? .threadCreated(task) : .processCreated(task)
        case .exit(let task): kind = .threadExited(task)
        case .comm(let comm): kind = comm.isExec ? .exec(comm) : .commandChanged(comm)
        case .mmap(let mapping):
            // MMAP2 records come only for executable mappings without mmap_data.
            guard mapping.isExecutable else { ignored += 1; return nil }
            kind = .mapped(mapping)
        case .lost(let id, let count): kind = .lost(LostRecords(count: count, cpu: cpu, eventID: id, since: lastTime))
        default:
            ignored += 1
            return nil
        }
        return TimedRecord(time: Int64(bitPattern: time), cpu: cpu, body: .event(kind))
    }

    private mutating func decodeSample(_ record: PerfBytes, cpu: Int32) -> TimedRecord? {
        guard let sample = try? tracepointSamples.sample(record), let raw = sample.raw, let time = sample.time,
            let pid = sample.pid, let tid = sample.tid, let type = raw.u16(0),
            let tracepoint = tracepoints[UInt64(type)], let values = tracepoint.values(raw)
        else {
            undecodable += 1
            return nil
        }
        let body: TimedRecord.Body = tracepoint.isEntry
            ? .syscallEntry(pid: pid, tid: tid, call: tracepoint.call, arguments: values)
            : .syscallExit(pid: pid, tid: tid, call: tracepoint.call, result: Int64(bitPattern: values[0]))
        return TimedRecord(time: Int64(bitPattern: time), cpu: cpu, body: body)
    }
}
