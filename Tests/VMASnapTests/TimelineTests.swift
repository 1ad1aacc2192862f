import Testing
@testable import VMASnap

@Suite struct TimelineTests {
    static let exe = ExecutableMapping.test(0x40_0000, 0x40_2000, offset: 0x1000, path: "/bin/app", buildID: "01")
    static let a = ExecutableMapping.test(0x7000_0000, 0x7000_1000, offset: 0x1000, path: "/liba.so", buildID: "aa")
    static let b = ExecutableMapping.test(0x7000_0000, 0x7000_2000, offset: 0x1000, path: "/libb.so", buildID: "bb")
    static let c = ExecutableMapping.test(0x7100_0000, 0x7100_1000, path: "/libc.so")

    static let history = ProcessHistory.fromSnapshots(pid: 5, [
        (100, [exe]), (200, [exe, a]), (300, [exe, a]), (400, [exe, c]), (500, [exe, b, c]), (600, [exe, b, c]),
    ], goneTime: 700)

    @Test func loadsAndUnloadsAtTheFirstSnapshotThatSawThem() {
        let events = TimelineTests.history.timeline.map { ($0.time, $0.kind, $0.mapping) }
        let expected: [(Int64, TimelineEvent.Kind, ExecutableMapping)] = [
            (100, .load, TimelineTests.exe), (200, .load, TimelineTests.a),
            (400, .unload, TimelineTests.a), (400, .load, TimelineTests.c), (500, .load, TimelineTests.b),
        ]
        #expect(events.count == expected.count)
        for (got, want) in zip(events, expected) {
            #expect(got.0 == want.0 && got.1 == want.1 && got.2 == want.2)
        }
        // Exit is not an unload.
        #expect(!TimelineTests.history.timeline.contains { $0.time >= 600 })
    }

    @Test func aLibraryReplacedAtTheSameAddressIsAnUnloadAndALoad() {
        let history = ProcessHistory.fromSnapshots(pid: 5, [(10, [TimelineTests.a]), (20, [TimelineTests.b])])
        #expect(history.timeline.map { "\($0.time) \($0.kind) \($0.mapping.path)" }
                == ["10 load /liba.so", "20 unload /liba.so", "20 load /libb.so"])
    }

    @Test func stateAndDiffBetweenTwoTimes() {
        let history = TimelineTests.history
        #expect(history.mappings(at: 99) == nil)
        #expect(history.mappings(at: 100) == [TimelineTests.exe])
        #expect(history.mappings(at: 399) == [TimelineTests.exe, TimelineTests.a])
        #expect(history.mappings(at: 699) == [TimelineTests.exe, TimelineTests.b, TimelineTests.c])
        #expect(history.mappings(at: 700) == nil)
        let diff = history.changes(from: 250, to: 550)
        #expect(diff.removed == [TimelineTests.a] && diff.added == [TimelineTests.b, TimelineTests.c])
        #expect(history.changes(from: 250, to: 350).isEmpty)
        #expect(history.changes(from: 50, to: 150).added == [TimelineTests.exe])
        // Applying the diff gives the later state.
        #expect(diff.applied(to: history.mappings(at: 250)!) == history.mappings(at: 550)!)
    }
}
