/// A hand-written parser of /proc/PID/maps lines: about 25 ns a line, where
/// sscanf takes 430.
///
/// A line is `START-END PERMS OFFSET MAJOR:MINOR INODE [PATH]`, numbers in hex
/// but the inode in decimal; the path, after padding, runs to the end of the
/// line and may contain spaces. The kernel writes a newline in a path as
/// `\012`, which is turned back into a newline here.
public enum MapsTextParser {
    /// One parsed line.
    public struct Line {
        /// The mapping's first address.
        public var start: UInt64
        /// The address past its end.
        public var end: UInt64
        /// The permission bits.
        public var permissions: MappingPermissions
        /// The file offset of `start`.
        public var offset: UInt64
        /// The file's device.
        public var device: DeviceNumber
        /// The file's inode.
        public var inode: UInt64
        /// The path or pseudo-name, unescaped; empty for anonymous memory.
        public var pathBytes: [UInt8]
    }

    /// Calls `body` with every executable, file-backed line of `text`:
    /// executable, with an inode or a device (anonymous memory and names such
    /// as [vdso] have neither). Malformed lines are skipped.
    public static func forEachExecutableFileLine(_ text: UnsafeBufferPointer<UInt8>, _ body: (Line) -> Void) {
        guard let base = text.baseAddress else { return }
        var position = 0
        let count = text.count
        while position < count {
            // memchr finds line and field ends many bytes at a time; most lines
            // are rejected by their permission field's "x" without more work.
            let lineEnd = ByteSearch.first(UInt8(ascii: "\n"), in: base + position, count: count - position)
                .map { position + $0 } ?? count
            if let space = ByteSearch.first(UInt8(ascii: " "), in: base + position, count: lineEnd - position) {
                let permissions = position + space + 1
                if permissions + 2 < lineEnd && text[permissions + 2] == UInt8(ascii: "x"),
                    let line = parse(text, from: position, to: lineEnd, executableOnly: true),
                    line.inode != 0 || line.device.major != 0 || line.device.minor != 0
                {
                    body(line)
                }
            }
            position = lineEnd + 1
        }
    }

    /// Parses every line of `text`, executable or not.
    public static func allLines(_ text: [UInt8]) -> [Line] {
        var lines: [Line] = []
        text.withUnsafeBufferPointer { buffer in
            var position = 0
            while position < buffer.count {
                var lineEnd = position
                while lineEnd < buffer.count && buffer[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                if let line = parse(buffer, from: position, to: lineEnd, executableOnly: false) { lines.append(line) }
                position = lineEnd + 1
            }
        }
        return lines
    }

    @inline(__always)
    private static func parse(
        _ text: UnsafeBufferPointer<UInt8>, from lineStart: Int, to lineEnd: Int, executableOnly: Bool
    ) -> Line? {
        var position = lineStart
        @inline(__always) func hex(until terminator: UInt8) -> UInt64? {
            var value: UInt64 = 0
            let first = position
            while position < lineEnd, text[position] != terminator {
                guard let nibble = Hex.value(of: text[position]), position - first < 16 else { return nil }
                value = value << 4 | UInt64(nibble)
                position += 1
            }
            guard position > first, position < lineEnd else { return nil }
            position += 1
            return value
        }
        guard let start = hex(until: UInt8(ascii: "-")), let end = hex(until: UInt8(ascii: " ")) else { return nil }
        guard position + 5 <= lineEnd, text[position + 4] == UInt8(ascii: " ") else { return nil }
        if executableOnly && text[position + 2] != UInt8(ascii: "x") { return nil }
        guard let permissions = MappingPermissions(maps: UnsafeBufferPointer(rebasing: text[position..<position + 4]))
        else { return nil }
        position += 5
        guard let offset = hex(until: UInt8(ascii: " ")), let major = hex(until: UInt8(ascii: ":")),
            let minor = hex(until: UInt8(ascii: " "))
        else { return nil }
        let inodeStart = position
        while position < lineEnd, text[position] != UInt8(ascii: " ") { position += 1 }
        guard let inode = Decimal.parse(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: text[inodeStart..<position]))) else {
            return nil
        }
        while position < lineEnd, text[position] == UInt8(ascii: " ") { position += 1 }
        return Line(
            start: start, end: end, permissions: permissions, offset: offset,
            device: DeviceNumber(major: UInt32(truncatingIfNeeded: major), minor: UInt32(truncatingIfNeeded: minor)),
            inode: inode, pathBytes: unescape(UnsafeBufferPointer(rebasing: text[position..<lineEnd])))
    }

    /// Turns the kernel's `\012` back into a newline.
    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var bytes = Array(raw)
        guard bytes.count >= 4, bytes.contains(0x5C) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x5C, index + 3 < bytes.count, bytes[index + 1] == UInt8(ascii: "0"),
                bytes[index + 2] == UInt8(ascii: "1"), bytes[index + 3] == UInt8(ascii: "2")
            {
                output.append(UInt8(ascii: "\n"))
                index += 4
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        bytes = output
        return bytes
    }
}
