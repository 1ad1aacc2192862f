import SystemPackage

/// Finding the syscall tracepoints through tracefs: the ids perf_event_open
/// needs and the layout of their raw data, which differ between kernels.
///
/// tracefs is read where it is mounted (/sys/kernel/tracing, or
/// /sys/kernel/debug/tracing). Where it is not, it is mounted on a private
/// temporary directory just long enough to read the few files, then
/// unmounted: the ids stay valid, and the machine is left as it was.
enum Tracefs {
    /// Where tracefs is usually mounted.
    static let mountPoints = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]
    /// statfs's f_type of tracefs (TRACEFS_MAGIC).
    static let magic = 0x7472_6163

    /// The tracepoints of `calls` (entry and exit of each).
    ///
    /// - Throws: `TrackingDenial` when tracefs cannot be found, mounted or
    ///   read, or lacks a tracepoint.
    static func syscallTracepoints(_ calls: [SyscallTracepoint.Call] = SyscallTracepoint.Call.allCases,
                                   system: SystemCalls) throws(TrackingDenial) -> [SyscallTracepoint] {
        var unreadable: Errno?
        for directory in mountPoints where isTracefs(directory, system: system) {
            switch read(calls, in: directory, system: system) {
            case .success(let tracepoints): return tracepoints
            case .failure(.tracefsUnreadable(let errno)): unreadable = errno
            case .failure(let denial): throw denial
            }
        }
        if let unreadable { throw TrackingDenial.tracefsUnreadable(unreadable) }
        return try withPrivateMount(system: system) { (directory) throws(TrackingDenial) in
            try read(calls, in: directory, system: system).get()
        }
    }

    /// Whether `path` is a mounted tracefs.
    static func isTracefs(_ path: String, system: SystemCalls) -> Bool {
        (try? path.withCStringTyped { (name) throws(Errno) in try system.fileSystemType(name) }) == magic
    }

    private static func read(_ calls: [SyscallTracepoint.Call], in directory: String, system: SystemCalls)
        -> Result<[SyscallTracepoint], TrackingDenial>
    {
        var tracepoints: [SyscallTracepoint] = []
        for call in calls {
            for isEntry in [true, false] {
                var tracepoint = SyscallTracepoint(call: call, isEntry: isEntry, id: 0, fields: [])
                let eventDirectory = "\(directory)/events/syscalls/\(tracepoint.name)"
                let idText: String
                switch TextFile.read(eventDirectory + "/id", system: system) {
                case .success(let text): idText = text
                case .failure(let errno) where errno == .noSuchFileOrDirectory:
                    return .failure(.noSyscallTracepoint(tracepoint.name))
                case .failure(let errno):
                    return .failure(.tracefsUnreadable(errno))
                }
                guard let id = UInt64(idText.filter { !$0.isWhitespace }),
                    case .success(let format) = TextFile.read(eventDirectory + "/format", system: system),
                    let fields = SyscallTracepoint.fields(named: isEntry ? call.argumentNames : ["ret"], inFormat: format)
                else { return .failure(.noSyscallTracepoint(tracepoint.name)) }
                tracepoint.id = id
                tracepoint.fields = fields
                tracepoints.append(tracepoint)
            }
        }
        return .success(tracepoints)
    }

    /// Mounts tracefs on a new temporary directory, runs `body` with it,
    /// then unmounts it and removes the directory.
    private static func withPrivateMount<Value>(system: SystemCalls, _ body: (String) throws(TrackingDenial) -> Value)
        throws(TrackingDenial) -> Value
    {
        var template = Array("/tmp/vmasnap-tracefs-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            Result { () throws(Errno) in try system.makeTemporaryDirectory(buffer.baseAddress!) }
        }
        if case .failure(let errno) = made { throw TrackingDenial.noTracefs(errno) }
        let directory = String(cString: template)
        defer { try? directory.withCStringTyped { (path) throws(Errno) in try system.removeDirectory(path) } }
        do throws(Errno) {
            try directory.withCStringTyped { (target) throws(Errno) in try system.mountPseudoFileSystem("tracefs", target) }
        } catch {
            throw TrackingDenial.noTracefs(error)
        }
        defer { try? directory.withCStringTyped { (target) throws(Errno) in try system.unmountDetached(target) } }
        return try body(directory)
    }
}
