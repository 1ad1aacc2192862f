import Foundation
import Testing
@testable import VMASnap

/// A loading index reads a pid's histories only when a lookup first asks
/// about it, and answers exactly as an index built from every history.
@Suite struct LoadingAddressIndexTests {
    @Test(arguments: [3, 11, 29] as [UInt64])
    func answersAsTheEagerIndexAndLoadsEachPIDOnceWhenAsked(seed: UInt64) {
        let instances = AddressIndexTests.generate(seed: seed)
        let histories = AddressIndexTests.histories(instances)
        let eager = AddressIndex(histories: histories)
        var loads: [Int32] = []
        let loading = LoadingAddressIndex(loadingHistoriesWith: { pid in
            loads.append(pid)
            return histories.filter { $0.process.identity.pid == pid }
        })
        #expect(loading.histories.isEmpty)

        var random = SeededGenerator(seed: seed)
        let queries = AddressIndexTests.queries(instances, &random, count: 3000)
        let asked = Set(queries.map(\.pid))
        // Sorted and unsorted, through a cursor that sees the index grow.
        for batch in [queries, queries.sorted { ($0.pid, $0.time, $0.address) < ($1.pid, $1.time, $1.address) }] {
            let expected = eager.resolve(batch).map { resolution in
                (resolution.status, resolution.fileOffset, eager.mapping(of: resolution))
            }
            let actual = loading.resolve(batch).map { resolution in
                (resolution.status, resolution.fileOffset, loading.mapping(of: resolution))
            }
            #expect(expected.count == actual.count)
            for (a, b) in zip(expected, actual) {
                #expect(a.0 == b.0 && a.1 == b.1 && a.2 == b.2)
            }
        }
        #expect(loads.count == Set(loads).count)
        #expect(Set(loads) == asked)
    }

    /// Many pids, loaded one after another: each is indexed on its own, so an
    /// answer's mapping ID keeps naming the same mapping however many pids
    /// load after it, and every answer and history is the eager index's.
    @Test func answersKeepTheirMappingsAsMorePIDsLoad() {
        let histories = SharedAddressIndexTests.histories(count: 600)
        let eager = AddressIndex(histories: histories)
        var loads = 0
        let loading = LoadingAddressIndex(loadingHistoriesWith: { pid in
            loads += 1
            return histories.filter { $0.process.identity.pid == pid }
        })
        var cursor = LookupCursor(index: loading)
        var seen: [(Int32, ExecutableMapping)] = []
        let queries = SharedAddressIndexTests.queries(histories)
        for query in queries {
            let answer = cursor.resolve(query)
            let expected = eager.resolve(pid: query.pid, time: query.time, address: query.address)
            #expect(answer.status == expected.status && answer.fileOffset == expected.fileOffset)
            #expect(loading.mapping(of: answer) == eager.mapping(of: expected))
            if let id = answer.mappingID { seen.append((id, loading.mapping(id))) }
            #expect(loading.history(pid: query.pid, at: query.time) == eager.history(pid: query.pid, at: query.time))
        }
        #expect(loads == Set(queries.map(\.pid)).count)
        #expect(seen.count > 1000)
        #expect(seen.allSatisfy { loading.mapping($0.0) == $0.1 })
        #expect(loading.histories.count == histories.count)
    }

    @Test func aLoaderErrorIsKeptAndThePIDIsUnknown() {
        struct Damaged: Error {}
        let index = LoadingAddressIndex(loadingHistoriesWith: { _ in throw Damaged() })
        #expect(index.resolve(pid: 5, time: 10, address: 0x1000).status == .unknownPID)
        #expect(index.resolve(pid: 5, time: 20, address: 0x1000).status == .unknownPID)
        #expect(index.loadingErrors.count == 1)
    }
}
