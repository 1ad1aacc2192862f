import Foundation
import Testing
@testable import VMASnap

/// Processes at the limits: 100,000 VMAs, and paths of PATH_MAX length.
@Suite(.serialized) struct LargeProcessTests {
    @Test func aProcessWithOneHundredThousandVMAs() throws {
        // The default vm.max_map_count (65530) is below this; raise it (root).
        let limitPath = "/proc/sys/vm/max_map_count"
        let limit = Int((try String(contentsOfFile: limitPath, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        if limit < 110_000 { try "262144\n".write(toFile: limitPath, atomically: false, encoding: .utf8) }
        // Restored whatever happens: other tests (and other users of the machine) keep the default.
        defer {
            if limit < 110_000 { try? "\(limit)\n".write(toFile: limitPath, atomically: false, encoding: .utf8) }
        }
        let loaded = try LoadedFixture(prefix: "vmas100k")
        try loaded.fixture.send("anon 100000")
        #expect(try MapsTextLine.read(pid: loaded.fixture.pid).count > 100_000)
        let ioctl = try IoctlCapture(pid: loaded.fixture.pid)
        let walk = try ioctl.capture()
        #expect(walk == (try TextCapture(pid: loaded.fixture.pid).capture()))
        #expect(walk == (try ioctl.capture()))
        for library in loaded.libraries { #expect(walk.contains { $0.path.lossyString == library.path }) }
    }

    /// A path of PATH_MAX - 1 bytes, mapped; then deleted, when d_path can no
    /// longer name it with " (deleted)" appended.
    @Test func pathsOfPathMaxLength() throws {
        let source = try TestLibraries.build(name: "longpath", buildID: "0badc0de")
        // Build the directory chain relative to a short root with *at calls, since
        // a full path near PATH_MAX cannot be passed to most calls at once.
        let root = TestLibraries.directory.appendingPathComponent("long").path
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let component = String(repeating: "d", count: 200)
        var path = root
        while path.utf8.count + 201 < 4095 - 20 {
            path += "/" + component
            #expect(mkdir(path, 0o755) == 0 || errno == EEXIST)
        }
        let name = String(repeating: "f", count: 4095 - path.utf8.count - 1)
        path += "/" + name
        #expect(path.utf8.count == 4095)
        // Foundation's FileManager truncates paths past 1024 bytes: use POSIX calls.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: source)))
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o755)
        #expect(fd >= 0)
        #expect(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count)
        close(fd)
        let fixture = try FixtureProcess()
        try fixture.send("mmap \(path)")

        let ioctl = try IoctlCapture(pid: fixture.pid)
        let named = try #require(try ioctl.capture().first { $0.path.lossyString == path })
        #expect(named.buildID?.description == "0badc0de")
        #expect(try ioctl.capture() == (try TextCapture(pid: fixture.pid).capture()))

        // Deleted: 4095 bytes plus " (deleted)" is more than the ioctl returns
        // (it caps names at PATH_MAX); the text shows it, and so must vmasnap.
        #expect(unlink(path) == 0)
        let fresh = try IoctlCapture(pid: fixture.pid).capture()
        let text = try TextCapture(pid: fixture.pid).capture()
        let unnamed = try #require(fresh.first { $0.inode == named.inode })
        #expect(unnamed.start == named.start)
        #expect(unnamed.path.lossyString == path + " (deleted)")
        #expect(fresh == text)
        #expect(try CommandResult.run(["maps", "-p", "\(fixture.pid)"]).status == 0)
    }
}
