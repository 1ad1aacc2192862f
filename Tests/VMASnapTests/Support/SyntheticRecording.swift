import Foundation
@testable import VMASnap

/// A recording written from generated walks of several processes (libraries
/// appearing, disappearing and changing, processes starting and going), with
/// what each process's mappings were in every round, kept independently of
/// the writer so that tests can check what the reader gives back.
struct SyntheticRecording {
    var path: String
    var header: RecordingHeader
    var roundTimes: [Int64] = []
    var processes: [RecordedProcess] = []
    /// [process][round]: its mappings in that round, nil when not live then.
    var states: [[[ExecutableMapping]?]] = []
    var goneTimes: [Int64?] = []
    var goneReasons: [ProcessEnd?] = []
    var outcomes: [SnapshotOutcome] = []
    var statistics = RecordingStatistics()

    static let start: Int64 = 5_000_000_000

    static func header(flushInterval: Int64, keyframeInterval: Int64) -> RecordingHeader {
        RecordingHeader(
            start: start, referenceRealtime: 1_764_374_400_000_000_000, referenceMonotonic: start,
            bootID: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", hostName: "synthetic", kernelRelease: "6.18.0-test",
            options: "synthetic test", clockTicksPerSecond: 100, backend: "ioctl",
            flushInterval: flushInterval, keyframeInterval: keyframeInterval)
    }

    /// A library mapping of slot `slot` with variant `variant` (changes its
    /// permissions and build ID, so that the same start gets a different mapping).
    static func mapping(slot: Int, pages: UInt64, variant: Int) -> ExecutableMapping {
        let start = 0x7f00_0000_0000 + UInt64(slot) * 0x40_0000
        return ExecutableMapping(
            start: start, end: start + pages * 4096, offset: UInt64(slot % 3) * 4096,
            permissions: variant % 2 == 0 ? [.read, .execute] : [.read, .write, .execute],
            device: DeviceNumber(major: 0xfe, minor: UInt32(slot % 2)), inode: UInt64(1000 + slot),
            pageSize: slot == 5 ? 2 << 20 : 4096, path: MappedPath("/usr/lib/lib\(slot) (test)\(variant > 2 ? " (deleted)" : "").so"),
            buildID: slot % 4 == 0 ? nil : BuildID((0..<(slot % 3 == 0 ? 8 : 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ slot &+ variant) }))
    }

    /// Writes `rounds` rounds 100 ms apart (with jitter) for up to `maximumProcesses`.
    static func write(
        to path: String, seed: UInt64, rounds: Int, maximumProcesses: Int = 4, changeChance: Double = 0.15,
        flushInterval: Int64 = 300_000_000, keyframeInterval: Int64 = 1_000_000_000, finish: Bool = true,
        compression: Bool = true
    ) throws -> SyntheticRecording {
        var random = SeededGenerator(seed: seed)
        var result = SyntheticRecording(path: path, header: header(flushInterval: flushInterval, keyframeInterval: keyframeInterval))
        let writer = try RecordingWriter(path: path, header: result.header, compression: compression)
        // Per process: slot -> (pages, variant); nil entry = not live.
        var live: [Int: [Int: (UInt64, Int)]] = [:]
        var time = start + 1_000_000
        for round in 0..<rounds {
            time += 100_000_000 + Int64.random(in: 0..<1_000_000, using: &random)
            try writer.beginRound(time: time)
            result.roundTimes.append(time)
            for number in result.states.indices { result.states[number].append(nil) }
            // New processes.
            if result.processes.count < maximumProcesses && (round == 0 || Double.random(in: 0..<1, using: &random) < 0.1) {
                let number = result.processes.count
                let process = RecordedProcess(
                    identity: ProcessIdentity(pid: Int32(100 + number), startTime: UInt64(1000 + round)),
                    parentPID: 1, command: Array("proc\(number)\n".utf8),
                    executable: number % 2 == 0 ? MappedPath("/usr/bin/p\(number)") : nil)
                expectNumber(try writer.processSeen(process), number)
                result.processes.append(process)
                result.states.append(Array(repeating: nil, count: round + 1))
                result.goneTimes.append(nil)
                result.goneReasons.append(nil)
                var slots: [Int: (UInt64, Int)] = [:]
                for slot in 0..<Int.random(in: 1...6, using: &random) {
                    slots[slot] = (UInt64.random(in: 1...40, using: &random), 0)
                }
                live[number] = slots
            }
            for number in live.keys.sorted() {
                if round > 0 && Double.random(in: 0..<1, using: &random) < 0.02 {
                    let reason: ProcessEnd = [.exited, .unreadable, .replaced].randomElement(using: &random)!
                    try writer.processGone(process: number, reason: reason)
                    result.goneTimes[number] = time
                    result.goneReasons[number] = reason
                    live[number] = nil
                    continue
                }
                var slots = live[number]!
                if Double.random(in: 0..<1, using: &random) < changeChance {
                    for _ in 0..<Int.random(in: 1...3, using: &random) {
                        let slot = Int.random(in: 0..<12, using: &random)
                        switch (slots[slot], Int.random(in: 0..<3, using: &random)) {
                        case (nil, _): slots[slot] = (UInt64.random(in: 1...40, using: &random), 0)
                        case (let old?, 0): slots[slot] = (old.0, old.1 + 1)
                        default: slots[slot] = nil
                        }
                    }
                    live[number] = slots
                }
                let mappings = slots.keys.sorted().map { mapping(slot: $0, pages: slots[$0]!.0, variant: slots[$0]!.1) }
                result.outcomes.append(try writer.snapshot(process: number, mappings: mappings))
                result.states[number][round] = mappings
            }
            try writer.endRound()
        }
        if finish { try writer.finish() } else { try writer.flush() }
        result.statistics = writer.statistics
        return result
    }

    /// The history each process should have: consecutive rounds with equal mappings form an epoch.
    var expectedHistories: [ProcessHistory] {
        processes.indices.map { number in
            var epochs: [ProcessHistory.Epoch] = []
            for (round, mappings) in states[number].enumerated() {
                guard let mappings else { continue }
                if let last = epochs.last, last.mappings == mappings {
                    epochs[epochs.count - 1].lastSeen = roundTimes[round]
                    epochs[epochs.count - 1].snapshotCount += 1
                } else {
                    epochs.append(ProcessHistory.Epoch(
                        firstSeen: roundTimes[round], lastSeen: roundTimes[round], snapshotCount: 1, mappings: mappings))
                }
            }
            return ProcessHistory(process: processes[number], epochs: epochs, goneTime: goneTimes[number])
        }
    }

    /// Every snapshot of every process.
    var snapshotCount: Int { states.reduce(0) { $0 + $1.reduce(0) { $0 + ($1 == nil ? 0 : 1) } } }
}

/// Records a mismatch from inside the generator without importing Testing here.
func expectNumber(_ actual: Int, _ expected: Int) {
    precondition(actual == expected, "writer gave process number \(actual), expected \(expected)")
}
