import Foundation
import Testing
@testable import VMASnap

/// Format 1.2's meaning of event-dated changes, forks (a child's first
/// snapshot is its parent's set) and LOST windows, checked on random recordings: the reference reader's lookup statuses must be those
/// of a model built from what the writer was given (Formats/vmasnap.md §5.1)
/// and those of the independent decoder (walkthrough.py --statuses).
@Suite struct EventModelTests {
    /// One snapshot the writer was given: its time, set, and whether an event dated it.
    struct Snapshot {
        var time: Int64
        var mappings: [ExecutableMapping]
        var eventDated: Bool
    }

    /// A random recording, stored (walkthrough.py reads no zstd), and what it holds.
    struct Recording {
        var path: String
        var start: Int64
        var pids: [Int32] = []
        var snapshots: [[Snapshot]] = []
        var windows: [ClosedRange<Int64>] = []
        var times = Set<Int64>()
    }

    static func mapping(slot: Int, variant: Int) -> ExecutableMapping {
        // Variants of a slot start at the same address with other lengths and files: a swap in place.
        let start = 0x7f00_0000_0000 + UInt64(slot) * 0x10_0000
        return ExecutableMapping(
            start: start, end: start + UInt64(1 + variant % 3) * 4096, offset: 0, permissions: [.read, .execute],
            device: DeviceNumber(major: 8, minor: 1), inode: UInt64(100 * slot + variant), pageSize: 4096,
            path: MappedPath("/lib/s\(slot)v\(variant).so"), buildID: nil)
    }

    static func write(seed: UInt64) throws -> Recording {
        let start: Int64 = 5_000_000_000
        var header = GoldenFileTests.header
        header.start = start
        header.keyframeInterval = 300_000_000
        var recording = Recording(path: RecordingReaderTests.temporaryPath("event-model"), start: start)
        let writer = try RecordingWriter(path: recording.path, header: header, compression: false)
        var random = SeededGenerator(seed: seed)
        var slots: [[Int: Int]] = []
        var time = start + 10_000_000
        for round in 0..<40 {
            try writer.beginRound(time: time)
            var forked: Int?
            if slots.count < 5 && (round == 0 || Int.random(in: 0..<5, using: &random) == 0) {
                let pid = Int32(700 + slots.count)
                let number = try writer.processSeen(RecordedProcess(
                    identity: ProcessIdentity(pid: pid, startTime: UInt64(round + 1)), parentPID: 1, command: Array("m".utf8),
                    executable: nil))
                recording.pids.append(pid)
                recording.snapshots.append([])
                if round > 0, Bool.random(using: &random) {
                    // Forked from any process so far (forked ones too: chains), with its set as last recorded.
                    let parent = Int.random(in: 0..<number, using: &random)
                    let at = time + Int64.random(in: 0..<20_000_000, using: &random)
                    #expect(try writer.processForked(process: number, parent: parent, time: at) == .fork)
                    slots.append(slots[parent])
                    recording.snapshots[number].append(Snapshot(time: at, mappings: recording.snapshots[parent].last!.mappings, eventDated: true))
                    recording.times.formUnion([at - 1, at, at + 1])
                    forked = number
                } else {
                    slots.append(Dictionary(uniqueKeysWithValues: (0..<Int.random(in: 1...3, using: &random)).map { ($0, 0) }))
                }
            }
            for number in slots.indices where number != forked {
                var set = slots[number]
                let changes = round > 0 && Int.random(in: 0..<3, using: &random) == 0
                if changes {
                    let slot = Int.random(in: 0..<4, using: &random)
                    if set[slot] != nil, set.count > 1, Int.random(in: 0..<3, using: &random) == 0 {
                        set[slot] = nil
                    } else {
                        set[slot] = (set[slot] ?? -1) + 1
                    }
                    slots[number] = set
                }
                let mappings = set.keys.sorted().map { Self.mapping(slot: $0, variant: set[$0]!) }
                let walk = time + Int64.random(in: 0..<20_000_000, using: &random)
                let dated = Bool.random(using: &random)
                let outcome = try writer.snapshot(process: number, mappings: mappings, walkTime: walk, eventDated: dated)
                let unchanged = outcome == .unchanged
                recording.snapshots[number].append(Snapshot(time: unchanged ? time : walk, mappings: mappings, eventDated: dated && !unchanged))
                recording.times.formUnion([walk - 1, walk, walk + 1, time - 1, time, time + 1])
            }
            try writer.endRound()
            if Int.random(in: 0..<8, using: &random) == 0 {
                // A window that may reach back before this round (events are read late).
                let first = time - Int64.random(in: 0..<60_000_000, using: &random)
                let window = first...(first + Int64.random(in: 0..<40_000_000, using: &random))
                try writer.eventsLost(from: window.lowerBound, through: window.upperBound)
                recording.windows.append(window)
                recording.times.formUnion([window.lowerBound, window.upperBound, window.upperBound + 1])
            }
            time += 50_000_000
        }
        try writer.finish()
        return recording
    }


    /// §5.1, from the writer's inputs: the status of `address` in process `number` at `time`.
    static func modelStatus(_ recording: Recording, number: Int, time: Int64, address: UInt64) -> ResolutionStatus {
        // Epochs: runs of equal sets; the first snapshot of each says whether an event dated it.
        var epochs: [(first: Int64, last: Int64, set: [ExecutableMapping], exact: Bool)] = []
        for snapshot in recording.snapshots[number] {
            if let last = epochs.last, last.set == snapshot.mappings {
                epochs[epochs.count - 1].last = snapshot.time
            } else {
                let exact = snapshot.eventDated && !recording.windows.contains { $0.contains(snapshot.time) }
                epochs.append((snapshot.time, snapshot.time, snapshot.mappings, exact))
            }
        }
        guard let firstEpoch = epochs.first, firstEpoch.first <= time else { return .beforeFirstSnapshot }
        let current = epochs.lastIndex { $0.first <= time }!
        let here = epochs[current].set.first { $0.start <= address && address < $0.end }
        guard current + 1 < epochs.count else { return here == nil ? .unmapped : .exact }
        let next = epochs[current + 1]
        if time < (next.exact ? next.first : epochs[current].last) { return here == nil ? .unmapped : .exact }
        if let here { return next.set.contains(here) ? .exact : .unloadedBetween }
        if let loaded = next.set.first(where: { $0.start <= address && address < $0.end }),
            !epochs[current].set.contains(where: { $0.start < loaded.end && loaded.start < $0.end })
        {
            return .loadedBetween
        }
        return .unmapped
    }

    @Test(arguments: [11, 12, 13, 14] as [UInt64])
    func statusesAreTheModelsAndTheIndependentDecodersOnes(seed: UInt64) throws {
        let recording = try Self.write(seed: seed)
        let reader = try RecordingReader(path: recording.path)
        #expect(reader.truncation == nil && !reader.indexWasRebuilt)
        #expect(reader.lossWindows == recording.windows)
        let index = AddressIndex(histories: try reader.histories())
        let addresses = (0..<4).flatMap { slot in (0..<3).map { Self.mapping(slot: slot, variant: 0).start + UInt64($0) * 4096 + 0x10 } }
        var queries = ""
        var expected: [String] = []
        var exactChanges = 0
        for (number, pid) in recording.pids.enumerated() {
            for time in recording.times.sorted() {
                for address in addresses {
                    let model = Self.modelStatus(recording, number: number, time: time, address: address)
                    #expect(index.resolve(pid: pid, time: time, address: address).status == model,
                            "seed \(seed) pid \(pid) at \(time) address \(String(address, radix: 16))")
                    queries += "\(pid) \(time) \(address)\n"
                    expected.append(model.description)
                }
            }
            exactChanges += try reader.history(of: number).epochs.dropFirst().filter(\.datedByEvent).count
        }
        // Both kinds of change, and windows, occur.
        #expect(exactChanges > 0 && !recording.windows.isEmpty)
        #expect(recording.pids.count > 3, "some processes are forked")
        let python = try FormatRulesTests.python(["--statuses", recording.path], input: queries)
        #expect(python.status == 0, "\(python.standardError)")
        #expect(python.lines == expected)
        let check = try FormatRulesTests.python(["--check", recording.path])
        #expect(check.standardOutput.contains("index agrees"), "\(check.standardOutput)")
    }
}
