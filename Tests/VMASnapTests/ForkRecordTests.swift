import Testing
import Foundation
@testable import VMASnap

/// The FORK record (format 2.0, Formats/vmasnap.md §3.3.1, §5.2): a child's
/// first snapshot by reference to its parent's set. Written by the writer,
/// read back by a replay of every frame and by a reading of one process
/// through the index (which follows the chain of forks), by the independent
/// decoder, and from a real recording; malformed ones are damage, never a crash.
///
/// To regenerate Formats/golden/forks.vmasnap:
/// `VMASNAP_UPDATE_GOLDEN=1 swift test --filter ForkRecordTests`.
@Suite struct ForkRecordTests {
    typealias Golden = GoldenFileTests
    static let url = Golden.directory.appendingPathComponent("forks.vmasnap")
    static let ms: Int64 = 1_000_000

    static let helper = RecordedProcess(
        identity: ProcessIdentity(pid: 4244, startTime: 123_480), parentPID: 4243, command: Array("helper".utf8),
        executable: MappedPath("/usr/bin/app"))
    static let toolText = ExecutableMapping(
        start: 0x5600_0000_1000, end: 0x5600_0000_2000, offset: 0x1000, permissions: [.read, .execute],
        device: DeviceNumber(major: 8, minor: 1), inode: 4004, pageSize: 4096, path: MappedPath("/usr/bin/tool"),
        buildID: nil)
    static let base = [Golden.appText, Golden.libc]

    /// Round 1 (1.1 s): app's keyframe. Round 2 (1.2 s): worker forks from
    /// app 5 ms in (a FORK), then app's walk 8 ms in finds plugin.so (a
    /// DELTA after the FORK: not the worker's). Round 3 (1.3 s): helper forks
    /// from worker (a fork of a fork, depth 2). Round 4 (1.4 s): worker runs
    /// exec (EXEC and a KEYFRAME of the new image). Round 5 (1.5 s): app
    /// exits. Rounds 6, 7 quiet. Flushes every 250 ms: several frames.
    static func write(to path: String) throws -> [SnapshotOutcome] {
        let writer = try RecordingWriter(path: path, header: Golden.header, compression: false)
        var outcomes: [SnapshotOutcome] = []
        let app = try writer.processSeen(Golden.app)
        try writer.beginRound(time: Golden.time(1))
        outcomes.append(try writer.snapshot(process: app, mappings: base))
        try writer.endRound()
        try writer.beginRound(time: Golden.time(2))
        let worker = try writer.processSeen(Golden.worker)
        outcomes.append(try writer.processForked(process: worker, parent: app, time: Golden.time(2) + 5 * ms))
        outcomes.append(try writer.snapshot(process: app, mappings: base + [Golden.plugin], walkTime: Golden.time(2) + 8 * ms))
        try writer.endRound()
        try writer.beginRound(time: Golden.time(3))
        let helper = try writer.processSeen(Self.helper)
        outcomes.append(try writer.processForked(process: helper, parent: worker, time: Golden.time(3) + 2 * ms))
        try writer.endRound()
        try writer.beginRound(time: Golden.time(4))
        try writer.processExecuted(process: worker, command: Array("tool".utf8), executable: Self.toolText.path)
        outcomes.append(try writer.snapshot(process: worker, mappings: [Self.toolText, Golden.libc], eventDated: true))
        try writer.endRound()
        try writer.beginRound(time: Golden.time(5))
        try writer.processGone(process: app, reason: .exited)
        try writer.endRound()
        for tenths: Int64 in 6...7 {
            try writer.beginRound(time: Golden.time(tenths))
            try writer.endRound()
        }
        try writer.finish()
        return outcomes
    }

    @Test func writerReproducesTheForksGoldenFileByteForByte() throws {
        let path = RecordingReaderTests.temporaryPath("golden-forks")
        let outcomes = try Self.write(to: path)
        #expect(outcomes == [.keyframe, .fork, .delta, .fork, .delta], "\(outcomes)")
        try Golden.expectGolden([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), at: Self.url)
    }

    /// (process, time, mappings) every reading must give.
    static let states: [(process: Int, time: Int64, mappings: [ExecutableMapping]?)] = [
        (1, Golden.time(2) + 4 * ms, nil),
        (1, Golden.time(2) + 5 * ms, base),
        // app's DELTA after the FORK in the same round is app's alone.
        (0, Golden.time(2) + 8 * ms, base + [Golden.plugin]),
        (1, Golden.time(2) + 8 * ms, base),
        (2, Golden.time(3) + 1 * ms, nil),
        (2, Golden.time(3) + 2 * ms, base),
        (1, Golden.time(4), [Self.toolText, Golden.libc]),
        // worker's exec and app's exit change nothing of helper's set.
        (2, Golden.time(4), base),
        (2, Golden.time(7), base),
        (0, Golden.time(5), nil),
    ]

    @Test func theForksGoldenFileDecodes() throws {
        let reader = try RecordingReader(path: Self.url.path)
        #expect(reader.header.majorVersion == 2 && reader.header.minorVersion == 0)
        #expect(reader.truncation == nil && !reader.indexWasRebuilt)
        // Each state through the index, from a reader that has read nothing else.
        for state in Self.states {
            let fresh = try RecordingReader(path: Self.url.path)
            #expect(try fresh.state(of: state.process, at: state.time) == state.mappings, "process \(state.process) at \(state.time)")
        }
        // The FORK is each child's listed keyframe.
        #expect(reader.index.processes[1].keyframes.first?.time == UInt64(Golden.time(2) + 5 * Self.ms - Golden.header.start))
        #expect(reader.index.processes[2].keyframes.map(\.time) == [UInt64(Golden.time(3) + 2 * Self.ms - Golden.header.start)])
        // One process at a time (following the forks) and all at once agree.
        let all = try reader.histories()
        for number in 0..<3 {
            #expect(try RecordingReader(path: Self.url.path).history(of: number) == all[number])
        }
        typealias Epoch = ProcessHistory.Epoch
        #expect(all[2] == ProcessHistory(process: Self.helper, epochs: [
            Epoch(firstSeen: Golden.time(3) + 2 * Self.ms, lastSeen: Golden.time(7), snapshotCount: 5, mappings: Self.base, datedByEvent: true),
        ], goneTime: nil))
        #expect(all[1].epochs.map(\.datedByEvent) == [true, true])
        let forks = reader.records().compactMap { record -> [Int]? in
            if case .fork(let process, let parent, _, let mappings) = record, mappings == Self.base { return [process, parent] }
            return nil
        }
        #expect(forks == [[1, 0], [2, 1]])
        #expect(reader.verify() == nil && reader.indexProblem == nil)
        // The lookup's loading index reads only the pids asked about, following the forks.
        let loading = LoadingAddressIndex { try reader.histories(pid: $0) }
        #expect(loading.resolve(pid: 4244, time: Golden.time(6), address: Golden.libc.start).status == .exact)
        #expect(loading.resolve(pid: 4244, time: Golden.time(3) + 1 * Self.ms, address: Golden.libc.start).status == .beforeFirstSnapshot)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: WalkthroughDecoderTests.python)))
    func theIndependentDecoderAgrees() throws {
        try Self.expectDecoderAgrees(Self.url.path, states: Self.states)
        let dump = try WalkthroughDecoderTests.expectDumpInTheWalkthrough("forks.vmasnap")
        #expect(dump.contains("record 0x23 FORK") && dump.contains("major version 2"))
    }

    /// What the commands show of it: dump's fork lines (with the parent's
    /// set the file does not list again), its JSON, info's version,
    /// timeline and lookup of the fork of a fork (app's plugin.so, loaded
    /// after worker's FORK, is not helper's).
    @Test func theCommandsShowTheForks() throws {
        let dump = try CommandResult.run(["dump", Self.url.path])
        #expect(dump.status == 0)
        #expect(dump.lines.filter { $0.hasPrefix("fork ") } == [
            "fork 1.205000000 process 1 from process 0 mappings 2 dated-by event",
            "fork 1.302000000 process 2 from process 1 mappings 2 dated-by event",
        ])
        #expect(dump.lines.first?.hasPrefix("header version 2.0 ") == true)
        let json = try CommandResult.run(["dump", Self.url.path, "--json"])
        let forks = json.lines.filter { $0.contains(#""type":"fork""#) }
        #expect(forks.count == 2 && forks[1].hasPrefix(#"{"type":"fork","process":2,"parent":1,"time_s":1.302000000,"dated_by":"event","mappings":["#))
        let info = try CommandResult.run(["info", Self.url.path])
        #expect(info.status == 0 && info.standardOutput.contains("vmasnap 2.0") && info.standardOutput.contains("checked against the frames"))
        let timeline = try CommandResult.run(["timeline", Self.url.path, "--pid", "4244"])
        #expect(timeline.lines.count == 3 && timeline.lines.dropFirst().allSatisfy { $0.contains("1.302000000 load   event") })
        let lookup = try CommandResult.run(
            ["lookup", Self.url.path, "--pid", "4244", "--time", "1.5", "0x7f0000028010", "0x7f0010001000"])
        #expect(lookup.lines == [
            "4244 1.500000000 0x7f0000028010 exact 0x28010 00112233445566778899aabbccddeeff00112233 /usr/lib/libc.so.6",
            "4244 1.500000000 0x7f0010001000 unmapped",
        ])
    }

    /// walkthrough.py --states's line for a set.
    /// walkthrough.py, the independent decoder, finds the index of the
    /// file at `path` sound, and each process's set at each time of
    /// `states` (nil: none) to be the one given.
    static func expectDecoderAgrees(_ path: String, states: [(process: Int, time: Int64, mappings: [ExecutableMapping]?)]) throws {
        let check = try FormatRulesTests.python(["--check", path])
        #expect(check.status == 0 && check.standardOutput.contains("index agrees"), "\(check.standardOutput)")
        let found = try FormatRulesTests.python(["--states", path], input: states.map { "\($0.process) \($0.time)\n" }.joined())
        #expect(found.status == 0, "\(found.standardError)")
        #expect(found.lines == states.map { statesLine($0.mappings) })
    }

    static func statesLine(_ mappings: [ExecutableMapping]?) -> String {
        guard let mappings else { return "-" }
        return mappings.map { mapping in
            var permissions = ""
            permissions += mapping.permissions.contains(.read) ? "r" : "-"
            permissions += mapping.permissions.contains(.write) ? "w" : "-"
            permissions += mapping.permissions.contains(.execute) ? "x" : "-"
            permissions += mapping.permissions.contains(.shared) ? "s" : "p"
            return "\(String(mapping.start, radix: 16))-\(String(mapping.end, radix: 16)):\(String(mapping.offset, radix: 16))"
                + ":\(permissions):\(mapping.path)"
        }.joined(separator: " ")
    }

    /// A chain of forks, one a round and a frame each: the writer writes
    /// FORKs up to the depth limit, then a KEYFRAME of the same set, from
    /// which FORKs start again; every reading gives every child the set.
    @Test func aLongChainOfForksFallsBackToAKeyframeAtTheDepthLimit() throws {
        let path = RecordingReaderTests.temporaryPath("fork-chain")
        let writer = try RecordingWriter(path: path, header: Golden.header, compression: false)
        let limit = FormatConstants.maximumForkDepth
        let count = 2 * limit + 4
        var numbers: [Int] = []
        var outcomes: [SnapshotOutcome] = []
        for generation in 0..<count {
            try writer.beginRound(time: Golden.time(Int64(generation + 1)))
            let process = try writer.processSeen(RecordedProcess(
                identity: ProcessIdentity(pid: Int32(5000 + generation), startTime: UInt64(generation)),
                parentPID: Int32(generation == 0 ? 1 : 4999 + generation), command: Array("chain".utf8), executable: nil))
            if let parent = numbers.last {
                outcomes.append(try writer.processForked(process: process, parent: parent, time: Golden.time(Int64(generation + 1))))
            } else {
                outcomes.append(try writer.snapshot(process: process, mappings: Self.base))
            }
            numbers.append(process)
            try writer.endRound()
            try writer.flush()
        }
        try writer.finish()
        let fork = [SnapshotOutcome](repeating: .fork, count: limit)
        #expect(outcomes == [.keyframe] + fork + [.keyframe] + fork + [.keyframe, .fork])
        let reader = try RecordingReader(path: path)
        #expect(reader.truncation == nil && !reader.indexWasRebuilt && reader.summary.frames >= count)
        for number in numbers {
            let fresh = try RecordingReader(path: path)
            #expect(try fresh.state(of: number, at: Golden.time(Int64(count + 1))) == Self.base, "process \(number)")
            #expect(!fresh.indexWasRebuilt)
        }
        #expect(try reader.histories().allSatisfy { $0.epochs.map(\.mappings) == [Self.base] })
        #expect(reader.verify() == nil)
        if FileManager.default.isExecutableFile(atPath: WalkthroughDecoderTests.python) {
            try Self.expectDecoderAgrees(path, states: numbers.map { ($0, Golden.time(Int64(count + 1)), Self.base) })
        }
    }

    /// A library of slot `slot` (a page each, 4 MiB apart), version `version`.
    static func library(_ slot: Int, _ version: Int) -> ExecutableMapping {
        let start = 0x7f00_0000_0000 + UInt64(slot) * 0x40_0000
        return ExecutableMapping(
            start: start, end: start + 4096 * UInt64(1 + version % 3), offset: 0, permissions: [.read, .execute],
            device: DeviceNumber(major: 8, minor: 1), inode: UInt64(100 + slot), pageSize: 4096,
            path: MappedPath("/lib/l\(slot)v\(version).so"), buildID: nil)
    }

    /// Random forks (chains of them, past the depth limit), changes of
    /// parents and children after their forks, exits, over many frames with
    /// keyframes listed every 300 ms: every process's set at every round,
    /// read through the index one process at a time (following the forks
    /// and the DELTAs at each level), is the one the writer was given, and
    /// so is the independent decoder's; histories read one at a time equal
    /// those of a replay of everything.
    @Test(arguments: [1, 2, 3] as [UInt64]) func randomForkChainsReadBackThroughTheIndex(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let path = RecordingReaderTests.temporaryPath("fork-random")
        var header = Golden.header
        header.keyframeInterval = 300_000_000
        let writer = try RecordingWriter(path: path, header: header, compression: false)
        var sets: [[Int: Int]] = []            // by process: slot → version
        var live: [Int] = []
        var expected: [(process: Int, time: Int64, mappings: [ExecutableMapping]?)] = []
        var outcomes: [SnapshotOutcome] = []
        // Of the forks alone: a KEYFRAME among them is the depth limit's.
        var forkOutcomes: [SnapshotOutcome] = []
        func mappings(_ set: [Int: Int]) -> [ExecutableMapping] { set.keys.sorted().map { Self.library($0, set[$0]!) } }
        for round in 0..<60 {
            let time = Golden.time(Int64(round + 1))
            try writer.beginRound(time: time)
            var snapshotted: Set<Int> = []
            // A new process every round at first (chains grow deeper than the limit), then now and then.
            if round < 25 || (sets.count < 40 && Int.random(in: 0..<2, using: &random) == 0) {
                let number = try writer.processSeen(RecordedProcess(
                    identity: ProcessIdentity(pid: Int32(6000 + sets.count), startTime: UInt64(round)), parentPID: 1,
                    command: Array("r".utf8), executable: nil))
                expected.append((number, time - 1, nil))
                // Mostly from the newest live process, so that chains grow deep.
                if let parent = live.isEmpty ? nil : (Int.random(in: 0..<8, using: &random) == 0 ? live.randomElement(using: &random) : live.last) {
                    outcomes.append(try writer.processForked(process: number, parent: parent, time: time))
                    forkOutcomes.append(outcomes.last!)
                    sets.append(sets[parent])
                } else {
                    sets.append([0: 0, 1: 0])
                    outcomes.append(try writer.snapshot(process: number, mappings: mappings(sets[number])))
                }
                live.append(number)
                snapshotted.insert(number)
            }
            for number in live where !snapshotted.contains(number) && Int.random(in: 0..<4, using: &random) == 0 {
                let slot = Int.random(in: 0..<6, using: &random)
                if sets[number][slot] != nil, sets[number].count > 1, Bool.random(using: &random) {
                    sets[number][slot] = nil
                } else {
                    sets[number][slot] = Int.random(in: 0..<5, using: &random)
                }
                _ = try writer.snapshot(process: number, mappings: mappings(sets[number]))
            }
            if live.count > 3, Int.random(in: 0..<6, using: &random) == 0 {
                let gone = live.remove(at: Int.random(in: 0..<(live.count - 1), using: &random))
                try writer.processGone(process: gone, reason: .exited)
                expected.append((gone, time, nil))
            }
            for number in live { expected.append((number, time, mappings(sets[number]))) }
            try writer.endRound()
            if round % 2 == 1 { try writer.flush() }
        }
        try writer.finish()
        #expect(forkOutcomes.filter { $0 == .fork }.count > 10 && forkOutcomes.contains(.keyframe), "\(forkOutcomes)")
        let reader = try RecordingReader(path: path)
        #expect(reader.truncation == nil && !reader.indexWasRebuilt && reader.summary.frames >= 30)
        for query in expected {
            let fresh = try RecordingReader(path: path)
            #expect(try fresh.state(of: query.process, at: query.time) == query.mappings, "process \(query.process) at \(query.time)")
            #expect(!fresh.indexWasRebuilt)
        }
        let all = try reader.histories()
        for number in all.indices {
            #expect(try RecordingReader(path: path).history(of: number) == all[number], "process \(number)")
        }
        #expect(reader.verify() == nil)
        if FileManager.default.isExecutableFile(atPath: WalkthroughDecoderTests.python) {
            try Self.expectDecoderAgrees(path, states: expected)
        }
    }

    /// A fork not dated by its event is a KEYFRAME (a FORK's origin is
    /// always the event); one from a parent without a snapshot, or of a
    /// child with one, is refused.
    @Test func theWriterWritesAForkOnlyWhenItIsOne() throws {
        let path = RecordingReaderTests.temporaryPath("fork-undated")
        let writer = try RecordingWriter(path: path, header: Golden.header, compression: false)
        try writer.beginRound(time: Golden.time(1))
        let app = try writer.processSeen(Golden.app)
        let worker = try writer.processSeen(Golden.worker)
        #expect(throws: WriterError.self) { try writer.processForked(process: worker, parent: app) }
        _ = try writer.snapshot(process: app, mappings: Self.base)
        #expect(try writer.processForked(process: worker, parent: app, eventDated: false) == .keyframe)
        try writer.endRound()
        try writer.beginRound(time: Golden.time(2))
        #expect(throws: WriterError.self) { try writer.processForked(process: worker, parent: app) }
        try writer.endRound()
        try writer.finish()
        let reader = try RecordingReader(path: path)
        #expect(!reader.records().contains { if case .fork = $0 { return true } else { return false } })
        #expect(try reader.history(of: 1).epochs.map(\.datedByEvent) == [false])
    }

    // MARK: Malformed FORKs

    typealias Rules = FormatRulesTests
    static let processes: [Record] = (1...3).map {
        .process(StoredProcess(number: $0, pid: UInt64(7 + $0), startTime: 1, parentPID: 7, executable: nil, command: Array("b".utf8)))
    }

    /// A first frame that reads back (process 0 with a keyframe, processes 1
    /// to 3 defined), then a frame with `records`: the reader keeps the
    /// first and reports the second damaged, with `expected` in its reason.
    func expectDamage(_ records: [Record], raw: [UInt8] = [], _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let first = Rules.encoded(Rules.definitions + Self.processes + [.round(time: 10), .keyframe(process: 0, mappings: [Rules.mapping])])
        let path = try Rules.write([first, Rules.encoded(records) + raw, Rules.encoded([.round(time: 90)])])
        let reader = try RecordingReader(path: path)
        let truncation = try #require(reader.truncation, sourceLocation: sourceLocation)
        #expect(truncation.reason != .unfinished, sourceLocation: sourceLocation)
        #expect(truncation.description.contains(expected), "\(truncation)", sourceLocation: sourceLocation)
        #expect(reader.summary.frames == 1 && reader.summary.rounds == 1, sourceLocation: sourceLocation)
        #expect(try reader.state(of: 0, at: Rules.header.start + 20) != nil, sourceLocation: sourceLocation)
        #expect(try reader.state(of: 1, at: Rules.header.start + 80) == nil, sourceLocation: sourceLocation)
        _ = try reader.histories()
        _ = Array(reader.records())
        if FileManager.default.isExecutableFile(atPath: WalkthroughDecoderTests.python) {
            // The independent decoder finds no footer to check against, but must not fail otherwise.
            let check = try Rules.python(["--check", path])
            #expect(check.standardError.isEmpty, "\(check.standardError)", sourceLocation: sourceLocation)
        }
    }

    @Test func malformedForksAreDamageNotACrash() throws {
        let round = Record.round(time: 20)
        try expectDamage([round, .fork(process: 1, parent: 9)], "process number 9 is not defined")
        try expectDamage([round, .fork(process: 9, parent: 0)], "process number 9 is not defined")
        try expectDamage([round, .fork(process: 1, parent: 1)], "forked from itself")
        try expectDamage([round, .fork(process: 1, parent: 2)], "no snapshot before it or is gone")
        try expectDamage([round, .gone(process: 0, reason: 0), .fork(process: 1, parent: 0)], "no snapshot before it or is gone")
        try expectDamage([round, .keyframe(process: 1, mappings: [Rules.mapping]), .round(time: 30), .fork(process: 1, parent: 0)],
                         "has a snapshot already")
        try expectDamage([.fork(process: 1, parent: 0)], "a fork outside a round")
        // A cycle: each would have to have a snapshot before the other's FORK.
        try expectDamage([round, .fork(process: 1, parent: 2), .fork(process: 2, parent: 1)], "no snapshot before it or is gone")
        // Bodies cut short, or holding only the child.
        try expectDamage([round], raw: Rules.raw(0x23, [1]), "a parent process number")
        try expectDamage([round], raw: Rules.raw(0x23, []), "a process number")
    }

    /// A chain one FORK deeper than the limit, hand-made: damage at the
    /// FORK that breaks the rule, everything before it read.
    @Test func aForkDeeperThanTheLimitIsDamage() throws {
        let limit = FormatConstants.maximumForkDepth
        var records: [Record] = Rules.definitions
        for number in 1...(limit + 1) {
            records.append(.process(StoredProcess(number: number, pid: UInt64(100 + number), startTime: 1, parentPID: 7,
                                                  executable: nil, command: Array("c".utf8))))
        }
        records += [.round(time: 10), .keyframe(process: 0, mappings: [Rules.mapping])]
        var frames = [Rules.encoded(records)]
        for number in 1...(limit + 1) {
            frames.append(Rules.encoded([.round(time: UInt64(10 + number * 10)), .fork(process: number, parent: number - 1)]))
        }
        let reader = try RecordingReader(path: try Rules.write(frames))
        let truncation = try #require(reader.truncation)
        #expect(truncation.description.contains("a fork's depth"), "\(truncation)")
        #expect(reader.summary.frames == limit + 1)
        #expect(try reader.state(of: limit, at: Rules.header.start + 1_000) == (try reader.definitions.mappings([Rules.mapping])))
        #expect(try reader.state(of: limit + 1, at: Rules.header.start + 1_000) == nil)
        if FileManager.default.isExecutableFile(atPath: WalkthroughDecoderTests.python) {
            let check = try Rules.python(["--check", try Rules.write(frames)])
            #expect(check.status != 0)
        }
    }

    /// A FORK whose parent number was changed to its own, in a finished file
    /// whose index still passes its checks: a reading of the child through
    /// the index finds the damage, scans, and answers from what comes before.
    @Test func aBrokenForkBehindAGoodIndexIsFoundByTheReading() throws {
        let path = RecordingReaderTests.temporaryPath("fork-surgery")
        _ = try Self.write(to: path)
        var surgery = try RecordingSurgery(path: path)
        let reader = try RecordingReader(path: path)
        let frame = reader.index.processes[1].keyframes[0].frame
        let offset = Int(reader.index.frames[frame].offset)
        var payload = try surgery.payload(ofFrameAt: offset)
        // The FORK of process 1 from process 0: type, length, child 1, parent 0.
        let at = try #require((0..<(payload.count - 3)).first { payload[$0] == 0x23 && payload[$0 + 2] == 1 && payload[$0 + 3] == 0 })
        payload[at + 3] = 1
        try surgery.replacePayload(ofFrameAt: offset, with: payload)
        try surgery.write(to: path)
        let damaged = try RecordingReader(path: path)
        #expect(!damaged.indexWasRebuilt)
        #expect(try damaged.state(of: 1, at: Golden.time(7)) == nil)
        #expect(damaged.indexWasRebuilt)
        #expect(damaged.truncation?.description.contains("forked from itself") == true, "\(String(describing: damaged.truncation))")
        // The frames before the damaged one read back.
        #expect(damaged.summary.frames == frame)
    }

    // MARK: A real recording

    /// The fixture forking 20 children (5 at a time, 50 ms each, no exec),
    /// recorded with kernel events: the children's first snapshots are
    /// FORKs, and a lookup of a child's addresses answers its parent's file.
    @Test func aRealProgramsChildrenAreRecordedAsForks() throws {
        let file = try RecordCommandTests.directory("forks") + "/forks.vmasnap"
        let result = try CommandResult.run(
            ["record", "-o", file, "--interval", "10ms", "--", BuildProducts.fixture, "--script", "forks 20 5 50"])
        #expect(result.status == 0, "\(result.standardError)")
        let reader = try RecordingReader(path: file)
        try #require(reader.header.kernelEvents == .on, "kernel events are needed: \(String(describing: reader.header.kernelEvents))")
        #expect(reader.header.majorVersion == 2 && reader.truncation == nil)
        let forks = reader.records().compactMap { record -> (process: Int, parent: Int, time: Int64, mappings: [ExecutableMapping])? in
            if case .fork(let process, let parent, let time, let mappings) = record { return (process, parent, time, mappings) }
            return nil
        }
        #expect(forks.count >= 2, "\(forks.map(\.process))")
        let histories = try reader.histories()
        let index = AddressIndex(histories: histories)
        for fork in forks {
            // A later snapshot at the same time (an exec written in the next round) is the set then.
            let sameTime = reader.records().contains { record in
                switch record {
                case .keyframe(fork.process, fork.time, _, _), .delta(fork.process, fork.time, _, _, _): return true
                default: return false
                }
            }
            if sameTime { continue }
            let shell = try #require(reader.processes[fork.parent].executable)
            let own = try #require(fork.mappings.first { $0.path == shell }, "the child's set has the shell's \(shell)")
            let fresh = try RecordingReader(path: file)
            #expect(try fresh.state(of: fork.process, at: fork.time) == fork.mappings)
            #expect(!fresh.indexWasRebuilt)
            let pid = reader.processes[fork.process].identity.pid
            let resolution = index.resolve(pid: pid, time: fork.time, address: own.start)
            #expect(resolution.status == .exact && index.mapping(of: resolution)?.path == shell)
            let loading = LoadingAddressIndex { try fresh.histories(pid: $0) }
            let loaded = loading.resolve(pid: pid, time: fork.time, address: own.start)
            #expect(loaded.status == .exact && loading.mapping(of: loaded)?.path == shell)
            #expect(try RecordingReader(path: file).history(of: fork.process) == histories[fork.process])
        }
        #expect(reader.verify() == nil && reader.indexProblem == nil)
    }
}
