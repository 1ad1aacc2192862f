import Foundation

/// A fixture that has dlopen'ed test libraries whose build IDs are 4, 8, 20
/// and 32 bytes long.
struct LoadedFixture {
    static let buildIDs = [
        "c0ffee01",
        "0011223344556677",
        "5f3c1b0e9a7d4c2b8e6f1a3d5c7b9e0f2a4c6e8b",
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
    ]

    let fixture: FixtureProcess
    let libraries: [(path: String, buildID: String, loaded: FixtureProcess.LoadedLibrary)]

    init(prefix: String) throws {
        fixture = try FixtureProcess()
        var libraries: [(String, String, FixtureProcess.LoadedLibrary)] = []
        for (index, id) in LoadedFixture.buildIDs.enumerated() {
            let path = try TestLibraries.build(name: "\(prefix)\(index)", buildID: id, seed: index + 1, padding: index * 40)
            libraries.append((path, id, try fixture.dlopen(path)))
        }
        self.libraries = libraries
    }
}
