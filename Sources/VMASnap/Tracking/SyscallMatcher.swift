/// Pairs each traced syscall's entry with its return, by thread, in time
/// order: a call that returned an error changed nothing and gives no event.
struct SyscallMatcher {
    private struct Entry {
        var call: SyscallTracepoint.Call
        var arguments: [UInt64]
        var time: Int64
    }

    private var pending: [Int32: Entry] = [:]
    /// Calls that returned an error.
    private(set) var failed = 0
    /// Returns with no entry (the entry was lost, or came before tracking began).
    private(set) var unmatchedExits = 0
    /// Entries never returned from: replaced by a later entry of the same
    /// thread (the return was lost) or ended by the thread's exit.
    private(set) var abandonedEntries = 0

    /// A thread entered a call.
    mutating func enter(tid: Int32, call: SyscallTracepoint.Call, arguments: [UInt64], time: Int64) {
        if pending.updateValue(Entry(call: call, arguments: arguments, time: time), forKey: tid) != nil {
            abandonedEntries += 1
        }
    }

    /// A thread returned from a call: the call, if it succeeded and its entry was seen.
    mutating func exit(pid: Int32, tid: Int32, call: SyscallTracepoint.Call, result: Int64) -> TrackedSyscall? {
        guard let entry = pending.removeValue(forKey: tid), entry.call == call else {
            unmatchedExits += 1
            return nil
        }
        // Errors are -4095…-1; mremap's new address is never in that range.
        guard result >= 0 || result < -4095 else {
            failed += 1
            return nil
        }
        let arguments = entry.arguments
        let operation: TrackedSyscall.Operation
        switch call {
        case .munmap: operation = .unmap(start: arguments[0], length: arguments[1])
        case .mprotect, .pkeyMprotect: operation = .protect(start: arguments[0], length: arguments[1], protection: arguments[2])
        case .mremap:
            operation = .remap(oldStart: arguments[0], oldLength: arguments[1], newStart: UInt64(bitPattern: result),
                               newLength: arguments[2], flags: arguments[3])
        }
        return TrackedSyscall(pid: pid, tid: tid, operation: operation, entered: entry.time)
    }

    /// A thread ended: a call it was in never returns.
    mutating func threadExited(tid: Int32) {
        if pending.removeValue(forKey: tid) != nil { abandonedEntries += 1 }
    }
}
