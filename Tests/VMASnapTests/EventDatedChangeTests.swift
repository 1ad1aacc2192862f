import Testing
import Foundation
@testable import VMASnap

/// Format 1.2's event-dated changes, LOST windows and forks, written by the
/// writer and read back by the reader and its lookups: a library swapped at
/// one address is `exact` on both sides of an event-dated swap, and
/// loaded-/unloaded-between when a walk found the same swap or when a LOST
/// window covers it.
@Suite struct EventDatedChangeTests {
    typealias Golden = GoldenFileTests
    static let ms: Int64 = 1_000_000
    static let start: Int64 = 1_000_000_000
    static func at(_ milliseconds: Int64) -> Int64 { start + milliseconds * ms }

    /// libA at 0x7f0000100000-0x7f0000102000; libB at the same start, a page longer.
    static let libA = mapping(0x7f00_0010_0000, 0x7f00_0010_2000, "/lib/liba.so", inode: 11)
    static let libB = mapping(0x7f00_0010_0000, 0x7f00_0010_3000, "/lib/libb.so", inode: 12)

    static func mapping(_ start: UInt64, _ end: UInt64, _ path: String, inode: UInt64) -> ExecutableMapping {
        ExecutableMapping(start: start, end: end, offset: 0, permissions: [.read, .execute],
                          device: DeviceNumber(major: 8, minor: 1), inode: inode, pageSize: 4096, path: MappedPath(path), buildID: nil)
    }

    static func process(_ pid: Int32, parent: Int32 = 1) -> RecordedProcess {
        RecordedProcess(identity: ProcessIdentity(pid: pid, startTime: UInt64(pid)), parentPID: parent,
                        command: Array("p\(pid)".utf8), executable: nil)
    }

    /// Rounds at 100, 200 ms (libA); at 250 ms the swap to libB (an event
    /// round when `eventDated`, at the event's time); rounds at 300, 400 ms.
    /// With `lost`, a LOST window from 240 to 260 ms, given after the swap.
    static func swapRecording(
        eventDated: Bool, lost: Bool = false, path: String = RecordingReaderTests.temporaryPath("event-swap")
    ) throws -> RecordingReader {
        var header = Golden.header
        header.start = start
        let writer = try RecordingWriter(path: path, header: header)
        let number = try writer.processSeen(process(100))
        for time: Int64 in [100, 200, 250, 300, 400] {
            try writer.beginRound(time: at(time))
            _ = try writer.snapshot(process: number, mappings: [time < 250 ? libA : libB], eventDated: eventDated && time == 250)
            try writer.endRound()
            if lost && time == 300 { try writer.eventsLost(from: at(240), through: at(260)) }
        }
        try writer.finish()
        return try RecordingReader(path: path)
    }

    static func statuses(_ reader: RecordingReader, address: UInt64, at times: [Int64]) throws -> [ResolutionStatus] {
        let index = AddressIndex(histories: try reader.histories())
        return times.map { index.resolve(pid: 100, time: at($0), address: address).status }
    }

    @Test func anEventDatedSwapIsExactOnBothSides() throws {
        let reader = try Self.swapRecording(eventDated: true)
        #expect(reader.header.majorVersion == 2 && reader.truncation == nil && !reader.indexWasRebuilt)
        let shared = Self.libA.start + 0x10
        let onlyB = Self.libA.end + 0x10
        #expect(try Self.statuses(reader, address: shared, at: [200, 249, 250, 300]) == [.exact, .exact, .exact, .exact])
        #expect(try Self.statuses(reader, address: onlyB, at: [249, 250]) == [.unmapped, .exact])
        let index = AddressIndex(histories: try reader.histories())
        #expect(index.mapping(of: index.resolve(pid: 100, time: Self.at(249), address: shared))?.path == Self.libA.path)
        #expect(index.mapping(of: index.resolve(pid: 100, time: Self.at(250), address: shared))?.path == Self.libB.path)
        let epochs = try reader.history(of: 0).epochs
        #expect(epochs.map(\.datedByEvent) == [false, true])
        #expect(epochs[0].lastSeen == Self.at(250) && epochs[1].firstSeen == Self.at(250))
        #expect(try reader.history(of: 0).timeline.map { "\($0.kind) \($0.datedByEvent)" } == ["load false", "unload true", "load true"])
        // The record says so, and the same history comes from every way of reading.
        #expect(reader.records().contains { if case .keyframe(_, Self.at(250), _, true) = $0 { return true } else { return false } })
        #expect(try reader.histories() == [try reader.history(of: 0)])
    }

    @Test func theSameSwapFoundByAWalkIsBetween() throws {
        let reader = try Self.swapRecording(eventDated: false)
        let shared = Self.libA.start + 0x10
        let onlyB = Self.libA.end + 0x10
        #expect(try Self.statuses(reader, address: shared, at: [199, 200, 249, 250]) == [.exact, .unloadedBetween, .unloadedBetween, .exact])
        // libB overlaps libA, which S0 holds: ambiguous, so unmapped (as before 1.2).
        #expect(try Self.statuses(reader, address: onlyB, at: [249, 250]) == [.unmapped, .exact])
        #expect(try reader.history(of: 0).epochs[0].lastSeen == Self.at(200))
    }

    @Test func aLostWindowMakesTheEventDatedSwapWalkFound() throws {
        let path = RecordingReaderTests.temporaryPath("event-swap-lost")
        let reader = try Self.swapRecording(eventDated: true, lost: true, path: path)
        #expect(reader.lossWindows == [Self.at(240)...Self.at(260)])
        #expect(!reader.indexWasRebuilt)
        let shared = Self.libA.start + 0x10
        #expect(try Self.statuses(reader, address: shared, at: [200, 249, 250]) == [.unloadedBetween, .unloadedBetween, .exact])
        #expect(try reader.history(of: 0).epochs.map(\.datedByEvent) == [false, false])
        #expect(reader.records().contains(.lost(firstTime: Self.at(240), lastTime: Self.at(260))))

        // Without its index (a recorder killed before finishing), a scan finds the window in the LOST record.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let indexOffset = bytes[(bytes.count - 24)..<(bytes.count - 16)].reversed().reduce(0) { $0 << 8 | Int($1) }
        let cut = RecordingReaderTests.temporaryPath("event-swap-cut")
        try Data(bytes[..<indexOffset]).write(to: URL(fileURLWithPath: cut))
        let scanned = try RecordingReader(path: cut)
        #expect(scanned.indexWasRebuilt && scanned.lossWindows == reader.lossWindows)
        #expect(try Self.statuses(scanned, address: shared, at: [200, 249, 250]) == [.unloadedBetween, .unloadedBetween, .exact])
    }

    @Test func forkedChildrenStartWithTheirParentsSet() throws {
        let path = RecordingReaderTests.temporaryPath("event-fork")
        var header = Golden.header
        header.start = Self.start
        let writer = try RecordingWriter(path: path, header: header)
        let parent = try writer.processSeen(Self.process(100))
        try writer.beginRound(time: Self.at(100))
        _ = try writer.snapshot(process: parent, mappings: [Self.libA])
        try writer.endRound()
        // A fork chain: 100 → 101 → 102, all at 150 ms; 101 never changes.
        try writer.beginRound(time: Self.at(150))
        let child = try writer.processSeen(Self.process(101, parent: 100))
        #expect(try writer.processForked(process: child, parent: parent, time: Self.at(150)) == .fork)
        let grandchild = try writer.processSeen(Self.process(102, parent: 101))
        _ = try writer.processForked(process: grandchild, parent: child, time: Self.at(150))
        #expect(throws: WriterError.self) { try writer.processForked(process: child, parent: parent) }
        try writer.endRound()
        try writer.beginRound(time: Self.at(200))
        _ = try writer.snapshot(process: grandchild, mappings: [Self.libB], eventDated: true)
        try writer.endRound()
        try writer.finish()

        let reader = try RecordingReader(path: path)
        let index = AddressIndex(histories: try reader.histories())
        let address = Self.libA.start + 0x10
        for pid: Int32 in [101, 102] {
            #expect(index.resolve(pid: pid, time: Self.at(149), address: address).status == .beforeFirstSnapshot)
            let answer = index.resolve(pid: pid, time: Self.at(150), address: address)
            #expect(answer.status == .exact && index.mapping(of: answer)?.path == Self.libA.path)
        }
        #expect(index.resolve(pid: 101, time: Self.at(10_000), address: address).status == .exact)
        #expect(index.mapping(of: index.resolve(pid: 102, time: Self.at(199), address: address))?.path == Self.libA.path)
        #expect(index.mapping(of: index.resolve(pid: 102, time: Self.at(200), address: address))?.path == Self.libB.path)
        #expect(try reader.state(of: 2, at: Self.at(150)) == [Self.libA])
        #expect(try reader.history(of: 1).epochs.map(\.datedByEvent) == [true])
    }

    @Test func writerRefusesABackwardLostWindow() throws {
        let path = RecordingReaderTests.temporaryPath("event-lost-bad")
        let writer = try RecordingWriter(path: path, header: Golden.header)
        #expect(throws: WriterError.self) { try writer.eventsLost(from: Golden.time(2), through: Golden.time(1)) }
        #expect(throws: WriterError.self) { try writer.eventsLost(from: Golden.header.start - 1, through: Golden.time(1)) }
        try writer.finish()
    }
}
