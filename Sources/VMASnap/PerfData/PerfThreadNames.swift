/// Each thread's command name as perf's records tell it (COMM; FORK
/// passes the parent's on), for `--comm` and the output.
struct PerfThreadNames {
    private var names: [Int32: [UInt8]] = [:]

    /// The name of `tid`, if known.
    func name(of tid: Int32) -> [UInt8]? { names[tid] }

    /// A COMM record.
    mutating func take(_ event: PerfCommEvent) { names[event.tid] = event.command }

    /// A FORK record: the new thread starts with its parent thread's name.
    mutating func fork(_ event: PerfTaskEvent) {
        if let parent = names[event.parentTID] { names[event.tid] = parent } else { names[event.tid] = nil }
    }
}
