/// The live threads of each process, from the threads listed when tracking
/// began and the FORK, EXIT and exec records since, so that a process's end
/// is reported at the exit of its last thread.
///
/// A thread the session never learned of (one that existed before tracking
/// and was not listed) is not waited for.
struct ThreadTable {
    private var threads: [Int32: Set<Int32>] = [:]

    /// The threads of `pid` that exist now.
    mutating func seed(pid: Int32, threads tids: [Int32]) {
        threads[pid, default: []].formUnion(tids)
    }

    /// A thread or a process (its first thread) was created.
    mutating func created(pid: Int32, tid: Int32) {
        threads[pid, default: []].insert(tid)
    }

    /// An exec: every other thread is gone, and the exec'ing thread now has
    /// the process's id.
    mutating func exec(pid: Int32) {
        threads[pid] = [pid]
    }

    /// A thread exited. Returns whether it was the process's last.
    mutating func exited(pid: Int32, tid: Int32) -> Bool {
        guard var live = threads[pid] else {
            // Unknown to the session: its main thread's exit is the process's.
            return tid == pid
        }
        live.remove(tid)
        if live.isEmpty {
            threads[pid] = nil
            return true
        }
        threads[pid] = live
        return false
    }

    /// The processes with live threads.
    var processCount: Int { threads.count }
}
