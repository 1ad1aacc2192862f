import Foundation
import Testing
@testable import VMASnap

/// A change is dated when the walk that saw it began, and a process gone when
/// it was found gone: never earlier than vmasnap knew, whatever the round's
/// time. Lookups then answer "exact" only for what was seen.
@Suite struct WalkTimeTests {
    static func mapping(_ start: UInt64, _ path: String) -> ExecutableMapping {
        ExecutableMapping(start: start, end: start + 0x1000, offset: 0, permissions: [.read, .execute],
                          device: DeviceNumber(major: 8, minor: 1), inode: start >> 12, pageSize: 4096,
                          path: MappedPath(path), buildID: nil)
    }

    @Test func changesAndExitsCarryTheirOwnTimes() throws {
        let path = RecordingReaderTests.temporaryPath("walktime")
        let start: Int64 = 10_000_000_000
        let writer = try RecordingWriter(path: path, header: .current(options: "t", backend: .ioctl, start: start))
        let old = [Self.mapping(0x7f00_0000_0000, "/lib/old.so")]
        let new = [Self.mapping(0x7f00_0000_0000, "/lib/new.so")]
        let process = RecordedProcess(identity: ProcessIdentity(pid: 9, startTime: 1), parentPID: 1, command: [0x61], executable: nil)
        let round = { (index: Int64) in start + index * 100_000_000 }
        try writer.beginRound(time: round(1))
        let number = try writer.processSeen(process)
        _ = try writer.snapshot(process: number, mappings: old)
        try writer.endRound()
        // Round 2 begins at round(2); this process is walked 30 ms later and
        // sees a new library at the same address.
        try writer.beginRound(time: round(2))
        #expect(try writer.snapshot(process: number, mappings: new, walkTime: round(2) + 30_000_000) != .unchanged)
        try writer.endRound()
        // Round 3: found gone 40 ms after the round began.
        try writer.beginRound(time: round(3))
        try writer.processGone(process: number, reason: .exited, time: round(3) + 40_000_000)
        try writer.endRound()
        try writer.finish()

        let reader = try RecordingReader(path: path)
        #expect(try reader.state(of: 0, at: round(2) + 10_000_000) == old)
        #expect(try reader.state(of: 0, at: round(2) + 30_000_000) == new)
        let history = try reader.history(of: 0)
        #expect(history.epochs.map(\.firstSeen) == [round(1), round(2) + 30_000_000])
        #expect(history.goneTime == round(3) + 40_000_000)

        let index = AddressIndex(histories: [history])
        let address: UInt64 = 0x7f00_0000_0800
        // Between the round's start and the walk: not yet known, so not "exact".
        let early = index.resolve(pid: 9, time: round(2) + 10_000_000, address: address)
        #expect(early.status != .exact)
        let seen = index.resolve(pid: 9, time: round(2) + 50_000_000, address: address)
        #expect(seen.status == .exact && index.mapping(of: seen)?.path.lossyString == "/lib/new.so")
        // Before it was found gone: still answered; after: after-exit.
        #expect(index.resolve(pid: 9, time: round(3) + 20_000_000, address: address).status == .exact)
        #expect(index.resolve(pid: 9, time: round(3) + 40_000_000, address: address).status == .afterExit)
        // The index and a rebuilt one agree on the gone time.
        #expect(reader.span(of: 0)?.goneTime == round(3) + 40_000_000)
    }
}
