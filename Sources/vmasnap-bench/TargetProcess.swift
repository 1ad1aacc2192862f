import Foundation

/// A benchmark target: the fixture (compiled with plain cc, so that its own
/// address space has only itself, libc and ld.so) with N anonymous VMAs that
/// cannot merge and K executable file-backed mappings.
final class TargetProcess {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    var pid: Int32 { process.processIdentifier }

    init(fixture: String, anonymous: Int, executable: Int, mappedFile: String) throws {
        process.executableURL = URL(fileURLWithPath: fixture)
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        _ = try send("ping")
        _ = try send("anon \(anonymous)")
        // The fixture itself, libc and ld.so are executable already. The rest
        // are distinct files (copies, each its own inode), as a real process's
        // libraries are.
        let base = try MapsCount.executableFileBacked(pid: pid)
        for path in try TargetProcess.copies(of: mappedFile, count: max(0, executable - base)) {
            _ = try send("mmap \(path)")
        }
    }

    /// `count` copies of `file` in a temporary directory, made once.
    static func copies(of file: String, count: Int) throws -> [String] {
        let directory = NSTemporaryDirectory() + "vmasnap-bench-copies"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try (0..<count).map { index in
            let path = "\(directory)/copy\(index).so"
            if !FileManager.default.fileExists(atPath: path) { try FileManager.default.copyItem(atPath: file, toPath: path) }
            return path
        }
    }

    deinit {
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    func send(_ command: String) throws -> String {
        input.fileHandleForWriting.write((command + "\n").data(using: .utf8)!)
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first else { throw BenchmarkError("fixture stopped answering '\(command)'") }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("ok") else { throw BenchmarkError("fixture: '\(command)' answered '\(text)'") }
        return text
    }
}

/// Counting lines of /proc/PID/maps, independently of vmasnap.
enum MapsCount {
    static func lines(pid: Int32) throws -> [Substring] {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(pid)/maps"))
        defer { try? handle.close() }
        let text = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        return text.split(separator: "\n")
    }

    static func executableFileBacked(pid: Int32) throws -> Int {
        try lines(pid: pid).filter { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return fields.count >= 5 && fields[1].dropFirst(2).first == "x" && fields[4] != "0"
        }.count
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
