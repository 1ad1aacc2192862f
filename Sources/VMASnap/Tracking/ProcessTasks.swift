import SystemPackage

/// Listing numbered entries of /proc: the processes, or a process's threads
/// (/proc/PID/task), through getdents64.
enum ProcessTasks {
    /// The thread ids of `pid`, or nil when the process is gone (or was never).
    static func threads(of pid: Int32, system: SystemCalls) -> [Int32]? {
        numberedEntries("/proc/\(pid)/task", system: system)
    }

    /// Every process id.
    static func processes(system: SystemCalls) -> [Int32] {
        numberedEntries("/proc", system: system) ?? []
    }

    /// The names of `path`'s entries that are decimal numbers.
    static func numberedEntries(_ path: String, system: SystemCalls) -> [Int32]? {
        guard let directory = try? OwnedDescriptor.open(path, .readOnly, options: .directory, system: system) else { return nil }
        var numbers: [Int32] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 * 1024, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            guard let count = try? system.readDirectory(directory.descriptor, buffer), count > 0 else { break }
            // struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, char name[].
            var offset = 0
            while offset + 19 < count {
                let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 16, as: UInt16.self))
                guard length > 19, offset + length <= count else { break }
                var value: Int32 = 0
                var digits = 0
                var index = offset + 19
                while index < offset + length, buffer[index] != 0 {
                    let byte = buffer[index]
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), value < Int32.max / 10 else { digits = -1; break }
                    value = value * 10 + Int32(byte - UInt8(ascii: "0"))
                    digits += 1
                    index += 1
                }
                if digits > 0 { numbers.append(value) }
                offset += length
            }
        }
        return numbers
    }
}
