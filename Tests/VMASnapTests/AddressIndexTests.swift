import Testing
@testable import VMASnap

/// The index against the definition of each status, read straight off the
/// snapshots by a linear scan, over random mapping histories.
@Suite struct AddressIndexTests {
    /// One generated process instance: its snapshots as the recorder took them.
    struct GeneratedInstance {
        var pid: Int32
        var startTime: UInt64
        var snapshots: [(time: Int64, mappings: [ExecutableMapping])]
        var goneTime: Int64?
    }

    static let paths = ["/lib/liba.so", "/lib/libb.so", "/usr/lib/libc.so.6", "/tmp/x y (deleted)"]
    static let buildIDs: [String?] = [nil, "aa", "0123456789abcdef", "bbbbbbbb2222222233333333"]

    /// A random mapping on a small grid, so that mappings collide often.
    static func randomMapping(_ random: inout SeededGenerator) -> ExecutableMapping {
        let start = 0x40_0000 + UInt64.random(in: 0..<48, using: &random) * 0x1000
        let pages = UInt64.random(in: 1...4, using: &random)
        return .test(start, start + pages * 0x1000, offset: UInt64.random(in: 0..<8, using: &random) * 0x1000,
                     path: paths.randomElement(using: &random)!, buildID: buildIDs.randomElement(using: &random)!)
    }

    static func overlaps(_ mapping: ExecutableMapping, _ set: [ExecutableMapping]) -> Bool {
        set.contains { $0.start < mapping.end && mapping.start < $0.end }
    }

    /// The next snapshot's set: usually unchanged, else a few removals,
    /// additions and in-place replacements.
    static func mutate(_ set: [ExecutableMapping], _ random: inout SeededGenerator) -> [ExecutableMapping] {
        var result = set
        guard Int.random(in: 0..<10, using: &random) >= 6 else { return result }
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            switch Int.random(in: 0..<3, using: &random) {
            case 0 where !result.isEmpty:
                result.remove(at: Int.random(in: 0..<result.count, using: &random))
            case 1 where !result.isEmpty:
                // Another file at the same address.
                let position = Int.random(in: 0..<result.count, using: &random)
                var replacement = randomMapping(&random)
                let old = result.remove(at: position)
                replacement.start = old.start
                replacement.end = old.start + UInt64.random(in: 1...2, using: &random) * 0x1000
                if !overlaps(replacement, result) { result.append(replacement) }
            default:
                let mapping = randomMapping(&random)
                if !overlaps(mapping, result) { result.append(mapping) }
            }
        }
        return result.sorted { $0.start < $1.start }
    }

    static func generate(seed: UInt64) -> [GeneratedInstance] {
        var random = SeededGenerator(seed: seed)
        var instances: [GeneratedInstance] = []
        for pid in Int32(100)...Int32(102) {
            var time = Int64.random(in: 0...1_000, using: &random)
            for instance in 0..<Int.random(in: 1...3, using: &random) {
                var snapshots: [(time: Int64, mappings: [ExecutableMapping])] = []
                var set = mutate([], &random)
                for _ in 0..<Int.random(in: 0...3, using: &random) { set = mutate(set, &random) }
                for _ in 0..<Int.random(in: 1...12, using: &random) {
                    snapshots.append((time, set))
                    time += Int64.random(in: 1...100, using: &random)
                    set = mutate(set, &random)
                }
                let gone: Int64? = Bool.random(using: &random) ? time + Int64.random(in: 0...50, using: &random) : nil
                instances.append(GeneratedInstance(pid: pid, startTime: UInt64(instance + 1), snapshots: snapshots, goneTime: gone))
                guard let gone else { break }  // a live process keeps its pid
                time = gone + Int64.random(in: 1...100, using: &random)
            }
        }
        return instances
    }

    /// The expected answer, from the definitions: S0 is the last snapshot
    /// at or before the time, S1 the next.
    static func linearScan(_ instances: [GeneratedInstance], pid: Int32, time: Int64, address: UInt64)
        -> (ResolutionStatus, ExecutableMapping?)
    {
        if address >= 0xffff_8000_0000_0000 { return (.kernel, nil) }
        let candidates = instances.filter { $0.pid == pid }
        if candidates.isEmpty { return (.unknownPID, nil) }
        guard let instance = candidates.filter({ $0.snapshots[0].time <= time })
            .max(by: { $0.snapshots[0].time < $1.snapshots[0].time })
        else { return (.beforeFirstSnapshot, nil) }
        if let gone = instance.goneTime, time >= gone { return (.afterExit, nil) }
        let s0Position = instance.snapshots.lastIndex { $0.time <= time }!
        let s0 = instance.snapshots[s0Position].mappings
        let s1 = s0Position + 1 < instance.snapshots.count ? instance.snapshots[s0Position + 1].mappings : nil
        let inS0 = s0.first { $0.contains(address) }
        guard let s1 else { return inS0.map { (.exact, $0) } ?? (.unmapped, nil) }
        if let inS0 { return s1.contains(inS0) ? (.exact, inS0) : (.unloadedBetween, inS0) }
        if let inS1 = s1.first(where: { $0.contains(address) }), !s0.contains(inS1), !overlaps(inS1, s0) {
            return (.loadedBetween, inS1)
        }
        return (.unmapped, nil)
    }

    static func histories(_ instances: [GeneratedInstance]) -> [ProcessHistory] {
        instances.map {
            ProcessHistory.fromSnapshots(pid: $0.pid, startTime: $0.startTime, $0.snapshots.map { ($0.time, $0.mappings) },
                                         goneTime: $0.goneTime)
        }
    }

    /// Queries that hit the interesting places: snapshot times and their
    /// neighbours, mapping edges, unknown pids, kernel addresses.
    static func queries(_ instances: [GeneratedInstance], _ random: inout SeededGenerator, count: Int) -> [LookupQuery] {
        var times: [Int64] = [0, Int64.max]
        var addresses: [UInt64] = [0, 0xffff_8000_0000_0000, 0xffff_ffff_8100_0000, 0x3f_ffff]
        for instance in instances {
            for snapshot in instance.snapshots {
                times += [snapshot.time - 1, snapshot.time, snapshot.time + 1]
                for mapping in snapshot.mappings { addresses += [mapping.start - 1, mapping.start, mapping.start + 7, mapping.end - 1, mapping.end] }
            }
            if let gone = instance.goneTime { times += [gone - 1, gone, gone + 1] }
        }
        return (0..<count).map { _ in
            LookupQuery(pid: Int32.random(in: 99...103, using: &random), time: times.randomElement(using: &random)!,
                        address: addresses.randomElement(using: &random)!)
        }
    }

    @Test(arguments: 0..<40)
    func indexAgreesWithALinearScanOfTheSnapshots(seed: UInt64) {
        let instances = AddressIndexTests.generate(seed: seed)
        let index = AddressIndex(histories: AddressIndexTests.histories(instances))
        var random = SeededGenerator(seed: seed ^ 0x5eed)
        let queries = AddressIndexTests.queries(instances, &random, count: 1500)
        // In random order, sorted (the cursor's fast paths), and one at a time.
        let sorted = queries.sorted { ($0.pid, $0.time, $0.address) < ($1.pid, $1.time, $1.address) }
        for batch in [queries, sorted] {
            let results = index.resolve(batch)
            for (query, result) in zip(batch, results) {
                let (status, mapping) = AddressIndexTests.linearScan(instances, pid: query.pid, time: query.time, address: query.address)
                let got = index.mapping(of: result)
                #expect(result.status == status && got == mapping, "seed \(seed) query \(query)")
                #expect(result.fileOffset == mapping.map { query.address - $0.start + $0.offset })
            }
        }
        for query in queries.prefix(100) {
            let single = index.resolve(pid: query.pid, time: query.time, address: query.address)
            #expect(single.status == AddressIndexTests.linearScan(instances, pid: query.pid, time: query.time, address: query.address).0)
        }
    }

    @Test func generatedHistoriesCoverEveryStatus() {
        // A property test that never meets a status proves nothing about it.
        var seen = Set<ResolutionStatus>()
        for seed in UInt64(0)..<40 {
            let instances = AddressIndexTests.generate(seed: seed)
            var random = SeededGenerator(seed: seed ^ 0x5eed)
            for query in AddressIndexTests.queries(instances, &random, count: 1500) {
                seen.insert(AddressIndexTests.linearScan(instances, pid: query.pid, time: query.time, address: query.address).0)
            }
        }
        #expect(seen == Set(ResolutionStatus.allCases).subtracting([.relative]))
    }

    @Test func unsafeBatchMatchesArrayBatch() {
        let instances = AddressIndexTests.generate(seed: 7)
        let index = AddressIndex(histories: AddressIndexTests.histories(instances))
        var random = SeededGenerator(seed: 99)
        let queries = AddressIndexTests.queries(instances, &random, count: 500)
        var results = [Resolution](repeating: Resolution(status: .unmapped), count: queries.count)
        queries.withUnsafeBufferPointer { input in
            results.withUnsafeMutableBufferPointer { output in index.resolve(input, into: output) }
        }
        #expect(results == index.resolve(queries))
    }

    @Test func pidReuseIsToldApartByFirstSnapshot() {
        let old = ExecutableMapping.test(0x1000_0000, 0x1000_4000, path: "/old")
        let new = ExecutableMapping.test(0x1000_0000, 0x1000_2000, offset: 0x3000, path: "/new")
        let index = AddressIndex(histories: [
            .fromSnapshots(pid: 7, startTime: 50, [(1000, [new]), (1100, [new])]),
            .fromSnapshots(pid: 7, startTime: 10, [(100, [old]), (200, [old])], goneTime: 300),
        ])
        #expect(index.resolve(pid: 7, time: 50, address: 0x1000_0000).status == .beforeFirstSnapshot)
        let first = index.resolve(pid: 7, time: 150, address: 0x1000_1000)
        #expect(first.status == .exact && index.mapping(of: first) == old && first.fileOffset == 0x1000)
        #expect(index.resolve(pid: 7, time: 250, address: 0x1000_1000).status == .exact)
        #expect(index.resolve(pid: 7, time: 300, address: 0x1000_1000).status == .afterExit)
        #expect(index.resolve(pid: 7, time: 999, address: 0x1000_1000).status == .afterExit)
        let second = index.resolve(pid: 7, time: 1000, address: 0x1000_1000)
        #expect(second.status == .exact && index.mapping(of: second) == new && second.fileOffset == 0x4000)
        // After its last snapshot a live process still answers: exit is not an unload.
        #expect(index.resolve(pid: 7, time: 5_000_000, address: 0x1000_1000).status == .exact)
        #expect(index.resolve(pid: 8, time: 150, address: 0x1000_1000).status == .unknownPID)
        #expect(index.resolve(pid: 8, time: 150, address: 0xffff_ffff_8100_0000).status == .kernel)
        #expect(index.history(pid: 7, at: 150)?.process.identity.startTime == 10)
        #expect(index.history(pid: 7, at: 1500)?.process.identity.startTime == 50)
    }

    @Test func replacementAtTheSameAddressIsNeverLoadedBetween() {
        // S0 has liba; S1 has libb at an overlapping range: an address there
        // between the two snapshots is liba's (flagged), never libb's.
        let a = ExecutableMapping.test(0x7000_0000, 0x7000_2000, offset: 0x1000, path: "/liba.so", buildID: "aa")
        let b = ExecutableMapping.test(0x7000_1000, 0x7000_3000, offset: 0x1000, path: "/libb.so", buildID: "bb")
        let index = AddressIndex(histories: [.fromSnapshots(pid: 1, [(10, [a]), (20, [b]), (30, [b])])])
        #expect(index.resolve(pid: 1, time: 15, address: 0x7000_1000).status == .unloadedBetween)
        #expect(index.resolve(pid: 1, time: 15, address: 0x7000_2000).status == .unmapped)
        #expect(index.resolve(pid: 1, time: 20, address: 0x7000_2000).status == .exact)
        #expect(index.resolve(pid: 1, time: 19, address: 0x7000_0000).status == .unloadedBetween)
        #expect(index.resolve(pid: 1, time: 9, address: 0x7000_0000).status == .beforeFirstSnapshot)
    }
}
