import Testing
import Foundation
@testable import VMASnap

/// A mapping replaced at its own addresses, at the default settings (no
/// syscall tracepoints, so no munmap event): what takes its place dates its
/// end. A file mapped there ends it at that file's MMAP2 time, so the old
/// file is `exact` up to it and the new one after it; anonymous executable
/// memory (a JIT's pages) over all of it ends it at its own record's time, so the old file
/// is never the answer after it. Real fixture, real kernel events, and no
/// walk between the recorded load and the end of the test.
@Suite(.serialized) struct ReplacedMappingDatingTests {
    /// The fixture under a recorder of its pid whose only walk is the first
    /// round, and the events opened after it.
    struct Recording {
        let fixture: FixtureProcess
        let harness: RecorderHarness
        let events: RecorderEvents

        init() throws {
            fixture = try FixtureProcess()
            harness = try RecorderHarness(target: .processes([fixture.pid]))
            try harness.round()
            events = RecorderEvents(session: try TrackingSession(target: .processes([fixture.pid]), options: TrackingOptions()))
            harness.recorder.events = events
            #expect(!events.session.options.syscalls)
        }

        /// Reads the events until `done` holds of the recorded set (at most about 2 s).
        func recordEvents(until done: ([ExecutableMapping]) -> Bool) throws -> Bool {
            for _ in 0..<200 {
                Thread.sleep(forTimeInterval: 0.01)
                try harness.recorder.recordEvents()
                if done(harness.recorder.writer.liveProcesses[0]?.mappings ?? []) { return true }
            }
            return false
        }

        /// Maps `library` whole (r-x) at `address` (anywhere when nil): its range and the fixture's time after the mmap.
        func map(_ library: String, at address: UInt64? = nil) throws -> (range: Range<UInt64>, time: Int64) {
            let reply = try fixture.send("mmap \(library)" + (address.map { " 0x\(String($0, radix: 16))" } ?? ""))
            return (UInt64(reply[0].dropFirst(2), radix: 16)!..<UInt64(reply[1].dropFirst(2), radix: 16)!, Int64(reply[2])!)
        }

        /// Unmaps `range`: the fixture's time after the munmap.
        func unmap(_ range: Range<UInt64>) throws -> Int64 {
            Int64(try fixture.send("munmap 0x\(String(range.lowerBound, radix: 16)) 0x\(String(range.upperBound, radix: 16))")[0])!
        }
    }

    /// Each epoch: when first seen, whether dated by an event, its files.
    static func log(_ history: ProcessHistory) -> String {
        history.epochs.map { "\($0.firstSeen) \($0.datedByEvent) \($0.mappings.map(\.path.lossyString))" }.joined(separator: "\n")
    }

    static func holds(_ library: String) -> ([ExecutableMapping]) -> Bool {
        { mappings in mappings.contains { $0.path.lossyString == library } }
    }

    @Test func aFileMappedOverAnUnmappedOneDatesTheSwap() throws {
        let libraryA = try TestLibraries.build(name: "replaced-a", buildID: "a11ce0a11ce0a11c", seed: 21)
        let libraryB = try TestLibraries.build(name: "replaced-b", buildID: "b0b0b0b0b0b0b0b0", seed: 22)
        let recording = try Recording()
        defer { recording.fixture.kill() }
        let loadedA = try recording.map(libraryA)
        try #require(try recording.recordEvents(until: Self.holds(libraryA)))
        let unmapped = try recording.unmap(loadedA.range)
        let loadedB = try recording.map(libraryB, at: loadedA.range.lowerBound)
        #expect(loadedB.range.lowerBound == loadedA.range.lowerBound)
        try #require(try recording.recordEvents(until: Self.holds(libraryB)))
        let walksOnly = recording.events.counts
        let reader = try recording.harness.finish()
        let history = try reader.history(of: 0)
        let log = Self.log(history)

        // One change: libA's set straight to libB's, dated by libB's mmap.
        let swapped = try #require(history.epochs.firstIndex(where: { $0.mappings.contains { $0.path.lossyString == libraryB } }), "\(log)")
        try #require(swapped > 0)
        let swap = history.epochs[swapped]
        #expect(swap.datedByEvent && unmapped <= swap.firstSeen && swap.firstSeen <= loadedB.time, "\(unmapped) \(loadedB.time)\n\(log)")
        #expect(history.epochs[swapped - 1].mappings.contains { $0.path.lossyString == libraryA }, "\(log)\n\(walksOnly)")

        // libA is the exact answer after its munmap returned, libB after its mmap returned.
        let index = AddressIndex(histories: [history])
        let address = loadedA.range.lowerBound + 16
        let before = index.resolve(pid: recording.fixture.pid, time: unmapped + (swap.firstSeen - unmapped) / 2, address: address)
        let after = index.resolve(pid: recording.fixture.pid, time: loadedB.time, address: address)
        #expect(before.status == .exact && index.mapping(of: before)?.path.lossyString == libraryA, "\(before)\n\(log)")
        #expect(after.status == .exact && index.mapping(of: after)?.path.lossyString == libraryB, "\(after)\n\(log)")
    }

    @Test func anonymousExecutableMemoryEndsTheMappingItReplaces() throws {
        let library = try TestLibraries.build(name: "replaced-jit", buildID: "717717717717717e", seed: 23)
        let recording = try Recording()
        defer { recording.fixture.kill() }
        let loaded = try recording.map(library)
        try #require(try recording.recordEvents(until: Self.holds(library)))
        let unmapped = try recording.unmap(loaded.range)
        let reply = try recording.fixture.send("anonexec 0x\(String(loaded.range.lowerBound, radix: 16)) \(loaded.range.count)")
        #expect(UInt64(reply[0].dropFirst(2), radix: 16) == loaded.range.lowerBound)
        let paged = Int64(reply[2])!
        // Without a walk, only the anonymous memory's own MMAP2 record can end it.
        #expect(try recording.recordEvents(until: { !Self.holds(library)($0) }))
        let reader = try recording.harness.finish()
        let history = try reader.history(of: 0)
        let log = Self.log(history)
        let ended = try #require(history.epochs.last, "\(log)")
        #expect(ended.datedByEvent && unmapped <= ended.firstSeen && ended.firstSeen <= paged, "\(unmapped) \(paged)\n\(log)")

        let index = AddressIndex(histories: [history])
        let address = loaded.range.lowerBound + 16
        let before = index.resolve(pid: recording.fixture.pid, time: unmapped, address: address)
        let after = index.resolve(pid: recording.fixture.pid, time: paged, address: address)
        #expect(before.status == .exact && index.mapping(of: before)?.path.lossyString == library, "\(before)\n\(log)")
        #expect(after.status != .exact && index.mapping(of: after) == nil, "\(after)\n\(log)")
    }
}
