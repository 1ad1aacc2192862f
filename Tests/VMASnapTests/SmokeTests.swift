import Testing
import Foundation
@testable import VMASnap

@Suite struct FixtureSupportTests {
    @Test func fixtureAnswersAndLoadsATestLibrary() throws {
        let path = try TestLibraries.build(name: "smoke", buildID: "0123456789abcdef")
        let fixture = try FixtureProcess()
        #expect(try fixture.send("ping") == ["\(fixture.pid)"])
        let library = try fixture.dlopen(path)
        #expect(library.start < library.code && library.code < library.end)
    }
}
