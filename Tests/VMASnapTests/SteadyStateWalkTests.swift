import Foundation
import Testing
@testable import VMASnap

/// The recorder's hot path: a walk of an unchanged process is K+1 ioctls
/// with no name or build-ID buffers.
@Suite struct SteadyStateWalkTests {
    @Test func anUnchangedProcessCostsKPlusOneBareQueries() throws {
        let loaded = try LoadedFixture(prefix: "steady")
        let counter = CountingSystemCalls()
        let capture = try IoctlCapture(pid: loaded.fixture.pid, system: counter.table)

        let first = try capture.capture()
        let k = first.count
        #expect(k >= 6)
        // The first walk fetches every name in the same K+1 queries.
        #expect(counter.queries.count == k + 1)
        #expect(counter.namedQueries == k + 1)

        for _ in 0..<3 {
            counter.reset()
            let again = try capture.capture()
            #expect(again == first)
            #expect(counter.queries.count == k + 1)
            #expect(counter.namedQueries == 0)
        }
    }

    @Test func onlyANewMappingIsNamed() throws {
        let loaded = try LoadedFixture(prefix: "newmap")
        let counter = CountingSystemCalls()
        let capture = try IoctlCapture(pid: loaded.fixture.pid, system: counter.table)
        let before = try capture.capture()

        let extra = try TestLibraries.build(name: "newmapextra", buildID: "abcdef0123")
        let library = try loaded.fixture.dlopen(extra)
        counter.reset()
        let after = try capture.capture()
        #expect(after.count == before.count + 1)
        // K+1 bare queries, plus one that fetches the new mapping's name.
        #expect(counter.queries.count == after.count + 2)
        #expect(counter.namedQueries == 1)
        let added = try #require(after.first { $0.start == library.start })
        #expect(added.path.lossyString == extra)
        #expect(added.buildID?.description == "abcdef0123")

        try loaded.fixture.send("dlclose \(library.handle)")
        counter.reset()
        let closed = try capture.capture()
        #expect(closed == before)
        #expect(counter.queries.count == before.count + 1)
        #expect(counter.namedQueries == 0)
    }

    @Test func walksAreInAddressOrderAndDoNotOverlap() throws {
        let loaded = try LoadedFixture(prefix: "order")
        let mappings = try IoctlCapture(pid: loaded.fixture.pid).capture()
        for (a, b) in zip(mappings, mappings.dropFirst()) { #expect(a.end <= b.start) }
        #expect(mappings.allSatisfy { $0.permissions.contains(.execute) && $0.inode != 0 })
    }
}
