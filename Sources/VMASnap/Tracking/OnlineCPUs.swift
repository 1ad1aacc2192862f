/// The CPUs per-CPU events are opened on: the online ones, from
/// /sys/devices/system/cpu/online ("0-3,8"), or where sysfs cannot be read
/// the ones this process may run on (sched_getaffinity).
///
/// A task can run on any online CPU (it may change its own affinity), so
/// every online CPU gets an event. CPUs brought online later are not covered.
enum OnlineCPUs {
    /// The CPU numbers, ascending.
    static func list(system: SystemCalls) -> [Int32] {
        if case .success(let text) = TextFile.read("/sys/devices/system/cpu/online", system: system),
            let cpus = parse(text), !cpus.isEmpty
        {
            return cpus
        }
        if let cpus = try? system.affinity(0), !cpus.isEmpty { return cpus }
        return [0]
    }

    /// Parses the kernel's CPU list format: ranges and single numbers,
    /// comma-separated. Nil when the text is not one.
    static func parse(_ text: String) -> [Int32]? {
        var cpus: [Int32] = []
        for item in text.split(whereSeparator: { $0 == "," || $0.isWhitespace }) {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2, let low = Int32(bounds[0]), let high = bounds.count == 2 ? Int32(bounds[1]) : low,
                low >= 0, low <= high, high < 1 << 16
            else { return nil }
            cpus.append(contentsOf: low...high)
        }
        return cpus
    }
}
