import Foundation

/// An independent reading of /proc/PID/maps for the tests to compare
/// against: split on whitespace, no code shared with vmasnap's parser.
struct MapsTextLine: Equatable {
    var start: UInt64
    var end: UInt64
    var perms: String
    var offset: UInt64
    var dev: String
    var inode: UInt64
    var path: String

    static func read(pid: Int32) throws -> [MapsTextLine] {
        // /proc files report size 0: read to end of file.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(pid)/maps"))
        defer { try? handle.close() }
        let text = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5 else { return nil }
            let range = fields[0].split(separator: "-")
            return MapsTextLine(
                start: UInt64(range[0], radix: 16)!, end: UInt64(range[1], radix: 16)!, perms: String(fields[1]),
                offset: UInt64(fields[2], radix: 16)!, dev: String(fields[3]), inode: UInt64(fields[4])!,
                path: fields.count > 5 ? String(fields[5]).trimmingCharacters(in: .whitespaces) : "")
        }
    }

    /// The executable, file-backed lines: what vmasnap must list.
    static func executableFileLines(pid: Int32) throws -> [MapsTextLine] {
        try read(pid: pid).filter { $0.perms.dropFirst(2).first == "x" && $0.inode != 0 }
    }
}
