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
        let bytes = attribute.encoded()
        let fd = bytes.withUnsafeBytes { raw in
            valueOrErrno { system.perfEventOpen(raw.baseAddress!, 0, -1, -1, PerfClock.closeOnExec) }
        }
        guard case .success(let descriptor) = fd else {
            if case .failure(let errno) = fd { throw MeasurementError.system(SystemError(.open, "a perf event (perf_event_open)", errno)) }
            throw MeasurementError.noRecord
        }
        defer { _ = system.close(descriptor) }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        // One metadata page and one data page: each try writes one small record.
        let length = 2 * pageSize
        guard let ring = system.mapShared(descriptor, length) else {
            throw MeasurementError.system(SystemError(.open, "a perf event's ring buffer (mmap)", Errno.current))
        }
        defer { _ = system.unmap(ring, length) }

        var name = [CChar](repeating: 0, count: 32)
        guard system.threadName(&name) == 0 else {
            throw MeasurementError.system(SystemError(.query, "the thread's name (PR_GET_NAME)", Errno.current))
        }

        var best: PerfClockReading?
        var record = [UInt8](repeating: 0, count: pageSize)
        for _ in 0..<max(tries, 1) {
            let before = RecordingHeader.monotonicNow()
            let status = system.setThreadName(name)
            let after = RecordingHeader.monotonicNow()
            guard status == 0 else {
                throw MeasurementError.system(SystemError(.query, "the thread's name (PR_SET_NAME)", Errno.current))
            }
            guard let time = lastCommTime(ring: ring, pageSize: pageSize, decoder: decoder, scratch: &record) else { continue }
            let reading = PerfClockReading(
                perfTime: Int64(clamping: time), recordingTime: before + (after - before) / 2, uncertainty: (after - before + 1) / 2)
            if best == nil || reading.uncertainty < best!.uncertainty { best = reading }
        }
        guard let best else { throw MeasurementError.noRecord }
        return best
    }

    /// PERF_FLAG_FD_CLOEXEC.
    static let closeOnExec: UInt = 8

    /// Reads every record between the ring's tail and head, and returns the
    /// time of the last COMM of this process; moves the tail to the head.
    private static func lastCommTime(
        ring: UnsafeMutableRawPointer, pageSize: Int, decoder: PerfRecordDecoder, scratch: inout [UInt8]
    ) -> UInt64? {
        // struct perf_event_mmap_page: data_head at 1024, data_tail at 1032.
        // The record was written in the syscall that just returned on this
        // thread, so plain loads see it.
        let head = ring.load(fromByteOffset: 1024, as: UInt64.self)
        var tail = ring.load(fromByteOffset: 1032, as: UInt64.self)
        let data = ring + pageSize
        let size = UInt64(pageSize)
        var found: UInt64?
        while tail + UInt64(PerfRecordHeader.size) <= head {
            // Copy the record out: it may wrap around the end of the buffer.
            let headerBytes = (0..<PerfRecordHeader.size).map { data.load(fromByteOffset: Int((tail + UInt64($0)) % size), as: UInt8.self) }
            let recordSize = Int(UInt16(headerBytes[6]) | UInt16(headerBytes[7]) << 8)
            guard recordSize >= PerfRecordHeader.size, tail + UInt64(recordSize) <= head, recordSize <= scratch.count else { break }
            for index in 0..<recordSize {
                scratch[index] = data.load(fromByteOffset: Int((tail + UInt64(index)) % size), as: UInt8.self)
            }
            tail += UInt64(recordSize)
            scratch.withUnsafeBytes { raw in
                let bytes = PerfBytes(UnsafeRawBufferPointer(rebasing: raw[0..<recordSize]), order: .native)
                guard let header = PerfRecordHeader(bytes), header.type == .comm,
                    let trailer = try? decoder.sampleID(bytes, type: .comm), trailer.pid == getpid()
                else { return }
                found = trailer.time
            }
        }
        ring.storeBytes(of: tail, toByteOffset: 1032, as: UInt64.self)
        return found
    }
}
