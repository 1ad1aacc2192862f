import SystemPackage

/// Lists the processes in /proc and reads their /proc/PID/stat, cheaply: one
/// directory descriptor kept open and rewound each round, one buffer reused
/// for every stat file and one for the directory's entries.
///
/// The recorder finds the descendants of a command from the parent pids,
/// because /proc/PID/task/TID/children does not exist on every kernel.
final class ProcessDirectory {
    private let system: SystemCalls
    private let directory: OwnedDescriptor
    private let buffer: UnsafeMutableRawBufferPointer
    private let entries: UnsafeMutableRawBufferPointer
    private let pathBuffer: UnsafeMutablePointer<CChar>

    /// Opens /proc.
    ///
    /// - Throws: `CaptureError.system` when /proc cannot be opened.
    init(system: SystemCalls = .live) throws {
        self.system = system
        do throws(Errno) {
            directory = try OwnedDescriptor.open("/proc", .readOnly, options: .directory, system: system)
        } catch {
            throw CaptureError.system(SystemError(.listDirectory, "/proc", error))
        }
        buffer = .allocate(byteCount: 2048, alignment: 8)
        entries = .allocate(byteCount: 32768, alignment: 8)
        pathBuffer = .allocate(capacity: 32)
    }

    deinit {
        buffer.deallocate()
        entries.deallocate()
        pathBuffer.deallocate()
    }

    /// Every process (thread group) now in /proc, in directory order. A
    /// process that exits while it is listed is left out.
    func scan() -> [ProcessStat] {
        var found: [ProcessStat] = []
        found.reserveCapacity(256)
        guard (try? system.seek(directory.descriptor, 0, .start)) != nil else { return found }
        // linux_dirent64: u64 inode, s64 offset, u16 record length, u8 type, name (NUL-terminated).
        while let count = try? system.readDirectory(directory.descriptor, entries), count > 0 {
            var position = 0
            while position + 19 < count {
                let length = Int(entries.loadUnaligned(fromByteOffset: position + 16, as: UInt16.self))
                guard length > 0, position + length <= count else { break }
                let name = UnsafeRawBufferPointer(rebasing: entries[(position + 19)..<(position + length)])
                if let pid = ProcessDirectory.decimal(name), let stat = stat(pid: pid) { found.append(stat) }
                position += length
            }
        }
        return found
    }

    /// The /proc/PID/stat of process `pid`, or nil if there is none (or it is
    /// a thread ID rather than a process: those are readable but not listed,
    /// and are taken as given).
    func stat(pid: Int32) -> ProcessStat? {
        guard pid > 0 else { return nil }
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
        return ProcessStat.read(pathBuffer, in: directory.descriptor, buffer: buffer, system: system)
    }

    /// The value of a NUL-terminated all-digits name, such as a /proc entry; nil otherwise.
    static func decimal(_ name: UnsafeRawBufferPointer) -> Int32? {
        var length = 0
        while length < name.count && name[length] != 0 { length += 1 }
        guard let value = Decimal.parse(UnsafeRawBufferPointer(rebasing: name[0..<length])), value > 0 else { return nil }
        return Int32(exactly: value)
    }

    /// The target of /proc/PID/exe, or nil when it cannot be read (another
    /// user's process, a kernel thread, an exited one).
    func executable(pid: Int32) -> MappedPath? {
        var target = [UInt8](repeating: 0, count: 4097)
        let length = try? "\(pid)/exe".withCStringTyped { (path) throws(Errno) in
            try target.withUnsafeMutableBytesTyped { (raw) throws(Errno) in try system.readLink(directory.descriptor, path, raw) }
        }
        guard let length, length > 0, length < target.count else { return nil }
        return MappedPath(bytes: Array(target[0..<length]))
    }
}
