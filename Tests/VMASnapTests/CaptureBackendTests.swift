import Foundation
import Testing
@testable import VMASnap

@Suite struct CaptureBackendTests {
    /// Kernels from 6.11 have PROCMAP_QUERY; on them `auto` must choose it.
    @Test func autoChoosesTheIoctlOnKernelsThatHaveIt() throws {
        let numbers = KernelInfo.release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        let hasIoctl = numbers.count == 2 && (numbers[0], numbers[1]) >= (6, 11)
        #expect(try MappingCaptures.resolve(.auto) == (hasIoctl ? .ioctl : .text))
        #expect(try MappingCaptures.open(pid: getpid()).backend == (hasIoctl ? .ioctl : .text))
    }

    @Test func ioctlAndTextBackendsGiveIdenticalMappings() throws {
        let loaded = try LoadedFixture(prefix: "agree")
        let ioctl = try IoctlCapture(pid: loaded.fixture.pid).capture()
        let text = try TextCapture(pid: loaded.fixture.pid).capture()
        #expect(ioctl.count >= 4 + 2)  // the four libraries, the fixture, libc, ld.so
        #expect(ioctl == text)
    }

    @Test func buildIDsAreTheFilesNotesWhateverTheirLength() throws {
        let loaded = try LoadedFixture(prefix: "notes")
        for capture in [try IoctlCapture(pid: loaded.fixture.pid) as any MappingCapture,
                        try TextCapture(pid: loaded.fixture.pid)] {
            let mappings = try capture.capture()
            for library in loaded.libraries {
                let mapping = try #require(mappings.first { $0.path.lossyString == library.path })
                #expect(mapping.buildID?.description == library.buildID, "\(capture.backend)")
                #expect(mapping.buildID?.bytes.count == library.buildID.count / 2)
            }
            // System libraries: the note read from the file on disk.
            for mapping in mappings where mapping.path.lossyString.hasPrefix("/usr/lib") {
                let image = try [UInt8](Data(contentsOf: URL(fileURLWithPath: mapping.path.lossyString)))
                #expect(mapping.buildID == ELFBuildIDReader.buildID(in: image))
            }
        }
    }

    @Test func mapsListsExactlyTheExecutableFileBackedLines() throws {
        let loaded = try LoadedFixture(prefix: "mapsjson")
        let result = try CommandResult.run(["maps", "-p", "\(loaded.fixture.pid)", "--json"])
        #expect(result.status == 0)
        #expect(result.lines.count == 1)
        let object = try #require(JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["pid"] as? Int == Int(loaded.fixture.pid))
        #expect(object["backend"] as? String == "ioctl")
        let mappings = try #require(object["mappings"] as? [[String: Any]])
        let expected = try MapsTextLine.executableFileLines(pid: loaded.fixture.pid)
        #expect(mappings.count == expected.count)
        for (json, line) in zip(mappings, expected) {
            #expect(json["start"] as? String == "0x" + String(line.start, radix: 16))
            #expect(json["end"] as? String == "0x" + String(line.end, radix: 16))
            #expect(json["offset"] as? String == "0x" + String(line.offset, radix: 16))
            #expect(json["perms"] as? String == line.perms)
            #expect(json["dev"] as? String == line.dev)
            #expect(json["inode"] as? Int == Int(line.inode))
            #expect(json["path"] as? String == line.path)
            #expect(json["page_size"] as? Int == 4096)
        }
        for library in loaded.libraries {
            #expect(mappings.contains { $0["path"] as? String == library.path && $0["build_id"] as? String == library.buildID })
        }
    }

    @Test func queryGivesTheFileOffsetsOfMapsArithmetic() throws {
        let loaded = try LoadedFixture(prefix: "query")
        let lines = try MapsTextLine.executableFileLines(pid: loaded.fixture.pid)
        var addresses: [UInt64] = []
        for line in lines { addresses += [line.start, line.start + (line.end - line.start) / 3, line.end - 1] }
        let unmapped: UInt64 = 0x1000
        let arguments = ["query", "-p", "\(loaded.fixture.pid)", "--json"] + (addresses + [unmapped]).map { "0x" + String($0, radix: 16) }
        let result = try CommandResult.run(arguments)
        #expect(result.status == 0)
        let answers = try result.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(answers.count == addresses.count + 1)
        for (answer, address) in zip(answers, addresses) {
            let line = try #require(lines.first { address >= $0.start && address < $0.end })
            #expect(answer["address"] as? String == "0x" + String(address, radix: 16))
            #expect(answer["file_offset"] as? String == "0x" + String(address - line.start + line.offset, radix: 16))
            #expect(answer["path"] as? String == line.path)
            #expect(answer["start"] as? String == "0x" + String(line.start, radix: 16))
        }
        let last = try #require(answers.last)
        #expect(last["status"] as? String == "unmapped")
        #expect(last["path"] is NSNull)
        #expect(last["file_offset"] is NSNull)
    }

    @Test func queryPrintsNotMappedAndOffsetsInText() throws {
        let loaded = try LoadedFixture(prefix: "querytext")
        let library = loaded.libraries[0]
        let code = library.loaded.code
        let result = try CommandResult.run(["query", "-p", "\(loaded.fixture.pid)", String(code, radix: 16), "0x10"])
        #expect(result.status == 0)
        #expect(result.lines.count == 2)
        #expect(result.lines[0].hasPrefix("0x\(String(code, radix: 16)) \(library.path)+0x"))
        #expect(result.lines[0].hasSuffix(library.buildID))
        #expect(result.lines[1] == "0x10 not mapped")
    }
}
