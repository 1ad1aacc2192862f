#if canImport(Glibc)
import Glibc
#endif

/// perf's default clock: the clock of every perf record whose event was
/// opened without `use_clockid` (the kernel's local_clock), which is what
/// `perf record` stamps samples with unless given `-k CLOCK_MONOTONIC`.
public enum PerfClock {
    /// Why perf's clock could not be measured.
    public enum MeasurementError: Error, Hashable, Sendable, CustomStringConvertible {
        /// perf_event_open, mmap or renaming the thread failed.
        case system(SystemError)
        /// The event wrote no COMM record for the rename.
        case noRecord

        /// One phrase.
        public var description: String {
            switch self {
            case .system(let error): return error.description
            case .noRecord: return "the perf event wrote no record to time"
            }
        }
    }

    /// Measures perf's clock against CLOCK_MONOTONIC (the recording clock).
    ///
    /// Opens a software dummy event on the calling thread, without
    /// use_clockid and sampling nothing, that writes COMM records; then,
    /// `tries` times, reads CLOCK_MONOTONIC, renames the thread to its own
    /// name (the kernel writes a COMM record stamped with perf's clock before
    /// the call returns), reads CLOCK_MONOTONIC again. The try with the
    /// closest readings gives the answer: the record's time, the middle of
    /// the readings and half their distance as the uncertainty.
    ///
    /// Needs nothing beyond what perf_event_paranoid 2 allows (the event
    /// excludes the kernel and watches only this thread).
    ///
    /// - Parameter tries: how many renames to time (at least 1).
    /// - Returns: the measurement (see Formats/vmasnap.md, section 2.4).
    /// - Throws: `MeasurementError` when the event cannot be opened (for
    ///   example perf_event_paranoid 3, or a seccomp filter) or writes nothing.
    public static func measure(tries: Int = 8) throws -> PerfClockReading {
        try measure(tries: tries, system: .live)
    }

    static func measure(tries: Int, system: SystemCalls) throws -> PerfClockReading {
        var attribute = PerfEventAttribute(type: PerfEventAttribute.typeSoftware, config: PerfEventAttribute.configDummy)
        attribute.sampleType = [.tid, .time]
        attribute.flags = [.comm, .sampleIDAll, .excludeKernel, .excludeHypervisor]
        let decoder = try! PerfRecordDecoder(attribute: attribute)
        let event: PerfEventDescriptor
        switch PerfEventDescriptor.open(attribute, pid: 0, cpu: -1, system: system) {
        case .success(let opened): event = opened
        case .failure(let errno): throw MeasurementError.system(SystemError(.open, "a perf event (perf_event_open)", errno))
        }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        // One data page: each try writes one small record.
        let ring: PerfRingBuffer
        switch PerfRingBuffer.map(event, dataPages: 1, pageSize: pageSize, system: system) {
        case .success(let mapped): ring = mapped
        case .failure(let errno): throw MeasurementError.system(SystemError(.open, "a perf event's ring buffer (mmap)", errno))
        }

        var name = [CChar](repeating: 0, count: 32)
        guard system.threadName(&name) == 0 else {
            throw MeasurementError.system(SystemError(.query, "the thread's name (PR_GET_NAME)", Errno.current))
        }

        var best: PerfClockReading?
        let pid = system.processID()
        for _ in 0..<max(tries, 1) {
            let before = RecordingHeader.monotonicNow()
            let status = system.setThreadName(name)
            let after = RecordingHeader.monotonicNow()
            guard status == 0 else {
                throw MeasurementError.system(SystemError(.query, "the thread's name (PR_SET_NAME)", Errno.current))
            }
            // The record was written in the syscall that just returned on
            // this thread: it is in the buffer now.
            var time: UInt64?
            ring.read { bytes in
                guard let header = PerfRecordHeader(bytes), header.type == .comm,
                    let trailer = try? decoder.sampleID(bytes, type: .comm), trailer.pid == pid
                else { return }
                time = trailer.time
            }
            guard let time else { continue }
            let reading = PerfClockReading(
                perfTime: Int64(clamping: time), recordingTime: before + (after - before) / 2, uncertainty: (after - before + 1) / 2)
            if best == nil || reading.uncertainty < best!.uncertainty { best = reading }
        }
        guard let best else { throw MeasurementError.noRecord }
        return best
    }
}
