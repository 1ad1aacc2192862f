import Foundation
import VMASnap

/// 3f: opening and indexing a long recording, and resolving addresses.
///
/// The recording is synthetic but written by the real writer: 50 processes
/// for an hour at 10 Hz, each with 40-80 libraries, a library loaded or
/// unloaded every ~2 minutes per process, and one process in ten replaced by
/// a new one (pid reuse included) during the hour.
struct LookupBenchmark {
    struct Result {
        var fileBytes = 0
        var rounds = 0
        var snapshots = 0
        var openIndexed = 0.0
        var openRebuilt = 0.0
        var randomPerSecond = 0.0
        var sortedPerSecond = 0.0
        var cursorSortedPerSecond = 0.0
        var answered = 0.0
    }

    func run(quick: Bool) throws -> Result {
        var result = Result()
        let path = NSTemporaryDirectory() + "vmasnap-bench-lookup.data"
        let rounds = quick ? 3_600 : 36_000
        let model = try writeRecording(path: path, rounds: rounds)
        result.rounds = rounds
        result.fileBytes = Int((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0)

        // Open + index, median of 5.
        var open = Samples()
        var index: AddressIndex?
        for _ in 0..<5 {
            let start = Clock.now()
            let reader = try RecordingReader(path: path)
            index = AddressIndex(histories: try reader.histories())
            open.add(Double(Clock.now() - start))
            result.snapshots = reader.summary.snapshots
        }
        result.openIndexed = open.median / 1e9

        // The same file without its index and footer, as a killed recorder leaves it.
        let cut = path + ".cut"
        try? FileManager.default.removeItem(atPath: cut)
        try FileManager.default.copyItem(atPath: path, toPath: cut)
        // The footer's first 8 bytes are the index frame's offset (Formats/vmasnap.md).
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let indexOffset = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[bytes.count - 24 + $1]) << (8 * UInt64($1)) }
        truncate(cut, off_t(indexOffset))
        var rebuilt = Samples()
        for _ in 0..<3 {
            let start = Clock.now()
            let cutReader = try RecordingReader(path: cut)
            _ = AddressIndex(histories: try cutReader.histories())
            rebuilt.add(Double(Clock.now() - start))
        }
        result.openRebuilt = rebuilt.median / 1e9

        // Queries: addresses inside (mostly) or outside mappings, at random times.
        let addressIndex = index!
        var generator = SeededGenerator(seed: 7)
        let count = quick ? 200_000 : 1_000_000
        var queries: [LookupQuery] = []
        queries.reserveCapacity(count)
        for _ in 0..<count {
            let process = model.processes[Int.random(in: 0..<model.processes.count, using: &generator)]
            let time = Int64.random(in: process.first...process.last, using: &generator)
            let library = process.libraryBases[Int.random(in: 0..<process.libraryBases.count, using: &generator)]
            queries.append(LookupQuery(pid: process.pid, time: time, address: library + UInt64.random(in: 0..<0x9000, using: &generator)))
        }
        var random = Samples(), sorted = Samples(), cursorSorted = Samples()
        let sortedQueries = queries.sorted { ($0.pid, $0.time, $0.address) < ($1.pid, $1.time, $1.address) }
        var answered = 0
        for _ in 0..<5 {
            var start = Clock.now()
            let answers = addressIndex.resolve(queries)
            random.add(Double(count) / (Double(Clock.now() - start) / 1e9))
            answered = answers.filter { $0.mappingID != nil }.count
            start = Clock.now()
            _ = addressIndex.resolve(sortedQueries)
            sorted.add(Double(count) / (Double(Clock.now() - start) / 1e9))
            start = Clock.now()
            var cursor = LookupCursor(index: addressIndex)
            var found = 0
            for query in sortedQueries where cursor.resolve(query).mappingID != nil { found += 1 }
            cursorSorted.add(Double(count) / (Double(Clock.now() - start) / 1e9))
            precondition(found > 0)
        }
        result.randomPerSecond = random.median
        result.sortedPerSecond = sorted.median
        result.cursorSortedPerSecond = cursorSorted.median
        result.answered = Double(answered) / Double(count)

        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: cut)
        return result
    }

    struct ModelProcess {
        var pid: Int32
        var first: Int64
        var last: Int64
        var libraryBases: [UInt64]
    }

    struct Model {
        var processes: [ModelProcess] = []
    }

    /// Writes the recording; returns where its processes' libraries live.
    private func writeRecording(path: String, rounds: Int) throws -> Model {
        try? FileManager.default.removeItem(atPath: path)
        let start: Int64 = 1_000_000_000_000
        let header = RecordingHeader.current(options: "bench", backend: .ioctl, start: start)
        let writer = try RecordingWriter(path: path, header: header)
        var generator = SeededGenerator(seed: 42)
        var model = Model()
        let libraries = (0..<400).map { index -> (MappedPath, BuildID) in
            (MappedPath("/usr/lib/x86_64-linux-gnu/lib\(index).so.\(index % 7)"),
             BuildID((0..<20).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0 &* 7) })!)
        }
        struct Live {
            var number: Int
            var model: Int
            var mappings: [ExecutableMapping]
            var endRound: Int
        }
        func makeProcess(pid: Int32, startTime: UInt64, round: Int) throws -> Live {
            let identity = ProcessIdentity(pid: pid, startTime: startTime)
            let number = try writer.processSeen(RecordedProcess(identity: identity, parentPID: 1, command: Array("app\(pid)".utf8), executable: nil))
            var mappings: [ExecutableMapping] = []
            var address: UInt64 = 0x7f00_0000_0000 + UInt64(pid) << 32
            for library in (0..<Int.random(in: 40...80, using: &generator)).map({ _ in libraries.randomElement(using: &generator)! }) {
                mappings.append(ExecutableMapping(
                    start: address, end: address + 0x9000, offset: 0x1000, permissions: [.read, .execute],
                    device: DeviceNumber(major: 254, minor: 0), inode: UInt64(library.0.bytes.count * 1000 + Int(address >> 12 & 0xFFF)),
                    pageSize: 4096, path: library.0, buildID: library.1))
                address += 0x10000
            }
            model.processes.append(ModelProcess(pid: pid, first: start + Int64(round) * 100_000_000, last: start, libraryBases: mappings.map(\.start)))
            let replaced = Int.random(in: 0..<10, using: &generator) == 0
            return Live(number: number, model: model.processes.count - 1, mappings: mappings,
                        endRound: replaced ? Int.random(in: 1..<rounds, using: &generator) : rounds)
        }
        var live: [Live] = []
        var nextStartTime: UInt64 = 100
        for round in 0..<rounds {
            let time = start + Int64(round) * 100_000_000 + Int64.random(in: 0..<200_000, using: &generator)
            try writer.beginRound(time: time)
            if round == 0 {
                for pid in 1000..<1050 {
                    live.append(try makeProcess(pid: Int32(pid), startTime: nextStartTime, round: round))
                    nextStartTime += 1
                }
            }
            var index = 0
            while index < live.count {
                if live[index].endRound == round {
                    // Gone, and its pid reused by a new process at once.
                    try writer.processGone(process: live[index].number, reason: .exited)
                    let pid = model.processes[live[index].model].pid
                    model.processes[live[index].model].last = time
                    live[index] = try makeProcess(pid: pid, startTime: nextStartTime, round: round)
                    nextStartTime += 1
                }
                // A load or an unload about every 2 minutes (1200 rounds) per process.
                if Int.random(in: 0..<1200, using: &generator) == 0 {
                    if Bool.random(using: &generator) && live[index].mappings.count > 10 {
                        live[index].mappings.remove(at: Int.random(in: 0..<live[index].mappings.count, using: &generator))
                    } else {
                        let last = live[index].mappings.last!
                        var added = last
                        added.start = last.end + 0x10000
                        added.end = added.start + 0x9000
                        live[index].mappings.append(added)
                        model.processes[live[index].model].libraryBases.append(added.start)
                    }
                }
                _ = try writer.snapshot(process: live[index].number, mappings: live[index].mappings)
                model.processes[live[index].model].last = time
                index += 1
            }
            try writer.endRound()
        }
        try writer.finish()
        return model
    }
}
