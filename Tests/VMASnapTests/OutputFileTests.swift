import Testing
import Foundation
@testable import VMASnap

@Suite struct OutputFileTests {
    /// A fresh directory with `mode`.
    static func directory(_ label: String, mode: Int = 0o755) throws -> String {
        let path = TestLibraries.directory.appendingPathComponent("output-\(label)-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, mode_t(mode))
        return path
    }

    static func write(_ file: OutputFile, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(file.descriptor.rawValue, $0.baseAddress, $0.count) }
    }

    static func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    static func fileStatus(_ path: String) -> stat? {
        var status = stat()
        return lstat(path, &status) == 0 ? status : nil
    }

    @Test func theFileAppearsOnlyWhenPublishedAndIsPrivate() throws {
        let directory = try Self.directory("publish")
        let path = directory + "/rec.data"
        let file = try OutputFile.create(path: path)
        Self.write(file, "header")
        #expect(!FileManager.default.fileExists(atPath: path))
        try file.publish()
        Self.write(file, "+body")
        let status = try #require(Self.fileStatus(path))
        #expect(status.st_mode & S_IFMT == S_IFREG)
        #expect(status.st_mode & 0o7777 == 0o600)
        // The descriptor written after publishing is the file at the path.
        var written = stat()
        fstat(file.descriptor.rawValue, &written)
        #expect(written.st_ino == status.st_ino)
        #expect(Self.contents(path) == "header+body")
        // Nothing else is left in the directory (the temporary name is gone).
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["rec.data"])
    }

    @Test func anUnpublishedFileLeavesNothingBehind() throws {
        let directory = try Self.directory("discard")
        do {
            let file = try OutputFile.create(path: directory + "/rec.data")
            Self.write(file, "header")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == 1)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func anExistingFileBecomesOldAndAnOldOneIsReplaced() throws {
        let directory = try Self.directory("old")
        let path = directory + "/rec.data"
        try "first".write(toFile: path, atomically: false, encoding: .utf8)
        try "zeroth".write(toFile: path + ".old", atomically: false, encoding: .utf8)
        let file = try OutputFile.create(path: path)
        Self.write(file, "second")
        try file.publish()
        #expect(Self.contents(path) == "second")
        #expect(Self.contents(path + ".old") == "first")
    }

    @Test func aSymlinkAtThePathIsReplacedNotFollowed() throws {
        let directory = try Self.directory("symlink")
        let victim = directory + "/victim"
        try "precious".write(toFile: victim, atomically: false, encoding: .utf8)
        chmod(victim, 0o644)
        let path = directory + "/rec.data"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: victim)
        // And one at PATH.old, which the rename of an existing file would replace.
        try FileManager.default.createSymbolicLink(atPath: path + ".old", withDestinationPath: victim)
        let file = try OutputFile.create(path: path)
        Self.write(file, "recording")
        try file.publish()
        #expect(Self.contents(victim) == "precious")
        #expect(try #require(Self.fileStatus(victim)).st_mode & 0o7777 == 0o644)
        let status = try #require(Self.fileStatus(path))
        #expect(status.st_mode & S_IFMT == S_IFREG)
        #expect(Self.contents(path) == "recording")
    }

    @Test func aDanglingSymlinkIsNotCreatedThrough() throws {
        let directory = try Self.directory("dangling")
        let target = directory + "/created-through-link"
        let path = directory + "/rec.data"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        let file = try OutputFile.create(path: path)
        try file.publish()
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try #require(Self.fileStatus(path)).st_mode & S_IFMT == S_IFREG)
    }

    @Test func aWorldWritableDirectoryIsRefusedUnlessForced() throws {
        let directory = try Self.directory("open", mode: 0o777)
        #expect(throws: WriterError.unsafeDirectory(directory: directory, mode: UInt32(S_IFDIR) | 0o777)) {
            try OutputFile.create(path: directory + "/rec.data")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        let forced = try OutputFile.create(path: directory + "/rec.data", force: true)
        try forced.publish()
        #expect(FileManager.default.fileExists(atPath: directory + "/rec.data"))
    }

    @Test func aStickyWorldWritableDirectoryIsAccepted() throws {
        let directory = try Self.directory("sticky", mode: 0o1777)
        try OutputFile.create(path: directory + "/rec.data").publish()
        #expect(try #require(Self.fileStatus(directory + "/rec.data")).st_mode & 0o7777 == 0o600)
    }

    @Test func aDirectoryAtThePathIsAClearError() throws {
        let directory = try Self.directory("isdir")
        try FileManager.default.createDirectory(atPath: directory + "/rec.data", withIntermediateDirectories: false)
        #expect(throws: WriterError.isDirectory(path: directory + "/rec.data")) {
            try OutputFile.create(path: directory + "/rec.data")
        }
        #expect(throws: WriterError.isDirectory(path: directory + "/")) { try OutputFile.create(path: directory + "/") }
    }

    @Test func aMissingDirectoryNamesIt() throws {
        let error = #expect(throws: WriterError.self) { try OutputFile.create(path: "/nonexistent-vmasnap/rec.data") }
        #expect(error?.description == "cannot open /nonexistent-vmasnap: No such file or directory (ENOENT)")
    }

    @Test func splitsPaths() {
        #expect(OutputFile.split("a/b") == ("a", "b"))
        #expect(OutputFile.split("b") == (".", "b"))
        #expect(OutputFile.split("/b") == ("/", "b"))
        #expect(OutputFile.split("a/") == ("a", ""))
    }
}
