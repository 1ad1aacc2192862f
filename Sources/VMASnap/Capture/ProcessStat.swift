#if canImport(Glibc)
import Glibc
#endif

/// The fields vmasnap needs from /proc/PID/stat.
public struct ProcessStat: Hashable, Sendable {
    /// The process ID.
    public var pid: Int32
    /// The command name between the parentheses (may itself contain ")" and spaces).
    public var command: [UInt8]
    /// The state letter (R, S, Z, ...).
    public var state: UInt8
    /// The parent's pid.
    public var parentPID: Int32
    /// Start time in clock ticks after boot (field 22).
    public var startTime: UInt64

    /// pid and start time.
    public var identity: ProcessIdentity { ProcessIdentity(pid: pid, startTime: startTime) }

    /// Reads /proc/PID/stat; nil when the process is gone or the text is malformed.
    public static func read(pid: Int32) -> ProcessStat? {
        var buffer = [UInt8](repeating: 0, count: 1024)
        let path = "/proc/\(pid)/stat"
        let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let count = buffer.withUnsafeMutableBytes { raw in
            valueOrErrno { Glibc.read(fd, raw.baseAddress, raw.count) }
        }
        guard case .success(let length) = count, length > 0 else { return nil }
        return parse(Array(buffer[0..<length]))
    }

    /// Parses the text of /proc/PID/stat. The command is taken up to the
    /// last ")" because a process may put ")" in its own name.
    public static func parse(_ text: [UInt8]) -> ProcessStat? {
        guard let open = text.firstIndex(of: UInt8(ascii: "(")),
            let close = text.lastIndex(of: UInt8(ascii: ")")), open < close,
            let pid = Int32(String(decoding: text[..<open].filter { $0 != UInt8(ascii: " ") }, as: UTF8.self))
        else { return nil }
        let fields = text[(close + 1)...].split(separator: UInt8(ascii: " "))
        // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
        guard fields.count >= 20, let state = fields[0].first,
            let parent = Int32(String(decoding: fields[1], as: UTF8.self)),
            let start = UInt64(String(decoding: fields[19], as: UTF8.self))
        else { return nil }
        return ProcessStat(
            pid: pid, command: Array(text[(open + 1)..<close]), state: state, parentPID: parent, startTime: start)
    }
}
