import Testing
import Foundation
@testable import VMASnap

/// `vmasnap info` and `vmasnap dump`, run as the CLI, on the golden files and
/// on damaged ones.
@Suite struct InfoDumpCommandTests {
    static let clean = GoldenFileTests.directory.appendingPathComponent("clean.vmasnap").path
    static let cut = GoldenFileTests.directory.appendingPathComponent("cut-short.vmasnap").path

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func infoJSONOfACleanRecording() throws {
        let result = try CommandResult.run(["info", Self.clean, "--json"])
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty)
        let info = try Self.object(result.standardOutput)
        #expect(info["snapshots"] as? Int == 9)
        #expect(info["processes"] as? Int == 2)
        #expect(info["rounds"] as? Int == 8)
        #expect(info["bytes"] as? Int == 615)
        #expect((info["duration_s"] as? Double).map { abs($0 - 0.7) < 1e-9 } == true)
        #expect(info["truncated"] as? Bool == false)
        #expect(info["truncated_at"] is NSNull)
        #expect(info["start_realtime"] as? String == "2025-11-29T00:00:00.000000000Z")
        #expect(info["boot_id"] as? String == GoldenFileTests.header.bootID)
        #expect(info["index"] as? String == "footer")
    }

    @Test func infoOfACutShortRecordingSaysWhere() throws {
        let json = try CommandResult.run(["info", Self.cut, "--json"])
        #expect(json.status == 0)
        let info = try Self.object(json.standardOutput)
        #expect(info["truncated"] as? Bool == true)
        #expect(info["truncated_at"] as? Int == 443)
        #expect(info["snapshots"] as? Int == 7)
        #expect(info["index"] as? String == "rebuilt")
        let text = try CommandResult.run(["info", Self.cut])
        #expect(text.status == 0)
        #expect(text.lines.contains { $0.hasPrefix("cut short:") && $0.contains("byte 443") })
        #expect(text.lines.contains { $0.hasPrefix("snapshots:") && $0.contains("7") })
    }

    @Test func infoFindsDamageBehindAValidIndex() throws {
        // A byte of the second frame changed: the footer and index are intact.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.clean)))
        bytes[334] ^= 0x01
        let path = RecordingReaderTests.temporaryPath("damaged")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let info = try Self.object(try CommandResult.run(["info", path, "--json"]).standardOutput)
        #expect(info["truncated"] as? Bool == true)
        #expect(info["truncated_at"] as? Int == 323)
        #expect((info["truncation_reason"] as? String)?.contains("checksum mismatch") == true)
    }

    @Test func dumpPrintsEveryRecord() throws {
        let result = try CommandResult.run(["dump", Self.clean])
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty)
        let lines = result.lines
        #expect(lines.first?.hasPrefix("header version 2.0 clock CLOCK_MONOTONIC start 1.000000000") == true)
        #expect(lines.contains("round 1.100000000"))
        #expect(lines.contains("quiet 2 rounds 1.200000000 to 1.300000000"))
        #expect(lines.contains("delta 1.400000000 process 0 removed 0 added 1"))
        #expect(lines.contains("  + 7f0010001000-7f0010002000 r-xp 00001000 08:01 3003 - /tmp/plugin.so"))
        #expect(lines.contains("  - 0x7f0010001000"))
        #expect(lines.contains("gone 1.600000000 process 1 exited"))
        #expect(lines.contains("process 1 pid 4243 start-time 123470 ppid 4242 comm worker exe /usr/bin/app"))
        #expect(lines.filter { $0.hasPrefix("frame ") }.count == 3)
        #expect(lines.contains("perf-clock perf 1.800500150 at 1.800000000 uncertainty 700 ns"))
        // One line per record (22), per frame (3), the header, and the mapping lines (2 + 1 + 1 + 2).
        #expect(lines.count == 22 + 3 + 1 + 6)
    }

    @Test func dumpJSONLinesAreValidJSON() throws {
        let result = try CommandResult.run(["dump", Self.clean, "--json"])
        #expect(result.status == 0)
        let objects = try result.lines.map(Self.object)
        #expect(objects.count == 1 + 3 + 22)
        #expect(objects.contains { $0["type"] as? String == "perf_clock" && $0["uncertainty_ns"] as? Int == 700 })
        #expect(objects.first?["type"] as? String == "header")
        let types = objects.compactMap { $0["type"] as? String }
        #expect(types.filter { $0 == "keyframe" }.count == 2)
        #expect(types.filter { $0 == "delta" }.count == 2)
        let delta = try #require(objects.first { $0["type"] as? String == "delta" })
        let added = try #require(delta["added"] as? [[String: Any]])
        #expect(added.first?["path"] as? String == "/tmp/plugin.so")
        #expect(added.first?["build_id"] is NSNull)
    }

    @Test func dumpOfACutShortFileWarnsOnceAndSucceeds() throws {
        let result = try CommandResult.run(["dump", Self.cut])
        #expect(result.status == 0)
        #expect(result.lines.contains("gone 1.600000000 process 1 exited"))
        #expect(!result.lines.contains { $0.hasPrefix("quiet 2 rounds 1.7") })
        let warning = result.standardError.split(separator: "\n")
        #expect(warning.count == 1)
        #expect(warning.first?.hasPrefix("vmasnap: warning: ") == true)
        #expect(warning.first?.contains("cut short at byte 443") == true)
    }

    @Test func unreadableFilesAreOneLineWithStatus4() throws {
        let path = RecordingReaderTests.temporaryPath("not-a-recording")
        try Data("hello, world\n".utf8).write(to: URL(fileURLWithPath: path))
        for command in ["info", "dump"] {
            let result = try CommandResult.run([command, path])
            #expect(result.status == 4)
            #expect(result.standardOutput.isEmpty)
            #expect(result.standardError == "vmasnap: byte 0: not a vmasnap recording (no \"VMASNAP\" magic)\n")
        }
        var newer = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.clean)))
        newer[8] = 3
        try Data(newer).write(to: URL(fileURLWithPath: path))
        let result = try CommandResult.run(["info", path, "--json"])
        #expect(result.status == 4)
        #expect(result.standardError.contains("format version 3.0 is not supported"))
    }
}
