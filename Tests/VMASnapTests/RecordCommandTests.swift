import Testing
import Foundation
@testable import VMASnap

/// `vmasnap record` end to end: the CLI records real processes into real files.
@Suite struct RecordCommandTests {
    /// A fresh directory for one test's files.
    static func directory(_ label: String, mode: Int = 0o755) throws -> String {
        let path = TestLibraries.directory.appendingPathComponent("record-\(label)-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, mode_t(mode))
        return path
    }

    static let summaryPrefix = "[ vmasnap record: Captured and wrote "

    @Test func theCommandsExitStatusIsVmasnaps() throws {
        let file = try Self.directory("status") + "/t.data"
        let result = try CommandResult.run(["record", "-o", file, "--interval", "10ms", "--", BuildProducts.fixture, "--script", "sleep 300; exit 3"])
        #expect(result.status == 3)
        #expect(result.standardError.contains(Self.summaryPrefix))
        #expect(result.standardError.contains("(") && result.standardError.contains("of 1 process,"))
    }

    @Test func aCommandKilledBySignalGives128PlusTheSignal() throws {
        let file = try Self.directory("killed") + "/t.data"
        let result = try CommandResult.run(["record", "-o", file, "--", "/bin/sh", "-c", "kill -KILL $$"])
        #expect(result.status == 128 + SIGKILL)
    }

    @Test func theCommandKeepsItsStreamsAndStartsWithDefaultSignals() throws {
        let directory = try Self.directory("streams")
        let status = try CommandResult.run(
            ["record", "-o", directory + "/a.data", "--", "/bin/grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status"])
        #expect(status.status == 0)
        // vmasnap blocks SIGINT, SIGTERM and SIGCHLD and ignores SIGXFSZ; the command must not inherit any of it.
        #expect(status.lines == ["SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"])
        let echo = try CommandResult.run(["record", "-o", directory + "/b.data", "--", "/bin/cat"], input: "through stdin\n")
        #expect(echo.standardOutput == "through stdin\n")
        let errors = try CommandResult.run(["record", "-o", directory + "/c.data", "--", "/bin/sh", "-c", "echo to-stderr >&2"])
        #expect(errors.standardError.hasPrefix("to-stderr\n"))
    }

    @Test func aCommandThatCannotStartIsOneLine() throws {
        let file = try Self.directory("nostart") + "/t.data"
        let result = try CommandResult.run(["record", "-o", file, "--", "/nonexistent/command"])
        #expect(result.status == 127)
        #expect(result.standardError == "vmasnap: cannot start /nonexistent/command: No such file or directory (ENOENT)\n")
    }

    @Test(arguments: [
        (["record"], "record what?"),
        (["record", "-a", "-p", "1"], "give only one of"),
        (["record", "-a", "--", "/bin/true"], "give only one of"),
        (["record", "-p", "1,x"], "invalid process ID 'x'"),
        (["record", "-a", "--interval", "5"], "invalid duration '5': a unit is needed"),
        (["record", "-a", "--duration", "2 s"], "invalid duration '2 s'"),
        (["record", "-a", "--interval", "10us"], "interval 10us is too short"),
    ])
    func badArgumentsAreOneLineAndStatus64(arguments: [String], message: String) throws {
        let result = try CommandResult.run(arguments + ["-o", try Self.directory("usage") + "/t.data"])
        #expect(result.status == 64)
        #expect(result.standardError.hasPrefix("vmasnap: ") && result.standardError.contains(message))
        #expect(result.standardError.split(separator: "\n").count == 1)
    }

    @Test func aMissingProcessIsStatus2AndCreatesNoFile() throws {
        let directory = try Self.directory("nopid")
        let result = try CommandResult.run(["record", "-p", "999999999", "-o", directory + "/t.data"])
        #expect(result.status == 2)
        #expect(result.standardError == "vmasnap: no such process: 999999999\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func durationEndsTheRecording() throws {
        let fixture = try FixtureProcess()
        try fixture.send("ping")
        let file = try Self.directory("duration") + "/t.data"
        let result = try CommandResult.run(["record", "-p", "\(fixture.pid)", "--interval", "10ms", "--duration", "200ms", "-o", file])
        #expect(result.status == 0)
        #expect(result.standardError.hasPrefix(Self.summaryPrefix))
        #expect(result.standardError.contains("of 1 process, 0 changes) ]"))
    }

    @Test func recordingStopsWhenEveryProcessIsGone() throws {
        let fixture = try FixtureProcess()
        try fixture.send("ping")
        let file = try Self.directory("gone") + "/t.data"
        let recorder = try BackgroundCommand(["record", "-p", "\(fixture.pid)", "--interval", "10ms", "-o", file])
        #expect(eventually { fileSize(file) != nil })
        fixture.kill()
        let result = recorder.finish()
        #expect(result.status == 0)
        #expect(result.standardError.hasPrefix(Self.summaryPrefix))
    }

    @Test func sigintEndsAnAllProcessesRecordingCleanly() throws {
        let file = try Self.directory("sigint") + "/t.data"
        let recorder = try BackgroundCommand(["record", "-a", "--interval", "50ms", "-o", file])
        #expect(eventually { (fileSize(file) ?? 0) > 0 })
        usleep(300_000)
        recorder.signal(SIGINT)
        let result = recorder.finish()
        #expect(result.status == 0)
        // Possibly a line about processes that could not be read (even root may not read all), then the summary.
        #expect(result.standardError.split(separator: "\n").last?.hasPrefix(Self.summaryPrefix) == true)
    }

    @Test func sigtermIsPassedToTheCommandAndItsStatusReturned() throws {
        let file = try Self.directory("sigterm") + "/t.data"
        let recorder = try BackgroundCommand(["record", "--interval", "20ms", "-o", file, "--", "/bin/sleep", "30"])
        #expect(eventually { (fileSize(file) ?? 0) > 0 })
        usleep(100_000)
        recorder.signal(SIGTERM)
        let result = recorder.finish()
        #expect(result.status == 128 + SIGTERM)
        #expect(result.standardError.hasPrefix(Self.summaryPrefix))
    }

    @Test func theFileIsPrivateAndASymlinkAtItsPathIsRefusedNotFollowed() throws {
        let directory = try Self.directory("symlink")
        let victim = directory + "/victim"
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        let file = directory + "/t.data"
        try FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: victim)
        let refused = try CommandResult.run(["record", "-o", file, "--", BuildProducts.fixture, "--script", "exit 0"])
        #expect(refused.status == 1)
        #expect(refused.standardError == "vmasnap: refusing to write the recording to \(file): it is a symbolic link, "
            + "not a regular file (vmasnap replaces only an earlier recording); choose another path with -o\n")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        var status = stat()
        #expect(lstat(file, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK)
        try FileManager.default.removeItem(atPath: file)
        let result = try CommandResult.run(["record", "-o", file, "--", BuildProducts.fixture, "--script", "exit 0"])
        #expect(result.status == 0)
        #expect(lstat(file, &status) == 0)
        #expect(status.st_mode & S_IFMT == S_IFREG)
        #expect(status.st_mode & 0o777 == 0o600)
        // A second recording keeps the first as t.data.old.
        let again = try CommandResult.run(["record", "-o", file, "--", BuildProducts.fixture, "--script", "exit 0"])
        #expect(again.status == 0)
        #expect(lstat(file + ".old", &status) == 0 && status.st_mode & S_IFMT == S_IFREG)
    }

    @Test func aWorldWritableDirectoryIsRefusedUnlessForced() throws {
        let directory = try Self.directory("open", mode: 0o777)
        let file = directory + "/t.data"
        let refused = try CommandResult.run(["record", "-o", file, "--", BuildProducts.fixture, "--script", "exit 0"])
        #expect(refused.status == 3)
        #expect(refused.standardError.hasPrefix("vmasnap: refusing to write into \(directory): other users can write there"))
        #expect(refused.standardError.contains("--force"))
        #expect(!FileManager.default.fileExists(atPath: file))
        let forced = try CommandResult.run(["record", "--force", "-o", file, "--", BuildProducts.fixture, "--script", "exit 0"])
        #expect(forced.status == 0)
        #expect(FileManager.default.fileExists(atPath: file))
    }

    @Test func unreadableProcessesAreCountedOnceAndDoNotStopAnAllRecording() throws {
        // As nobody, other users' processes cannot be read: the recording goes on without them.
        let directory = try Self.directory("nobody")
        chown(directory, 65534, 65534)
        let result = try CommandResult.run(
            ["--reuid=65534", "--regid=65534", "--clear-groups", BuildProducts.vmasnap, "record", "-a",
             "--interval", "50ms", "--duration", "300ms", "-o", directory + "/t.data"],
            executable: "/usr/bin/setpriv")
        #expect(result.status == 0)
        let lines = result.standardError.split(separator: "\n")
        let unreadable = lines.filter { $0.contains("could not be read") }
        #expect(unreadable.count == 1)
        #expect(unreadable.first?.hasPrefix("vmasnap: ") == true)
        #expect(lines.last?.hasPrefix(Self.summaryPrefix) == true)
    }
}
