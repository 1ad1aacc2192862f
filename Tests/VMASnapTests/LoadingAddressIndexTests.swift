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
        let loading = AddressIndex(loadingHistoriesWith: { pid in
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

    @Test func aLoaderErrorIsKeptAndThePIDIsUnknown() {
        struct Damaged: Error {}
        let index = AddressIndex(loadingHistoriesWith: { _ in throw Damaged() })
        #expect(index.resolve(pid: 5, time: 10, address: 0x1000).status == .unknownPID)
        #expect(index.resolve(pid: 5, time: 20, address: 0x1000).status == .unknownPID)
        #expect(index.loadingErrors.count == 1)
    }
}
