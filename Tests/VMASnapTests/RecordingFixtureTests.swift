import Testing
import Foundation
@testable import VMASnap

/// Recordings of real processes: the fixture loads and unloads libraries
/// between rounds, the real capture walks it, and the reader must give back
/// every walk at its time.
@Suite struct RecordingFixtureTests {
    @Test func fixtureLoadsAndUnloadsReadBack() throws {
        let libraryA = try TestLibraries.build(name: "recA", buildID: "aa00112233445566778899", seed: 3)
        let libraryB = try TestLibraries.build(name: "recB", buildID: "bb0011223344556677889900aabbccdd", seed: 5, padding: 200)
        let fixture = try FixtureProcess()
        let capture = try MappingCaptures.open(pid: fixture.pid)
        let stat = try #require(ProcessStat.read(pid: fixture.pid))
        let process = RecordedProcess(
            identity: stat.identity, parentPID: stat.parentPID, command: stat.command,
            executable: MappedPath(BuildProducts.fixture))

        let path = RecordingReaderTests.temporaryPath("fixture")
        let header = RecordingHeader.current(options: "fixture test", backend: capture.backend, flushInterval: 0)
        let writer = try RecordingWriter(path: path, header: header)
        var times: [Int64] = []
        var walks: [[ExecutableMapping]] = []
        var outcomes: [SnapshotOutcome] = []
        var handles: [String: Int] = [:]
        var number = 0
        let steps: [() throws -> Void] = [
            {},
            { handles["A"] = try fixture.dlopen(libraryA).handle },
            { handles["B"] = try fixture.dlopen(libraryB).handle },
            {},
            { try fixture.send("dlclose \(handles["A"]!)") },
            { handles["A"] = try fixture.dlopen(libraryA).handle },
            { try fixture.send("dlclose \(handles["A"]!)"); try fixture.send("dlclose \(handles["B"]!)") },
            {},
        ]
        for step in steps {
            try step()
            let time = RecordingHeader.monotonicNow()
            try writer.beginRound(time: time)
            number = try writer.processSeen(process)
            let walk = try capture.capture()
            outcomes.append(try writer.snapshot(process: number, mappings: walk))
            try writer.endRound()
            times.append(time)
            walks.append(walk)
        }
        fixture.kill()
        let goneTime = RecordingHeader.monotonicNow()
        try writer.beginRound(time: goneTime)
        #expect(throws: (any Error).self) { try capture.capture() }
        try writer.processGone(process: number, reason: .exited)
        try writer.endRound()
        try writer.finish()

        #expect(outcomes.first == .keyframe)
        #expect(outcomes[3] == .unchanged && outcomes[7] == .unchanged)
        #expect(outcomes.filter { $0 == .delta }.count >= 4)

        let reader = try RecordingReader(path: path)
        #expect(reader.truncation == nil)
        #expect(reader.processes == [process])
        for (round, time) in times.enumerated() {
            #expect(try reader.state(of: 0, at: time) == walks[round], "round \(round)")
        }
        #expect(try reader.state(of: 0, at: goneTime) == nil)
        let history = try reader.history(of: 0)
        #expect(history.goneTime == goneTime)
        #expect(history.snapshotCount == times.count)
        // The distinct walks, in order, are the epochs.
        var distinct: [[ExecutableMapping]] = []
        for walk in walks where distinct.last != walk { distinct.append(walk) }
        #expect(history.epochs.map(\.mappings) == distinct)
        #expect(try reader.histories() == [history])

        // Library A appears, goes, comes back and goes.
        let withA = history.epochs.map { epoch in epoch.mappings.contains { $0.path == MappedPath(libraryA) } }
        #expect(withA == [false, true, true, false, true, false])
        let withB = history.epochs.map { epoch in epoch.mappings.contains { $0.path == MappedPath(libraryB) } }
        #expect(withB == [false, false, true, true, true, false])
        #expect(history.epochs[2].snapshotCount == 2)
    }
}
