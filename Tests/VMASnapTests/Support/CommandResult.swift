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
        // Write the input on its own thread: a child that answers before it
        // has read everything would otherwise fill its output pipe and stall.
        let writer = stdin.fileHandleForWriting
        let inputData = input.map { Data($0.utf8) }
        let inputDone = DispatchGroup()
        inputDone.enter()
        DispatchQueue.global().async {
            if let inputData { try? writer.write(contentsOf: inputData) }
            try? writer.close()
            inputDone.leave()
        }
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
        inputDone.wait()
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
