import CLinuxSystem
import SystemPackage

/// A perf event's mmap'd ring buffer (of live tracking, and of the perf-clock
/// measurement): one control page and 2^n data pages
/// that the kernel writes records into and this reader consumes.
///
/// Reading follows the kernel's protocol: data_head with acquire order (the
/// records before it are then complete), the records from our tail to it,
/// then data_tail with release order (the kernel may reuse the space). A
/// record that wraps around the end of the data area is copied out whole;
/// any other is decoded where it lies.
final class PerfRingBuffer {
    /// The event that owns the buffer (the one that was mmap'd).
    let owner: PerfEventDescriptor
    /// The data pages.
    let dataPages: Int
    /// Bytes of data (dataPages × page size).
    let dataSize: Int
    private let base: UnsafeMutableRawPointer
    private let mappedLength: Int
    private let dataOffset: Int
    private let system: SystemCalls
    private var scratch: UnsafeMutableRawBufferPointer
    /// Records whose header cannot be right (a size below 8 or past the head):
    /// the rest of what was there was skipped.
    private(set) var damagedReads = 0

    /// Maps `dataPages` data pages (a power of two) of `owner`'s buffer.
    ///
    /// - Returns: the buffer, or mmap's errno (EPERM or ENOMEM when the
    ///   locked-memory budget is spent, EINVAL for a size that is not 1+2^n).
    static func map(_ owner: PerfEventDescriptor, dataPages: Int, pageSize: Int, system: SystemCalls) -> Result<PerfRingBuffer, Errno> {
        let length = (1 + dataPages) * pageSize
        return Result { () throws(Errno) in
            let base = try system.mapShared(owner.descriptor, length)
            return PerfRingBuffer(owner: owner, base: base, length: length, dataPages: dataPages, pageSize: pageSize, system: system)
        }
    }

    private init(owner: PerfEventDescriptor, base: UnsafeMutableRawPointer, length: Int, dataPages: Int, pageSize: Int,
                 system: SystemCalls) {
        self.owner = owner
        self.base = base
        self.mappedLength = length
        self.dataPages = dataPages
        self.system = system
        // Kernels since 4.1 say where the data is; before, it follows the first page.
        let offset = Int(base.load(fromByteOffset: Int(VMASNAP_PERF_PAGE_DATA_OFFSET), as: UInt64.self))
        let size = Int(base.load(fromByteOffset: Int(VMASNAP_PERF_PAGE_DATA_SIZE), as: UInt64.self))
        dataOffset = offset != 0 ? offset : pageSize
        dataSize = size != 0 ? size : dataPages * pageSize
        // The largest record is 64 KiB (a u16 size).
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    }

    deinit {
        scratch.deallocate()
        system.unmap(base, mappedLength)
    }

    /// Bytes written and not yet read.
    var waitingBytes: Int {
        let head = vmasnap_ring_head(base)
        let tail = base.load(fromByteOffset: Int(VMASNAP_PERF_PAGE_DATA_TAIL), as: UInt64.self)
        return Int(truncatingIfNeeded: head &- tail)
    }

    /// Hands every complete record waiting in the buffer to `body`, oldest
    /// first, then releases their space.
    ///
    /// The bytes `body` gets are valid only during the call.
    /// - Returns: how many records were read.
    @discardableResult
    func read(_ body: (PerfBytes) -> Void) -> Int {
        let head = vmasnap_ring_head(base)
        var tail = base.load(fromByteOffset: Int(VMASNAP_PERF_PAGE_DATA_TAIL), as: UInt64.self)
        let data = base + dataOffset
        let mask = UInt64(dataSize - 1)
        var count = 0
        while head &- tail >= UInt64(PerfRecordHeader.size) {
            let offset = Int(tail & mask)
            let size = Int(copy(from: data, at: offset, length: PerfRecordHeader.size, into: scratch.baseAddress!)
                .loadUnaligned(fromByteOffset: 6, as: UInt16.self))
            guard size >= PerfRecordHeader.size, UInt64(size) <= head &- tail else {
                // Not a record the kernel wrote: skip everything up to the head.
                damagedReads += 1
                tail = head
                break
            }
            let start = copy(from: data, at: offset, length: size, into: scratch.baseAddress!)
            body(PerfBytes(UnsafeRawBufferPointer(start: start, count: size), order: .native))
            tail &+= UInt64(size)
            count += 1
        }
        vmasnap_ring_set_tail(base, tail)
        return count
    }

    /// The `length` bytes at `offset` of the data area: where they are, or
    /// copied to `scratch` when they wrap around its end.
    private func copy(from data: UnsafeMutableRawPointer, at offset: Int, length: Int, into scratch: UnsafeMutableRawPointer)
        -> UnsafeRawPointer
    {
        if offset + length <= dataSize { return UnsafeRawPointer(data + offset) }
        let first = dataSize - offset
        scratch.copyMemory(from: data + offset, byteCount: first)
        (scratch + first).copyMemory(from: data, byteCount: length - first)
        return UnsafeRawPointer(scratch)
    }
}
