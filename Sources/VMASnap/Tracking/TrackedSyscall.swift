/// A munmap, mprotect, pkey_mprotect or mremap that succeeded, from its
/// sys_enter and sys_exit tracepoints matched by thread.
///
/// The change took effect somewhere between `entered` and the event's time
/// (when the call returned): the old mappings hold before `entered`, the new
/// ones after the return.
public struct TrackedSyscall: Hashable, Sendable {
    /// What the call did, with its arguments as the caller passed them (the
    /// kernel rounds lengths up to whole pages; see `affectedRange`).
    public enum Operation: Hashable, Sendable {
        /// munmap(start, length).
        case unmap(start: UInt64, length: UInt64)
        /// mprotect or pkey_mprotect(start, length, protection): PROT_* bits.
        case protect(start: UInt64, length: UInt64, protection: UInt64)
        /// mremap(oldStart, oldLength, newLength, flags[, requested]): the
        /// mapping now lies at `newStart` (the call's result).
        case remap(oldStart: UInt64, oldLength: UInt64, newStart: UInt64, newLength: UInt64, flags: UInt64)
    }

    /// The process.
    public var pid: Int32
    /// The thread that made the call.
    public var tid: Int32
    /// What it did.
    public var operation: Operation
    /// When it entered the kernel (CLOCK_MONOTONIC nanoseconds).
    public var entered: Int64

    /// Creates a call.
    public init(pid: Int32, tid: Int32, operation: Operation, entered: Int64) {
        self.pid = pid
        self.tid = tid
        self.operation = operation
        self.entered = entered
    }

    /// The addresses whose old mapping the call removed or changed, in whole
    /// pages (for mremap, the old range).
    public func affectedRange(pageSize: UInt64) -> Range<UInt64> {
        switch operation {
        case .unmap(let start, let length), .protect(let start, let length, _):
            return start..<TrackedSyscall.pageEnd(start, length, pageSize)
        case .remap(let oldStart, let oldLength, _, _, _):
            return oldStart..<TrackedSyscall.pageEnd(oldStart, oldLength, pageSize)
        }
    }

    /// For mremap, the range the mapping now occupies, in whole pages.
    public func remappedRange(pageSize: UInt64) -> Range<UInt64>? {
        guard case .remap(_, _, let newStart, let newLength, _) = operation else { return nil }
        return newStart..<TrackedSyscall.pageEnd(newStart, newLength, pageSize)
    }

    private static func pageEnd(_ start: UInt64, _ length: UInt64, _ pageSize: UInt64) -> UInt64 {
        let rounded = length.addingReportingOverflow(pageSize - 1)
        guard !rounded.overflow else { return .max }
        let end = start.addingReportingOverflow(rounded.partialValue & ~(pageSize - 1))
        return end.overflow ? .max : end.partialValue
    }
}
