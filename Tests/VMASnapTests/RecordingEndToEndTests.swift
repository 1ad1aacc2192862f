import Testing
import Foundation
@testable import VMASnap

/// `vmasnap record`, then `info` and `dump`, on the fixture: every load and
/// unload is in the file; and a recorder killed with SIGKILL leaves a file
/// that reads back up to its last flush.
@Suite struct RecordingEndToEndTests {
    @Test func recordThenInfoAndDumpShowEveryLoadAndUnload() throws {
        let libraryA = try TestLibraries.build(name: "e2eA", buildID: "e2e0aa", seed: 11)
        let libraryB = try TestLibraries.build(name: "e2eB", buildID: "e2e0bb", seed: 13, padding: 50)
        let path = RecordingReaderTests.temporaryPath("e2e")
        // Sleeps of 300 ms, three 100 ms rounds each, so every state is seen
        // (unloads by walks: 100 ms is given, the default with events is 1 s).
        let script = "sleep 300; dlopen \(libraryA); sleep 300; dlopen \(libraryB); sleep 300; dlclose 0; sleep 300; "
            + "dlclose 1; sleep 300"
        let record = try CommandResult.run(["record", "-o", path, "--interval", "100ms", "--", BuildProducts.fixture, "--script", script])
        #expect(record.status == 0, "\(record.standardError)")

        let info = try InfoDumpCommandTests.object(try CommandResult.run(["info", path, "--json"]).standardOutput)
        #expect(info["truncated"] as? Bool == false)
        #expect(info["processes"] as? Int == 1)
        #expect((info["snapshots"] as? Int ?? 0) >= 10)
        #expect((info["duration_s"] as? Double ?? 0) >= 1.2)

        let dump = try CommandResult.run(["dump", path])
        #expect(dump.status == 0)
        let lines = dump.lines
        func index(_ predicate: (String) -> Bool) -> Int? { lines.firstIndex(where: predicate) }
        let loadA = index { $0.hasPrefix("  + ") && $0.hasSuffix(" e2e0aa \(libraryA)") }
        let loadB = index { $0.hasPrefix("  + ") && $0.hasSuffix(" e2e0bb \(libraryB)") }
        #expect(loadA != nil && loadB != nil, "\(dump.standardOutput)")
        let starts = Dictionary(uniqueKeysWithValues: [(libraryA, loadA), (libraryB, loadB)].compactMap { library, line in
            line.map { (library, "  - 0x" + lines[$0].dropFirst(4).prefix { $0 != "-" }) }
        })
        let unloadA = starts[libraryA].flatMap { text in index { $0 == text } }
        let unloadB = starts[libraryB].flatMap { text in index { $0 == text } }
        #expect(unloadA != nil && unloadB != nil, "\(dump.standardOutput)")
        if let loadA, let loadB, let unloadA, let unloadB {
            #expect(loadA < loadB && loadB < unloadA && unloadA < unloadB)
        }

        // The same through the reader: four changes after the first keyframe, in order.
        let reader = try RecordingReader(path: path)
        let history = try reader.history(of: 0)
        let sets = history.epochs.map { epoch in
            (epoch.mappings.contains { $0.path == MappedPath(libraryA) }, epoch.mappings.contains { $0.path == MappedPath(libraryB) })
        }
        // Epochs in which neither library changed (the program's own start-up,
        // which kernel events now catch step by step) are one here.
        var steps: [(Bool, Bool)] = []
        for set in sets where steps.last.map({ $0 != set }) ?? true { steps.append(set) }
        #expect(steps.map(\.0) == [false, true, true, false, false])
        #expect(steps.map(\.1) == [false, false, true, true, false])
    }

    @Test func recorderKilledWithSIGKILLLeavesAReadableFile() throws {
        let library = try TestLibraries.build(name: "killed", buildID: "0123abcd", seed: 17)
        let fixture = try FixtureProcess()
        let path = RecordingReaderTests.temporaryPath("killed")
        let recorder = try BackgroundCommand(["record", "-p", "\(fixture.pid)", "-o", path, "--interval", "50ms"])
        _ = try fixture.dlopen(library)
        // Wait until a flush has put the library in the file (the default
        // flush interval is 1 s), then kill the recorder without warning.
        var flushed = false
        for _ in 0..<200 where !flushed {
            usleep(50_000)
            if let reader = try? RecordingReader(path: path), let history = try? reader.histories().first {
                flushed = history.epochs.contains { $0.mappings.contains { $0.path == MappedPath(library) } }
            }
        }
        #expect(flushed)
        recorder.signal(SIGKILL)
        let result = recorder.finish()
        #expect(result.status == 128 + SIGKILL)

        let reader = try RecordingReader(path: path)
        #expect(reader.indexWasRebuilt)
        let truncation = try #require(reader.truncation)
        #expect(truncation.isCutShort)
        let history = try reader.history(of: 0)
        #expect(history.epochs.contains { $0.mappings.contains { $0.path == MappedPath(library) } })
        #expect(history.goneTime == nil)
        let info = try CommandResult.run(["info", path, "--json"])
        #expect(info.status == 0)
        let object = try InfoDumpCommandTests.object(info.standardOutput)
        #expect(object["truncated"] as? Bool == true)
        #expect(object["truncated_at"] as? Int == Int(truncation.offset))
        let dump = try CommandResult.run(["dump", path])
        #expect(dump.status == 0)
        #expect(dump.standardError.hasPrefix("vmasnap: warning: "))
        #expect(dump.lines.contains { $0.hasSuffix(" 0123abcd \(library)") || $0.hasSuffix(" - \(library)") })
    }
}
