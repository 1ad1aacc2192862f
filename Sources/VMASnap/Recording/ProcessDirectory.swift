#if canImport(Glibc)
import Glibc
#endif

/// Lists the processes in /proc and reads the few /proc/PID/stat fields a
/// recording round needs, cheaply: one directory kept open and rewound each
/// round, one buffer reused for every stat file, and only the pid, state,
/// parent, flags and start time parsed (no strings, no allocation per field).
///
/// The recorder finds the descendants of a command from the parent pids,
/// because /proc/PID/task/TID/children does not exist on every kernel.
final class ProcessDirectory {
    private let system: SystemCalls
    private let directory: OpaquePointer
    private let directoryFD: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private let pathBuffer: UnsafeMutablePointer<CChar>

    /// PF_KTHREAD in the flags field: a kernel thread, with no user memory.
    static let kernelThreadFlag: UInt64 = 0x0020_0000

    /// Opens /proc.
    init(system: SystemCalls = .live) throws {
        self.system = system
        guard let directory = opendir("/proc") else {
            throw CaptureError.system(SystemError(.listDirectory, "/proc", Errno.current))
        }
        self.directory = directory
        directoryFD = dirfd(directory)
        buffer = .allocate(byteCount: 2048, alignment: 8)
        pathBuffer = .allocate(capacity: 32)
    }

    deinit {
        closedir(directory)
        buffer.deallocate()
        pathBuffer.deallocate()
    }

    /// Every process (thread group) now in /proc, in directory order. A
    /// process that exits while it is listed is left out.
    func scan() -> [ProcessEntry] {
        var entries: [ProcessEntry] = []
        entries.reserveCapacity(256)
        rewinddir(directory)
        while let item = readdir(directory) {
            let pid = withUnsafeBytes(of: &item.pointee.d_name) { ProcessDirectory.decimal($0) }
            guard let pid, let entry = entry(pid: pid) else { continue }
            entries.append(entry)
        }
        return entries
    }

    /// The stat fields of process `pid`, or nil if there is none (or it is a
    /// thread ID rather than a process: those are readable but not listed,
    /// and are taken as given).
    func entry(pid: Int32) -> ProcessEntry? {
        // "PID/stat", written into a buffer kept for it rather than a new String.
        var digits = 0
        var value = pid
        repeat {
            digits += 1
            value /= 10
        } while value > 0
        value = pid
        for index in stride(from: digits - 1, through: 0, by: -1) {
            pathBuffer[index] = CChar(UInt8(ascii: "0") + UInt8(value % 10))
            value /= 10
        }
        for (index, byte) in "/stat".utf8.enumerated() { pathBuffer[digits + index] = CChar(byte) }
        pathBuffer[digits + 5] = 0
        let opened = valueOrErrno { system.openat(directoryFD, pathBuffer, O_RDONLY | O_CLOEXEC, 0) }
        guard case .success(let fd) = opened else { return nil }
        defer { _ = system.close(fd) }
        let count = valueOrErrno { system.read(fd, buffer.baseAddress, buffer.count) }
        guard case .success(let bytes) = count, bytes > 0 else { return nil }
        return ProcessDirectory.parseStat(UnsafeRawBufferPointer(rebasing: buffer[0..<bytes]), pid: pid)
    }

    /// Parses the fields after the command name, which ends at the last ")"
    /// because a process may put ")" in its own name.
    static func parseStat(_ text: UnsafeRawBufferPointer, pid: Int32) -> ProcessEntry? {
        var close = text.count - 1
        while close >= 0 && text[close] != UInt8(ascii: ")") { close -= 1 }
        guard close >= 0 else { return nil }
        // Fields after ")": 0 state (field 3), 1 ppid, 6 flags (field 9), 19 start time (field 22).
        var field = -1
        var index = close + 1
        var state: UInt8 = 0
        var parent: UInt64 = 0
        var flags: UInt64 = 0
        while index < text.count && field < 19 {
            while index < text.count && text[index] == UInt8(ascii: " ") { index += 1 }
            guard index < text.count else { break }
            field += 1
            let start = index
            var value: UInt64 = 0
            var numeric = true
            while index < text.count && text[index] != UInt8(ascii: " ") && text[index] != UInt8(ascii: "\n") {
                let byte = text[index]
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") && value < UInt64.max / 10 - 10 {
                    value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
                } else {
                    numeric = false
                }
                index += 1
            }
            switch field {
            case 0: state = text[start]
            case 1: guard numeric else { return nil }; parent = value
            case 6: guard numeric else { return nil }; flags = value
            case 19:
                guard numeric else { return nil }
                return ProcessEntry(
                    identity: ProcessIdentity(pid: pid, startTime: value),
                    parentPID: Int32(truncatingIfNeeded: parent), state: state,
                    isKernelThread: flags & kernelThreadFlag != 0)
            default: break
            }
            if index < text.count && text[index] == UInt8(ascii: "\n") { break }
        }
        return nil
    }

    /// The value of a NUL-terminated all-digits name, such as a /proc entry; nil otherwise.
    static func decimal(_ name: UnsafeRawBufferPointer) -> Int32? {
        var value: Int32 = 0
        var index = 0
        while index < name.count && name[index] != 0 {
            let byte = name[index]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"), value < Int32.max / 10 - 1 else { return nil }
            value = value * 10 + Int32(byte - UInt8(ascii: "0"))
            index += 1
        }
        return index > 0 && value > 0 ? value : nil
    }

    /// The target of /proc/PID/exe, or nil when it cannot be read (another
    /// user's process, a kernel thread, an exited one).
    func executable(pid: Int32) -> MappedPath? {
        var target = [CChar](repeating: 0, count: 4097)
        let path = "\(pid)/exe"
        let count = path.withCString { cPath in
            target.withUnsafeMutableBufferPointer { raw in
                valueOrErrno { system.readlinkat(directoryFD, cPath, raw.baseAddress!, raw.count) }
            }
        }
        guard case .success(let length) = count, length > 0, length < target.count else { return nil }
        return MappedPath(bytes: target[0..<length].map { UInt8(bitPattern: $0) })
    }
}
