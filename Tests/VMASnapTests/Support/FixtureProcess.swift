import Foundation

/// A running `vmasnap-fixture`, driven line by line through its stdin.
/// Every command answers one line; `send` returns its fields after "ok".
/// Unchecked Sendable: a test drives it from one place at a time (a system
/// call hook may kill it from inside a walk).
final class FixtureProcess: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var pending = Data()

    /// The fixture's pid.
    var pid: Int32 { process.processIdentifier }

    /// Starts the fixture (or another executable) with its stdin and stdout piped to the test.
    init(executable: String = BuildProducts.fixture, arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // Until the child has exec'd, /proc/PID/maps describes its parent's
        // address space: wait for the fixture's first answer.
        if executable == BuildProducts.fixture { try send("ping") }
    }

    deinit {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Sends one command and returns the fields of its "ok" answer; throws on "error ...".
    @discardableResult
    func send(_ command: String) throws -> [String] {
        input.fileHandleForWriting.write((command + "\n").data(using: .utf8)!)
        let line = try readLine()
        let fields = line.split(separator: " ").map(String.init)
        guard fields.first == "ok" else { throw FixtureError(command: command, answer: line) }
        return Array(fields.dropFirst())
    }

    /// The fields of the next "ok" answer, of a command sent without waiting for it.
    func answer() throws -> [String] {
        let line = try readLine()
        let fields = line.split(separator: " ").map(String.init)
        guard fields.first == "ok" else { throw FixtureError(command: "(earlier command)", answer: line) }
        return Array(fields.dropFirst())
    }

    /// Sends a command that gives no answer (exec, exit).
    func sendWithoutAnswer(_ command: String) {
        input.fileHandleForWriting.write((command + "\n").data(using: .utf8)!)
    }

    /// `exec PATH` of a fixture, which reads commands again: once the old
    /// image has read the line (a command sent before would be lost in its
    /// stdio buffer), the new one is asked for a ping.
    func exec(_ path: String) throws {
        sendWithoutAnswer("exec \(path)")
        var unread: Int32 = 1
        while ioctl(input.fileHandleForWriting.fileDescriptor, UInt(FIONREAD), &unread) == 0 && unread > 0 { usleep(1000) }
        try send("ping")
    }

    /// Kills the fixture and waits for it.
    func kill(signal: Int32 = SIGKILL) {
        Glibc.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    private func readLine() throws -> String {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending = Data(pending[(newline + 1)...])
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw FixtureError(command: "(read)", answer: "end of output") }
            pending.append(chunk)
        }
    }
}

/// The fixture answered "error ..." or stopped answering.
struct FixtureError: Error, CustomStringConvertible {
    var command: String
    var answer: String
    var description: String { "fixture command '\(command)' failed: \(answer)" }
}

extension FixtureProcess {
    /// A library the fixture loaded: its handle and r-x segment, and a code address in it.
    struct LoadedLibrary {
        var handle: Int
        var start: UInt64
        var end: UInt64
        var code: UInt64
        var time: Int64
    }

    /// `dlopen PATH`.
    func dlopen(_ path: String) throws -> LoadedLibrary {
        let fields = try send("dlopen \(path)")
        return LoadedLibrary(
            handle: Int(fields[0])!, start: UInt64(fields[1].dropFirst(2), radix: 16)!,
            end: UInt64(fields[2].dropFirst(2), radix: 16)!, code: UInt64(fields[3].dropFirst(2), radix: 16)!,
            time: Int64(fields[4])!)
    }
}
