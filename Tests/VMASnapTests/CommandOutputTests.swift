import Foundation
import Testing
@testable import VMASnap

/// The command line's own descriptors: write errors on stdout, a closed pipe,
/// descriptors 0-2 closed at start, and arguments refused before anything is
/// created.
@Suite struct CommandOutputTests {
    /// A small finished recording to print.
    static func recording(_ name: String) throws -> String {
        let path = RecordingReaderTests.temporaryPath(name)
        _ = try SyntheticRecording.write(to: path, seed: 5, rounds: 30, maximumProcesses: 3)
        return path
    }

    /// Runs vmasnap with stdout on `output`; its status and stderr.
    static func run(_ arguments: [String], output: FileHandle) throws -> (status: Int32, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuildProducts.vmasnap)
        process.arguments = arguments
        process.standardOutput = output
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return (status, text)
    }

    @Test(arguments: [["dump"], ["dump", "--json"], ["info"], ["timeline"]])
    func aWriteErrorOnStandardOutputIsAnError(command: [String]) throws {
        let path = try Self.recording("full")
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let (status, errors) = try Self.run([command[0], path] + command.dropFirst(), output: full)
        #expect(status == 1)
        #expect(errors == "vmasnap: cannot write standard output: No space left on device (ENOSPC)\n")
    }

    @Test(arguments: [["dump"], ["timeline", "--json"]])
    func aClosedPipeEndsQuietly(command: [String]) throws {
        let path = try Self.recording("pipe")
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let (status, errors) = try Self.run([command[0], path] + command.dropFirst(), output: pipe.fileHandleForWriting)
        #expect(status == 141)
        #expect(errors.isEmpty)
    }

    @Test func closedStandardDescriptorsNeverBecomeTheRecording() throws {
        let fixture = try FixtureProcess()
        let path = RecordingReaderTests.temporaryPath("closed-fds")
        // stdin, stdout and stderr closed: the recording would otherwise be descriptor 0, 1 or 2,
        // and the summary line (and a command's output) would land in it.
        let script = "exec \(BuildProducts.vmasnap) record -p \(fixture.pid) --interval 10ms --duration 300ms -o \(path) <&- >&- 2>&-"
        let shell = try CommandResult.run(["-c", script], executable: "/bin/sh")
        #expect(shell.status == 0)
        let reader = try RecordingReader(path: path)
        #expect(reader.truncation == nil)
        #expect(reader.processes.map(\.identity.pid) == [fixture.pid])
        let withCommand = "exec \(BuildProducts.vmasnap) record --interval 10ms -o \(path) -- /bin/echo into-the-void >&- 2>&-"
        #expect(try CommandResult.run(["-c", withCommand], executable: "/bin/sh").status == 0)
        let second = try RecordingReader(path: path)
        #expect(second.truncation == nil)
        #expect(second.verify() == nil)
    }

    @Test(arguments: [
        ["--duration", "9223372036s"], ["--interval", "9223372036s", "--duration", "1s"], ["--duration", "106752d"],
        ["--interval", "101000000h"],
    ])
    func aDurationTooLargeIsAUsageErrorBeforeAnythingIsTouched(options: [String]) throws {
        let directory = TestLibraries.directory.appendingPathComponent("too-long-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/kept.data"
        try "precious".write(toFile: path, atomically: false, encoding: .utf8)
        let result = try CommandResult.run(["record", "-a", "-o", path] + options)
        #expect(result.status == 64)
        #expect(result.standardError.split(separator: "\n").count == 1)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["kept.data"])
    }

    @Test func aRecordingWithADurationEndsWithARoundAtItsEnd() throws {
        let fixture = try FixtureProcess()
        let path = RecordingReaderTests.temporaryPath("last-round")
        let result = try CommandResult.run(
            ["record", "-p", "\(fixture.pid)", "--interval", "200ms", "--duration", "500ms", "-o", path])
        #expect(result.status == 0)
        let reader = try RecordingReader(path: path)
        let rounds = reader.records().compactMap { record -> Int64? in
            switch record {
            case .round(let time): return time
            case .quiet(_, _, let last): return last
            default: return nil
            }
        }
        // Rounds at 0, 200 and 400 ms (fewer if the machine is slow), and one at 500 ms.
        #expect(reader.summary.rounds >= 2 && reader.summary.rounds <= 4)
        let first = try #require(reader.summary.firstTime)
        #expect(try #require(rounds.last) - first >= 450_000_000)
        #expect(try #require(reader.summary.lastTime) - first >= 450_000_000)
    }
}
