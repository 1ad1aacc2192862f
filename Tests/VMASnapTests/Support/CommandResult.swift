import Foundation

/// The outcome of running a command to completion.
struct CommandResult {
    var status: Int32
    var standardOutput: String
    var standardError: String

    /// Runs `executable` (the vmasnap CLI by default) with `arguments`, optionally as another user.
    static func run(_ arguments: [String], executable: String = BuildProducts.vmasnap, input: String? = nil)
        throws -> CommandResult
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input.data(using: .utf8)!) }
        try? stdin.fileHandleForWriting.close()
        // Read both pipes concurrently so a large output cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errorBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorBox.data = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errorData = errorBox.data
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }

    /// The non-empty lines of standard output.
    var lines: [String] { standardOutput.split(separator: "\n").map(String.init) }
}
