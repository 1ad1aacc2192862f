import Foundation
import Testing
@testable import VMASnap

/// Issue 11, items 2 and 6, through the command line: nothing at the output
/// path but an earlier recording is replaced, and of several recorders on
/// one path exactly one records.
@Suite struct OutputPathTests {
    /// `-o` naming a device node (made with mknod in a test directory, never
    /// the real /dev): one line, status 1, the node as it was.
    @Test func aDeviceNodeIsLeftIntact() throws {
        let directory = try RecordCommandTests.directory("device")
        let null = directory + "/null"
        // Mode 0666 whatever the umask, as /dev/null has.
        #expect(mknod(null, S_IFCHR | 0o666, makedev(1, 3)) == 0 && chmod(null, 0o666) == 0)
        let result = try CommandResult.run(["record", "-o", null, "-a", "--duration", "50ms"])
        #expect(result.status == 1)
        #expect(result.standardError == "vmasnap: refusing to write the recording to \(null): it is a character device, "
            + "not a regular file (vmasnap replaces only an earlier recording); choose another path with -o\n")
        var status = stat()
        #expect(lstat(null, &status) == 0)
        #expect(status.st_mode & S_IFMT == S_IFCHR && status.st_rdev == makedev(1, 3) && status.st_mode & 0o777 == 0o666)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["null"])
        // Still the null device.
        let handle = try #require(FileHandle(forWritingAtPath: null))
        try handle.write(contentsOf: Data("discarded".utf8))
        try handle.close()
    }

    /// `-o` naming a FIFO: refused without opening it (an open for writing
    /// would wait for a reader, and a reader would get the recording).
    @Test func aFIFOIsLeftUntouched() throws {
        let directory = try RecordCommandTests.directory("fifo")
        let fifo = directory + "/fifo"
        #expect(mkfifo(fifo, 0o644) == 0 && chmod(fifo, 0o644) == 0)
        let result = try CommandResult.run(["record", "-o", fifo, "-a", "--duration", "50ms"])
        #expect(result.status == 1)
        #expect(result.standardError == "vmasnap: refusing to write the recording to \(fifo): it is a FIFO, "
            + "not a regular file (vmasnap replaces only an earlier recording); choose another path with -o\n")
        var status = stat()
        #expect(lstat(fifo, &status) == 0)
        #expect(status.st_mode & S_IFMT == S_IFIFO && status.st_mode & 0o777 == 0o644)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["fifo"])
    }

    @Test func anEmptyOutputPathIsAUsageError() throws {
        let result = try CommandResult.run(["record", "-o", "", "-a", "--duration", "50ms"])
        #expect(result.status == 64)
        #expect(result.standardError == "vmasnap: the output path is empty: give the recording a file name\n")
    }

    /// Ten recorders started at once on one path: one records and says so;
    /// nine say the path is taken, before recording anything; the file reads
    /// back whole and the earlier one is its .old; no temporary file is left.
    @Test func tenRecordersOnOnePath() throws {
        let directory = try RecordCommandTests.directory("ten")
        let path = directory + "/same.data"
        try "earlier".write(toFile: path, atomically: false, encoding: .utf8)
        let fixture = try FixtureProcess()
        // No duration: the winner records until the nine others have exited
        // (however slowly a loaded machine starts them), then gets SIGINT, so
        // that none can start after it ended and take the path legitimately.
        let recorders = try (0..<10).map { _ in
            try BackgroundCommand(["record", "-p", "\(fixture.pid)", "--interval", "10ms", "-o", path])
        }
        #expect(eventually(seconds: 300) { recorders.filter(\.process.isRunning).count <= 1 })
        for recorder in recorders where recorder.process.isRunning { recorder.signal(SIGINT) }
        let results = recorders.map { $0.finish() }
        let winners = results.filter { $0.status == 0 }
        #expect(winners.count == 1)
        #expect(winners.first?.standardError.hasPrefix(RecordCommandTests.summaryPrefix) == true)
        for result in results where result.status != 0 {
            #expect(result.status == 1)
            #expect(result.standardError == "vmasnap: \(path) is being written by another recorder (it holds the file's lock); "
                + "choose another path with -o\n")
        }
        let reader = try RecordingReader(path: path)
        #expect(reader.truncation == nil && !reader.indexWasRebuilt)
        #expect(reader.processes.count == 1)
        #expect(try String(contentsOfFile: path + ".old", encoding: .utf8) == "earlier")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["same.data", "same.data.old"])
    }
}
