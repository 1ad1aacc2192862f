import SystemPackage

/// The fields vmasnap needs from /proc/PID/stat, parsed in one place for the
/// live commands and the recorder's rounds.
public struct ProcessStat: Hashable, Sendable {
    /// The process ID.
    public var pid: Int32
    /// The command name between the parentheses (may itself contain ")" and spaces).
    public var command: [UInt8]
    /// The state letter (R, S, Z, ...).
    public var state: UInt8
    /// The parent's pid (0 for init and kthreadd).
    public var parentPID: Int32
    /// The kernel's PF_* flags (field 9).
    public var flags: UInt64
    /// Start time in clock ticks after boot (field 22).
    public var startTime: UInt64

    /// PF_KTHREAD: a kernel thread, with no user memory.
    static let kernelThreadFlag: UInt64 = 0x0020_0000

    /// pid and start time.
    public var identity: ProcessIdentity { ProcessIdentity(pid: pid, startTime: startTime) }

    /// Whether it is a kernel thread (no user address space).
    public var isKernelThread: Bool { flags & ProcessStat.kernelThreadFlag != 0 }

    /// Reads /proc/PID/stat; nil when the process is gone or the text is malformed.
    public static func read(pid: Int32) -> ProcessStat? {
        var buffer = [UInt8](repeating: 0, count: 1024)
        return buffer.withUnsafeMutableBytes { read("/proc/\(pid)/stat", in: nil, buffer: $0, system: .live) }
    }

    /// Reads the stat file at `path` (relative to `directory` when given)
    /// into `buffer`, which must hold it; nil when it cannot be read or parsed.
    static func read(
        _ path: UnsafePointer<CChar>, in directory: FileDescriptor?, buffer: UnsafeMutableRawBufferPointer,
        system: SystemCalls
    ) -> ProcessStat? {
        // Opened, read and closed here (a descriptor that does not outlive the
        // call needs no owner object: every round of `record -a` reads every stat).
        guard let descriptor = try? system.open(path, directory, .readOnly, .closeOnExec, nil) else { return nil }
        defer { try? system.close(descriptor) }
        guard let count = try? system.read(descriptor, buffer), count > 0 else { return nil }
        return parse(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }

    /// Reads the stat file at `path` (see `read(_:in:buffer:system:)`).
    static func read(_ path: String, in directory: FileDescriptor?, buffer: UnsafeMutableRawBufferPointer, system: SystemCalls)
        -> ProcessStat?
    {
        path.withCString { read($0, in: directory, buffer: buffer, system: system) }
    }

    /// Parses the text of /proc/PID/stat.
    public static func parse(_ text: [UInt8]) -> ProcessStat? {
        text.withUnsafeBytes { parse($0) }
    }

    /// Parses the text of /proc/PID/stat. The command ends at the last ")"
    /// because a process may put ")" in its own name; of the fields after it,
    /// only the state, parent, flags and start time are read. Plain index
    /// loops, no allocation but the command: every round of `record -a`
    /// parses every process's.
    static func parse(_ text: UnsafeRawBufferPointer) -> ProcessStat? {
        var open = 0
        while open < text.count && text[open] != StatFields.openParenthesis { open += 1 }
        var close = text.count - 1
        while close > open && text[close] != StatFields.closeParenthesis { close -= 1 }
        guard open < close else { return nil }
        var fields = StatFields(text: text, position: 0)
        guard let pid = fields.number(), fields.position <= open, let pid = Int32(exactly: pid) else { return nil }
        // Fields after ")": 0 state (field 3), 1 ppid, 6 flags (field 9), 19 start time (field 22).
        fields.position = close + 1
        guard let state = fields.next(), state.count == 1, let parent = fields.number(),
            let parentPID = Int32(exactly: parent)
        else { return nil }
        for _ in 2..<6 { guard fields.next() != nil else { return nil } }
        guard let flags = fields.number() else { return nil }
        for _ in 7..<19 { guard fields.next() != nil else { return nil } }
        guard let start = fields.number() else { return nil }
        return ProcessStat(
            pid: pid, command: Array(UnsafeRawBufferPointer(rebasing: text[(open + 1)..<close])),
            state: text[state.lowerBound], parentPID: parentPID, flags: flags, startTime: start)
    }
}

/// The space-separated fields of a stat line.
private struct StatFields {
    let text: UnsafeRawBufferPointer
    var position: Int

    // Constants rather than UInt8(ascii:), which debug builds call per byte.
    static let space: UInt8 = 0x20
    static let newline: UInt8 = 0x0A
    static let openParenthesis: UInt8 = 0x28
    static let closeParenthesis: UInt8 = 0x29

    /// The next field's range.
    mutating func next() -> Range<Int>? {
        while position < text.count && text[position] == StatFields.space { position += 1 }
        let start = position
        while position < text.count && text[position] != StatFields.space && text[position] != StatFields.newline {
            position += 1
        }
        return position > start ? start..<position : nil
    }

    /// The next field as a decimal number; nil when it is not one (or overflows).
    mutating func number() -> UInt64? {
        guard let field = next() else { return nil }
        return Decimal.parse(UnsafeRawBufferPointer(rebasing: text[field]))
    }
}
