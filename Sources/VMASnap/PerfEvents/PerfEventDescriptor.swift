import SystemPackage

/// An open perf event, closed when this goes away.
final class PerfEventDescriptor {
    /// The descriptor.
    let descriptor: FileDescriptor
    /// The task it was opened on (-1: every task on its CPU).
    let pid: Int32
    /// Its CPU.
    let cpu: Int32
    private let system: SystemCalls

    /// Opens `attribute` on `pid` and `cpu`, close-on-exec (no command the
    /// recorder starts inherits it).
    ///
    /// - Returns: the event, or the errno of perf_event_open.
    static func open(_ attribute: PerfEventAttribute, pid: Int32, cpu: Int32, system: SystemCalls) -> Result<PerfEventDescriptor, Errno> {
        let bytes = attribute.encoded()
        return Result { () throws(Errno) in
            let descriptor = try bytes.withUnsafeBytesTyped { (raw) throws(Errno) in try system.openPerfEvent(raw, pid, cpu) }
            return PerfEventDescriptor(descriptor: descriptor, pid: pid, cpu: cpu, system: system)
        }
    }

    private init(descriptor: FileDescriptor, pid: Int32, cpu: Int32, system: SystemCalls) {
        self.descriptor = descriptor
        self.pid = pid
        self.cpu = cpu
        self.system = system
    }

    deinit { try? system.close(descriptor) }

    /// Sends this event's records to `owner`'s ring buffer (same CPU, same clock).
    func setOutput(to owner: PerfEventDescriptor) -> Result<Void, Errno> {
        Result { () throws(Errno) in try system.setPerfEventOutput(descriptor, owner.descriptor) }
    }

    /// Starts it (and the events its task's children inherited from it).
    func enable() -> Result<Void, Errno> {
        Result { () throws(Errno) in try system.enablePerfEvent(descriptor) }
    }

    /// The id its records carry (children's records carry their parent's).
    func id() -> Result<UInt64, Errno> {
        Result { () throws(Errno) in try system.perfEventID(descriptor) }
    }
}
