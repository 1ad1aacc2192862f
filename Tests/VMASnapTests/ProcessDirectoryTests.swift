import Testing
import Foundation
@testable import VMASnap

@Suite struct ProcessDirectoryTests {
    @Test func scanFindsThisProcessWithItsParentAndStartTime() throws {
        let directory = try ProcessDirectory()
        let entries = directory.scan()
        let me = try #require(entries.first { $0.pid == getpid() })
        let stat = try #require(ProcessStat.read(pid: getpid()))
        #expect(me.identity == stat.identity)
        #expect(me.parentPID == getppid())
        #expect(!me.isKernelThread)
        // Threads are not processes: only thread group leaders are listed.
        #expect(Set(entries.map(\.pid)).count == entries.count)
    }

    @Test func kernelThreadsAreMarked() throws {
        // kthreadd is pid 2 on every Linux system.
        let kthreadd = try #require(try ProcessDirectory().stat(pid: 2))
        #expect(kthreadd.isKernelThread)
    }

    @Test func aChildIsFoundThroughItsParent() throws {
        let fixture = try FixtureProcess()
        try fixture.send("ping")
        let entries = try ProcessDirectory().scan()
        let child = try #require(entries.first { $0.pid == fixture.pid })
        #expect(child.parentPID == getpid())
        fixture.kill()
        // Reaped: gone from /proc.
        #expect(try ProcessDirectory().stat(pid: fixture.pid) == nil)
    }

    @Test func parsesACommandNameWithParenthesesAndSpaces() {
        let text = Array("42 (a) (b c) S 7 42 42 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 123456 1 2 3\n".utf8)
        let stat = ProcessStat.parse(text)
        #expect(stat == ProcessStat(
            pid: 42, command: Array("a) (b c".utf8), state: UInt8(ascii: "S"), parentPID: 7, flags: 4194560, startTime: 123456))
        #expect(stat?.identity == ProcessIdentity(pid: 42, startTime: 123456))
        #expect(stat?.isKernelThread == false)
        let truncated = Array("42 (a) S 7 42 42 0 -1 4194560 1 2".utf8)
        #expect(ProcessStat.parse(truncated) == nil)
        let noName = Array("42 a S 7".utf8)
        #expect(ProcessStat.parse(noName) == nil)
    }

    @Test func readsTheExecutableLink() throws {
        let expected = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        #expect(try ProcessDirectory().executable(pid: getpid()) == MappedPath(expected))
        #expect(try ProcessDirectory().executable(pid: 2) == nil)
    }
}
