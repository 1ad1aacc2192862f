import Testing
import SystemPackage
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

    @Test func aSymlinkAtThePathOrAtOldIsRefusedNotFollowed() throws {
        let directory = try Self.directory("symlink")
        let victim = directory + "/victim"
        try "precious".write(toFile: victim, atomically: false, encoding: .utf8)
        chmod(victim, 0o644)
        let path = directory + "/rec.data"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: victim)
        #expect(throws: WriterError.notARegularFile(path: path, type: .symbolicLink)) { try OutputFile.create(path: path) }
        // And one at PATH.old, which the rename of an existing file would replace.
        try FileManager.default.removeItem(atPath: path)
        try "first".write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: path + ".old", withDestinationPath: victim)
        #expect(throws: WriterError.notARegularFile(path: path + ".old", type: .symbolicLink)) { try OutputFile.create(path: path) }
        #expect(Self.contents(victim) == "precious")
        #expect(try #require(Self.fileStatus(victim)).st_mode & 0o7777 == 0o644)
        #expect(Self.contents(path) == "first")
        #expect(try #require(Self.fileStatus(path + ".old")).st_mode & S_IFMT == S_IFLNK)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["rec.data", "rec.data.old", "victim"])
    }

    @Test func aDanglingSymlinkIsNotCreatedThrough() throws {
        let directory = try Self.directory("dangling")
        let target = directory + "/created-through-link"
        let path = directory + "/rec.data"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        #expect(throws: WriterError.notARegularFile(path: path, type: .symbolicLink)) { try OutputFile.create(path: path) }
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try #require(Self.fileStatus(path)).st_mode & S_IFMT == S_IFLNK)
    }

    /// Issue 11: a device node, a FIFO or a socket at the path (or at
    /// PATH.old) is refused with a clear error, and stays as it was.
    @Test func specialFilesAtThePathAreRefusedAndLeftAlone() throws {
        let directory = try Self.directory("special")
        let null = directory + "/null"
        // Mode 0666 whatever the umask, as /dev/null has.
        #expect(mknod(null, S_IFCHR | 0o666, makedev(1, 3)) == 0 && chmod(null, 0o666) == 0)
        let fifo = directory + "/fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        let socketPath = directory + "/socket"
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        _ = withUnsafeMutableBytes(of: &address.sun_path) { raw in socketPath.utf8CString.withUnsafeBytes { raw.copyMemory(from: $0) } }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        for (path, type) in [(null, FileType.characterSpecial), (fifo, .fifo), (socketPath, .socket)] {
            #expect(throws: WriterError.notARegularFile(path: path, type: type)) { try OutputFile.create(path: path) }
        }
        // PATH.old of a regular file: the rename would replace it.
        try "recording".write(toFile: directory + "/rec", atomically: false, encoding: .utf8)
        #expect(rename(fifo, directory + "/rec.old") == 0)
        #expect(throws: WriterError.notARegularFile(path: directory + "/rec.old", type: .fifo)) {
            try OutputFile.create(path: directory + "/rec")
        }
        #expect(rename(directory + "/rec.old", fifo) == 0)
        try FileManager.default.removeItem(atPath: directory + "/rec")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == before)
        let status = try #require(Self.fileStatus(null))
        #expect(status.st_mode & S_IFMT == S_IFCHR && status.st_rdev == makedev(1, 3) && status.st_mode & 0o777 == 0o666)
        #expect(try #require(Self.fileStatus(fifo)).st_mode & S_IFMT == S_IFIFO)
    }

    @Test func anEmptyPathSaysSo() {
        #expect(throws: WriterError.emptyPath) { try OutputFile.create(path: "") }
    }

    /// Issue 11: `ww/sub/x.data` with `ww` writable by all (no sticky bit)
    /// is as unsafe as `ww/x.data`: whoever can write `ww` can swap `sub`.
    @Test func everyDirectoryAboveIsChecked() throws {
        let top = try Self.directory("ancestors", mode: 0o777)
        let sub = top + "/sub"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
        chmod(sub, 0o755)
        #expect(throws: WriterError.unsafeDirectory(directory: top, mode: UInt32(S_IFDIR) | 0o777)) {
            try OutputFile.create(path: sub + "/x.data")
        }
        // Relative to the working directory too, and through a symlink named on the way.
        let link = try Self.directory("ancestors-link") + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: sub)
        #expect(throws: WriterError.self) { try OutputFile.create(path: link + "/x.data") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: sub).isEmpty)
        let forced = try OutputFile.create(path: sub + "/x.data", force: true)
        try forced.publish()
        #expect(FileManager.default.fileExists(atPath: sub + "/x.data"))
        // A sticky ancestor is fine.
        chmod(top, 0o1777)
        try OutputFile.create(path: sub + "/y.data").publish()
        #expect(OutputFile.prefixes(of: "a/b/c") == [".", "a", "a/b", "a/b/c"])
        #expect(OutputFile.prefixes(of: "/a/b") == ["/", "/a", "/a/b"])
    }

    /// Issue 11: of two writers on one path, the second is refused while the
    /// first still has its file open, and replaces it (keeping it as .old)
    /// once the first has finished.
    @Test func aPathBeingWrittenIsRefused() throws {
        let path = try Self.directory("in-use") + "/rec.data"
        let first = try OutputFile.create(path: path)
        Self.write(first, "first")
        try first.publish()
        #expect(throws: WriterError.inUse(path: path)) { try OutputFile.create(path: path).publish() }
        #expect(Self.contents(path) == "first")
        try first.close()
        let second = try OutputFile.create(path: path)
        Self.write(second, "second")
        try second.publish()
        #expect(Self.contents(path) == "second")
        #expect(Self.contents(path + ".old") == "first")
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
