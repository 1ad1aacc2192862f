import SystemPackage

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
        let event: OwnedDescriptor
        do throws(Errno) {
            event = OwnedDescriptor(try bytes.withUnsafeBytesTyped { (raw) throws(Errno) in try system.openPerfEvent(raw, 0, -1) },
                                    system: system)
        } catch {
            throw MeasurementError.system(SystemError(.open, "a perf event (perf_event_open)", error))
        }
        let pageSize = system.pageSize()
        // One metadata page and one data page: each try writes one small record.
        let length = 2 * pageSize
        let ring: UnsafeMutableRawPointer
        do throws(Errno) {
            ring = try system.mapShared(event.descriptor, length)
        } catch {
            throw MeasurementError.system(SystemError(.open, "a perf event's ring buffer (mmap)", error))
        }
        defer { system.unmap(ring, length) }

        var name = [CChar](repeating: 0, count: 32)
        do throws(Errno) {
            try name.withUnsafeMutableBufferPointer { (buffer) throws(Errno) in try system.threadName(buffer.baseAddress!) }
        } catch {
            throw MeasurementError.system(SystemError(.query, "the thread's name (PR_GET_NAME)", error))
        }

        let pid = system.processID()
        var best: PerfClockReading?
        var record = [UInt8](repeating: 0, count: pageSize)
        for _ in 0..<max(tries, 1) {
            let before = system.now(.monotonic)
            let renamed = Result { () throws(Errno) in try system.setThreadName(name) }
            let after = system.now(.monotonic)
            if case .failure(let error) = renamed {
                throw MeasurementError.system(SystemError(.query, "the thread's name (PR_SET_NAME)", error))
            }
            guard let time = lastCommTime(ring: ring, pageSize: pageSize, pid: pid, decoder: decoder, scratch: &record) else { continue }
            let reading = PerfClockReading(
                perfTime: Int64(clamping: time), recordingTime: before + (after - before) / 2, uncertainty: (after - before + 1) / 2)
            if best == nil || reading.uncertainty < best!.uncertainty { best = reading }
        }
        guard let best else { throw MeasurementError.noRecord }
        return best
    }

    /// Reads every record between the ring's tail and head, and returns the
    /// time of the last COMM of this process; moves the tail to the head.
    private static func lastCommTime(
        ring: UnsafeMutableRawPointer, pageSize: Int, pid: Int32, decoder: PerfRecordDecoder, scratch: inout [UInt8]
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
                    let trailer = try? decoder.sampleID(bytes, type: .comm), trailer.pid == pid
                else { return }
                found = trailer.time
            }
        }
        ring.storeBytes(of: tail, toByteOffset: 1032, as: UInt64.self)
        return found
    }
}
