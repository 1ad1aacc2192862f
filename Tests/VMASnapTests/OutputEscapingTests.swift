import Foundation
import Testing
@testable import VMASnap

/// Names are chosen by untrusted processes: printing them can neither forge
/// lines nor reach the terminal as escape sequences, and JSON stays valid.
@Suite struct OutputEscapingTests {
    @Test func textEscapesControlsNewlinesAndInvalidUTF8() {
        #expect(TextEscaping.escape("/usr/lib/libc.so.6") == "/usr/lib/libc.so.6")
        #expect(TextEscaping.escape("/tmp/a b (deleted)") == "/tmp/a b (deleted)")
        #expect(TextEscaping.escape("/tmp/x\nforged line") == "/tmp/x\\nforged line")
        #expect(TextEscaping.escape("/tmp/\u{1B}[31mred") == "/tmp/\\x1b[31mred")
        #expect(TextEscaping.escape("a\\b") == "a\\\\b")
        #expect(TextEscaping.escape([0x2F, 0xFF, 0xC3, 0x28]) == "/\\xff\\xc3(")
        #expect(TextEscaping.escape([0xC2, 0x9B, 0x41]) == "\\xc2\\x9bA")  // C1 CSI
        #expect(TextEscaping.escape("/opt/café/ü.so") == "/opt/café/ü.so")
        for text in [TextEscaping.escape([0x0A, 0x0D, 0x1B, 0x07, 0x7F, 0x9B, 0x00])] {
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        }
    }

    @Test func jsonIsValidForAnyBytes() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.bytes("path", Array("/tmp/x\n\"y\"\\\u{1B}é".utf8))
        writer.bytes("invalid", [0x2F, 0xFF, 0x41])
        writer.string("text", "a\\b")
        writer.string("null", nil)
        writer.integer("n", -5)
        writer.endObject()
        #expect(writer.string
            == #"{"path":"/tmp/x\n\"y\"\\\\\u001bé","invalid":"/\\xffA","text":"a\\b","null":null,"n":-5}"#)
        let parsed = try #require(JSONSerialization.jsonObject(with: Data(writer.string.utf8)) as? [String: Any])
        // Raw bytes are escaped text: a backslash doubled, an invalid byte \xNN.
        #expect(parsed["path"] as? String == "/tmp/x\n\"y\"\\\\\u{1B}é")
        #expect(parsed["invalid"] as? String == "/\\xffA")
        // A String is itself.
        #expect(parsed["text"] as? String == "a\\b")
        #expect(parsed["null"] is NSNull)
    }

    /// Issue 11: a byte 0xff and the text "\xff" are different names, so
    /// their JSON differs; decoding the rule gives the bytes back.
    @Test func jsonTellsAnInvalidByteFromItsEscapedText() throws {
        let invalid: [UInt8] = Array("/tmp/a".utf8) + [0xFF] + Array(".so".utf8)
        let literal = Array("/tmp/a\\xff.so".utf8)
        var strings: [String] = []
        for bytes in [invalid, literal] {
            var writer = JSONWriter()
            writer.bytes(nil, bytes)
            let decoded = try #require(try JSONSerialization.jsonObject(with: Data(writer.text), options: .fragmentsAllowed) as? String)
            #expect(Self.unescape(decoded) == bytes)
            strings.append(decoded)
        }
        #expect(strings[0] != strings[1])
        #expect(strings == ["/tmp/a\\xff.so", "/tmp/a\\\\xff.so"])
    }

    /// Issue 11: C1 controls (U+0080...U+009F, such as U+009B, a terminal's
    /// CSI) are escaped in JSON as C0 and DEL are, in strings and raw bytes.
    @Test func jsonEscapesEveryControlCharacter() throws {
        let controls: [UInt8] = Array(0...0x1F) + [0x7F] + (0x80...0x9F).flatMap { [0xC2, UInt8($0)] }
        for raw in [true, false] {
            var writer = JSONWriter()
            if raw { writer.bytes(nil, controls) } else { writer.string(nil, String(decoding: controls, as: UTF8.self)) }
            let text = writer.string
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
            #expect(text.contains("\\u009b") && text.contains("\\u0080") && text.contains("\\u009f") && text.contains("\\u007f"))
            let decoded = try #require(try JSONSerialization.jsonObject(with: Data(writer.text), options: .fragmentsAllowed) as? String)
            #expect(Array(decoded.utf8) == controls)
        }
    }

    /// Error messages hold names their producer escaped: printing one
    /// neutralizes control characters without escaping the escapes again.
    @Test func messagesAreEscapedOnce() throws {
        let error = SystemError(.open, "/tmp/a\\b\u{1B}x\n", .noSuchFileOrDirectory)
        #expect(error.description == "cannot open /tmp/a\\\\b\\x1bx\\n: No such file or directory (ENOENT)")
        #expect(TextEscaping.singleLine(error.description) == error.description)
        #expect(TextEscaping.singleLine("a\nb\u{9B}c\\d") == "a\\x0ab\\xc2\\x9bc\\d")
        // Through the command line: a directory named with a backslash and an
        // escape sequence, refused, named once escaped.
        let directory = TestLibraries.directory.appendingPathComponent("esc\\ape\u{1B}[31m").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let result = try CommandResult.run(["record", "-o", directory, "-a", "--duration", "10ms"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("esc\\\\ape\\x1b[31m: it is a directory"))
        #expect(!result.standardError.contains("\\\\\\\\"))
    }

    /// The inverse of JSON's raw-byte rule: "\\" is a backslash, "\xNN" the byte NN.
    static func unescape(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x5C, index + 1 < bytes.count, bytes[index + 1] == 0x5C {
                output.append(0x5C)
                index += 2
            } else if bytes[index] == 0x5C, index + 3 < bytes.count, bytes[index + 1] == UInt8(ascii: "x"),
                let high = Hex.value(of: bytes[index + 2]), let low = Hex.value(of: bytes[index + 3])
            {
                output.append(high << 4 | low)
                index += 4
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    @Test func mapsTextParserHandlesSpacesDeletedAndEscapedNewlines() {
        let text = Array("""
            55d0c0a00000-55d0c0a01000 r-xp 00001000 fe:01 1234                       /tmp/dir with spaces/lib a.so (deleted)
            7f0000000000-7f0000001000 r-xp 00000000 fe:01 99                         /tmp/new\\012line.so
            7f0000002000-7f0000003000 rw-p 00000000 00:00 0                          [heap]
            7f0000004000-7f0000005000 r-xp 00000000 00:00 0                          [vdso]
            7f0000006000-7f0000007000 r-xs 00002000 00:05 77                         /dev/zero (deleted)
            garbage line
            7f0000008000-7f0000009000 r-xp 0000zz00 00:05 77 /bad/offset

            """.utf8)
        var lines: [MapsTextParser.Line] = []
        text.withUnsafeBufferPointer { buffer in MapsTextParser.forEachExecutableFileLine(buffer) { lines.append($0) } }
        #expect(lines.count == 3)
        #expect(lines.map { String(decoding: $0.pathBytes, as: UTF8.self) }
            == ["/tmp/dir with spaces/lib a.so (deleted)", "/tmp/new\nline.so", "/dev/zero (deleted)"])
        #expect(lines[0].offset == 0x1000 && lines[0].inode == 1234 && lines[0].device == DeviceNumber(major: 0xfe, minor: 1))
        #expect(lines[2].permissions == [.read, .execute, .shared])
        #expect(MappedPath(bytes: lines[0].pathBytes).isDeleted)
    }

    /// Real files with hostile names, mapped by a real process: both backends
    /// report the raw name, and `maps` prints it escaped, one line each.
    @Test func hostileFileNamesFromARealProcess() throws {
        let fixture = try FixtureProcess()
        let source = try TestLibraries.build(name: "hostile", buildID: "feedface")
        let directory = TestLibraries.directory.appendingPathComponent("dir with spaces")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let names = ["lib a.so", "new\nline.so", "esc\u{1B}[2Jape.so"]
        var paths: [String] = []
        for name in names {
            let path = directory.appendingPathComponent(name).path
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.copyItem(atPath: source, toPath: path)
            // The fixture's commands are split on spaces: map through a plain-named link's target.
            let link = TestLibraries.directory.appendingPathComponent("link\(paths.count).so").path
            try? FileManager.default.removeItem(atPath: link)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
            try fixture.send("mmap \(link)")
            paths.append(path)
        }
        // One of them deleted while mapped.
        try FileManager.default.removeItem(atPath: paths[0])
        let ioctl = try IoctlCapture(pid: fixture.pid).capture()
        let text = try TextCapture(pid: fixture.pid).capture()
        #expect(ioctl == text)
        let reported = Set(ioctl.map { $0.path.lossyString })
        #expect(reported.contains(paths[0] + " (deleted)"))
        #expect(reported.contains(paths[1]))
        #expect(reported.contains(paths[2]))
        #expect(ioctl.filter { $0.buildID?.description == "feedface" }.count == 3)

        let result = try CommandResult.run(["maps", "-p", "\(fixture.pid)"])
        #expect(result.status == 0)
        #expect(result.lines.count == ioctl.count)
        #expect(!result.standardOutput.contains("\u{1B}"))
        #expect(result.standardOutput.contains("new\\nline.so"))
        #expect(result.standardOutput.contains("esc\\x1b[2Jape.so"))
        let json = try CommandResult.run(["maps", "-p", "\(fixture.pid)", "--json"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let jsonPaths = Set((object["mappings"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String })
        #expect(jsonPaths.isSuperset(of: [paths[0] + " (deleted)", paths[1], paths[2]]))
    }
}
