import Foundation

/// A command started in the background (the vmasnap CLI by default), for
/// tests that signal it or act while it runs; `finish` waits for it and
/// returns what it printed.
final class BackgroundCommand {
    let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private let input = Pipe()
    private final class Box: @unchecked Sendable { var data = Data() }
    private let outputBox = Box()
    private let errorBox = Box()
    private let group = DispatchGroup()

    /// The command's pid.
    var pid: Int32 { process.processIdentifier }

    /// Starts `executable` with `arguments`; stdin is a pipe the test may write to.
    init(_ arguments: [String], executable: String = BuildProducts.vmasnap) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        for (pipe, box) in [(output, outputBox), (errors, errorBox)] {
            group.enter()
            DispatchQueue.global().async { [group] in
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Writes `text` to the command's stdin.
    func send(_ text: String) { input.fileHandleForWriting.write(text.data(using: .utf8)!) }

    /// Closes the command's stdin.
    func closeInput() { try? input.fileHandleForWriting.close() }

    /// Sends `signal` to the command.
    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the command to exit; its status (128+N if signal N killed it) and output.
    func finish() -> CommandResult {
        closeInput()
        process.waitUntilExit()
        group.wait()
        let status = process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
        return CommandResult(
            status: status, standardOutput: String(decoding: outputBox.data, as: UTF8.self),
            standardError: String(decoding: errorBox.data, as: UTF8.self))
    }
}

/// Polls `condition` every 10 ms for up to `seconds`; whether it became true.
func eventually(seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(10_000)
    }
    return try condition()
}

/// The size of the file at `path`, or nil.
func fileSize(_ path: String) -> Int? {
    var status = stat()
    return stat(path, &status) == 0 ? Int(status.st_size) : nil
}

/// A dev_t from major and minor numbers, as glibc's makedev (which Swift does not import).
func makedev(_ major: UInt32, _ minor: UInt32) -> dev_t {
    let major = UInt64(major), minor = UInt64(minor)
    return dev_t((major & 0xFFF) << 8 | (major & ~0xFFF) << 32 | (minor & 0xFF) | (minor & ~0xFF) << 12)
}
