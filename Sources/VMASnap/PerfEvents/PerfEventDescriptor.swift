/// An open perf event, closed when this goes away.
final class PerfEventDescriptor {
    /// The descriptor.
    let fd: Int32
    /// The task it was opened on (-1: every task on its CPU).
    let pid: Int32
    /// Its CPU.
    let cpu: Int32
    private let system: SystemCalls

    /// PERF_FLAG_FD_CLOEXEC: no command the recorder starts inherits the event.
    static let closeOnExec: UInt = 8

    /// Opens `attribute` on `pid` and `cpu`.
    ///
    /// - Returns: the event, or the errno of perf_event_open.
    static func open(_ attribute: PerfEventAttribute, pid: Int32, cpu: Int32, system: SystemCalls) -> Result<PerfEventDescriptor, Errno> {
        let bytes = attribute.encoded()
        let result = bytes.withUnsafeBytes { raw in
            valueOrErrno { system.perfEventOpen(raw.baseAddress!, pid, cpu, -1, closeOnExec) }
        }
        return result.map { PerfEventDescriptor(fd: $0, pid: pid, cpu: cpu, system: system) }
    }

    private init(fd: Int32, pid: Int32, cpu: Int32, system: SystemCalls) {
        self.fd = fd
        self.pid = pid
        self.cpu = cpu
        self.system = system
    }

    deinit { _ = system.close(fd) }

    /// Sends this event's records to `owner`'s ring buffer (same CPU, same clock).
    func setOutput(to owner: PerfEventDescriptor) -> Result<Int32, Errno> {
        valueOrErrno { system.perfEventSetOutput(fd, owner.fd) }
    }

    /// Starts it (and the events its task's children inherited from it).
    func enable() -> Result<Int32, Errno> {
        valueOrErrno { system.perfEventEnable(fd) }
    }

    /// The id its records carry (children's records carry their parent's).
    func id() -> Result<UInt64, Errno> {
        var value: UInt64 = 0
        return valueOrErrno { system.perfEventID(fd, &value) }.map { _ in value }
    }
}
