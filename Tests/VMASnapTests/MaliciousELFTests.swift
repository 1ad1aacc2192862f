import Foundation
import Testing
@testable import VMASnap

/// Untrusted processes choose the ELF files they map. Truncated and malicious
/// images, mapped executable by a real process, are read by both backends
/// without crashing or reading past their bounds, and report no build ID.
@Suite struct MaliciousELFTests {
    static func files() throws -> [String: [UInt8]] {
        let good = ELFBuildIDReaderTests.note(description: [0xAA, 0xBB, 0xCC, 0xDD])
        let valid = ELFBuildIDReaderTests.image(notes: good)
        let real = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try TestLibraries.build(name: "truncsource", buildID: "1234abcd"))))
        return [
            "truncated-real.so": Array(real.prefix(real.count / 3)),
            "truncated-header.so": Array(valid.prefix(40)) + [UInt8](repeating: 0, count: 4096 - 40),
            "note-past-end.so": ELFBuildIDReaderTests.image(
                notes: ELFBuildIDReaderTests.note(description: [1, 2], declaredDescriptionSize: 0x7FFF_FFFF)),
            "huge-phnum.so": ELFBuildIDReaderTests.image(notes: good, phnum: 0xFFFF),
            "segment-past-end.so": ELFBuildIDReaderTests.image(notes: good, noteOffset: 1 << 40, noteSize: 1 << 20),
            "huge-segment.so": ELFBuildIDReaderTests.image(notes: good, noteSize: 1 << 62),
        ]
    }

    @Test func bothBackendsSurviveHostileImagesInARealProcess() throws {
        let fixture = try FixtureProcess()
        var paths: [String] = []
        for (name, bytes) in try Self.files() {
            let path = TestLibraries.directory.appendingPathComponent("hostile-\(name)").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            try fixture.send("mmap \(path)")
            paths.append(path)
        }
        let ioctl = try IoctlCapture(pid: fixture.pid).capture()
        let text = try TextCapture(pid: fixture.pid).capture()
        #expect(ioctl == text)
        for path in paths {
            let mapping = try #require(ioctl.first { $0.path.lossyString == path })
            // A real library's note sits near its start: a third of the file still holds it.
            let expected = path.hasSuffix("truncated-real.so") ? BuildID(hex: "1234abcd") : nil
            #expect(mapping.buildID == expected, "\(path)")
        }
        let result = try CommandResult.run(["maps", "-p", "\(fixture.pid)", "--json"])
        #expect(result.status == 0)
    }
}
