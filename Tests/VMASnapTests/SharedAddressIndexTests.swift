import Dispatch
import Testing
import VMASnap

/// The README's use of an index: one `AddressIndex`, shared, and one
/// `LookupCursor` per thread or task. `AddressIndex` is immutable and
/// `Sendable`, so this compiles in Swift 6 mode with strict concurrency
/// (this file uses only public API, so that it can be checked alone:
/// `swiftc -swift-version 6 -typecheck -I .build/debug/Modules ...`).
@Suite struct SharedAddressIndexTests {
    /// Histories of `count` processes, each with a few epochs of a few
    /// mappings, some pids reused, some processes gone.
    static func histories(count: Int) -> [ProcessHistory] {
        var histories: [ProcessHistory] = []
        for number in 0..<count {
            let pid = Int32(100 + number % (count - count / 4))
            let process = RecordedProcess(
                identity: ProcessIdentity(pid: pid, startTime: UInt64(number)), parentPID: 1,
                command: Array("p\(number)".utf8), executable: nil)
            var epochs: [ProcessHistory.Epoch] = []
            let begin = Int64(number) * 1_000
            for epoch in 0..<(1 + number % 4) {
                let mappings = (0..<(2 + (number + epoch) % 3)).map { slot in
                    let start = 0x7f00_0000_0000 + UInt64(slot) * 0x10_0000 + UInt64(epoch % 2) * 0x1000
                    return ExecutableMapping(
                        start: start, end: start + 0x8000, offset: UInt64(slot) * 0x1000, permissions: [.read, .execute],
                        device: DeviceNumber(major: 8, minor: 1), inode: UInt64(slot + 10 * epoch), pageSize: 4096,
                        path: MappedPath("/lib/l\(slot)-\(epoch).so"), buildID: nil)
                }
                let first = begin + Int64(epoch) * 300
                epochs.append(ProcessHistory.Epoch(firstSeen: first, lastSeen: first + 200, snapshotCount: 3, mappings: mappings))
            }
            let gone: Int64? = number % 3 == 0 ? begin + Int64(epochs.count) * 300 + 100 : nil
            histories.append(ProcessHistory(process: process, epochs: epochs, goneTime: gone))
        }
        return histories
    }

    /// Queries at every kind of place: inside, between and after epochs, in and out of mappings.
    static func queries(_ histories: [ProcessHistory]) -> [LookupQuery] {
        var queries: [LookupQuery] = []
        for history in histories {
            for time in stride(from: history.epochs[0].firstSeen - 50, to: history.epochs[0].firstSeen + 1_400, by: 70) {
                for address in stride(from: UInt64(0x7f00_0000_0000), to: 0x7f00_0030_0000, by: 0x5_3000) {
                    queries.append(LookupQuery(pid: history.process.identity.pid, time: time, address: address))
                }
            }
        }
        return queries
    }

    /// One answer, comparable: status, file offset and the mapping's path.
    static func answer(_ resolution: Resolution, _ index: AddressIndex) -> String {
        "\(resolution.status) \(resolution.fileOffset.map { String($0, radix: 16) } ?? "-") "
            + (index.mapping(of: resolution)?.path.lossyString ?? "-")
    }

    @Test func tasksShareOneIndexEachWithItsOwnCursor() async throws {
        let histories = Self.histories(count: 400)
        let index = AddressIndex(histories: histories)
        let queries = Self.queries(histories)
        let serial = index.resolve(queries).map { Self.answer($0, index) }
        #expect(Set(serial.map { $0.split(separator: " ")[0] }).count >= 5)

        let parts = 8
        let answers = await withTaskGroup(of: (Int, [String]).self) { group in
            for part in 0..<parts {
                group.addTask {
                    var cursor = LookupCursor(index: index)  // one per task
                    var answers: [String] = []
                    for position in stride(from: part, to: queries.count, by: parts) {
                        answers.append(Self.answer(cursor.resolve(queries[position]), index))
                    }
                    return (part, answers)
                }
            }
            var answers = [[String]](repeating: [], count: parts)
            for await (part, partAnswers) in group { answers[part] = partAnswers }
            return answers
        }
        for part in 0..<parts {
            let expected = stride(from: part, to: queries.count, by: parts).map { serial[$0] }
            #expect(answers[part] == expected, "task \(part)")
        }
    }

    @Test func threadsShareOneIndexEachWithItsOwnCursor() throws {
        let histories = Self.histories(count: 300)
        let index = AddressIndex(histories: histories)
        let queries = Self.queries(histories)
        let serial = index.resolve(queries).map { Self.answer($0, index) }
        let threads = 4
        let mismatches = Counter()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var cursor = LookupCursor(index: index)  // one per thread
            for position in stride(from: thread, to: queries.count, by: threads)
                where Self.answer(cursor.resolve(queries[position]), index) != serial[position]
            {
                mismatches.add()
            }
        }
        #expect(mismatches.value == 0)
    }

    /// A count that threads add to.
    final class Counter: @unchecked Sendable {
        private let lock = DispatchQueue(label: "counter")
        private var count = 0
        func add() { lock.sync { count += 1 } }
        var value: Int { lock.sync { count } }
    }
}
