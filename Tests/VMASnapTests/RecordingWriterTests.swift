import Testing
import Foundation
@testable import VMASnap

/// Writer behaviour that does not need the reader: header bytes, quiet-round
/// merging, flush policy and refusals.
@Suite struct RecordingWriterTests {
    static func header(flushInterval: Int64 = 1_000_000_000) -> RecordingHeader {
        RecordingHeader(
            start: 1_000_000_000, referenceRealtime: 1_700_000_000_000_000_000, referenceMonotonic: 1_000_000_000,
            bootID: "boot", hostName: "host", kernelRelease: "6.18.0", options: "vmasnap test",
            clockTicksPerSecond: 100, backend: "ioctl", flushInterval: flushInterval)
    }

    static func mapping(_ start: UInt64, _ end: UInt64, path: String = "/usr/lib/libx.so") -> ExecutableMapping {
        ExecutableMapping(
            start: start, end: end, offset: 0x1000, permissions: [.read, .execute], device: DeviceNumber(major: 8, minor: 1),
            inode: 42, pageSize: 4096, path: MappedPath(path), buildID: BuildID([1, 2, 3, 4]))
    }

    static let process = RecordedProcess(
        identity: ProcessIdentity(pid: 1234, startTime: 5678), parentPID: 1, command: Array("test".utf8),
        executable: MappedPath("/usr/bin/test"))

    static func temporaryPath(_ name: String) -> String {
        TestLibraries.directory.appendingPathComponent("\(name)-\(UUID().uuidString).vmasnap").path
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? -1
    }

    @Test func headerStartsWithMagicVersionAndChecksum() throws {
        let path = Self.temporaryPath("header")
        let writer = try RecordingWriter(path: path, header: Self.header())
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.prefix(8).elementsEqual(Array("VMASNAP\0".utf8)))
        #expect(bytes[8] == 2 && bytes[9] == 0 && bytes[10] == 0 && bytes[11] == 0)  // format 2.0
        let bodyLength = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        #expect(bytes.count == 16 + bodyLength + 4)
        let stored = UInt32(bytes[bytes.count - 4]) | UInt32(bytes[bytes.count - 3]) << 8
            | UInt32(bytes[bytes.count - 2]) << 16 | UInt32(bytes[bytes.count - 1]) << 24
        #expect(stored == CRC32C.checksum(bytes.dropLast(4)))
        #expect(writer.statistics.bytesWritten == UInt64(bytes.count))
        try writer.finish()
    }

    @Test func quietRoundsWaitAndMergeUntilTheFlushInterval() throws {
        let path = Self.temporaryPath("quiet")
        let writer = try RecordingWriter(path: path, header: Self.header())
        let start: Int64 = 1_000_000_000
        try writer.beginRound(time: start)
        let number = try writer.processSeen(Self.process)
        #expect(try writer.processSeen(Self.process) == number)
        #expect(try writer.snapshot(process: number, mappings: [Self.mapping(0x40_0000, 0x40_2000)]) == .keyframe)
        try writer.endRound()
        let afterHeader = Self.size(path)
        // Nine unchanged rounds 100 ms apart: nothing written yet.
        for round in 1..<10 {
            try writer.beginRound(time: start + Int64(round) * 100_000_000)
            #expect(try writer.snapshot(process: number, mappings: [Self.mapping(0x40_0000, 0x40_2000)]) == .unchanged)
            try writer.endRound()
        }
        #expect(Self.size(path) == afterHeader)
        // The tenth reaches 1 s since the start: one frame.
        try writer.beginRound(time: start + 1_000_000_000)
        try writer.endRound()
        #expect(Self.size(path) > afterHeader)
        #expect(writer.statistics.frames == 1)
        #expect(writer.statistics.rounds == 11)
        #expect(writer.statistics.snapshots == 11)
        #expect(writer.statistics.keyframes == 1)
        // ROUND, PATH, PROCESS, PATH, BUILD_ID, FILE, KEYFRAME, then one QUIET for ten rounds.
        #expect(writer.statistics.records == 8)
        try writer.finish()
    }

    @Test func refusesWhatTheFormatCannotStore() throws {
        let path = Self.temporaryPath("refuse")
        let writer = try RecordingWriter(path: path, header: Self.header())
        #expect(throws: WriterError.notInRound) { try writer.snapshot(process: 0, mappings: []) }
        #expect(throws: WriterError.timeOutOfOrder(time: 5, previous: 1_000_000_000)) { try writer.beginRound(time: 5) }
        try writer.beginRound(time: 2_000_000_000)
        #expect(throws: WriterError.roundNotEnded) { try writer.beginRound(time: 3_000_000_000) }
        let number = try writer.processSeen(Self.process)
        #expect(throws: WriterError.self) {
            try writer.snapshot(process: number, mappings: [Self.mapping(0x40_0010, 0x40_2000)])
        }
        #expect(throws: WriterError.self) {
            try writer.snapshot(process: number, mappings: [Self.mapping(0x50_0000, 0x50_2000), Self.mapping(0x40_0000, 0x40_2000)])
        }
        #expect(throws: WriterError.unknownProcess(7)) { try writer.snapshot(process: 7, mappings: []) }
        _ = try writer.snapshot(process: number, mappings: [Self.mapping(0x40_0000, 0x40_2000)])
        #expect(throws: WriterError.duplicateSnapshot(process: number)) {
            try writer.snapshot(process: number, mappings: [])
        }
        try writer.processGone(process: number, reason: .exited)
        #expect(throws: WriterError.processGone(number)) { try writer.processGone(process: number, reason: .exited) }
        try writer.endRound()
        try writer.finish()
        #expect(throws: WriterError.closed) { try writer.beginRound(time: 4_000_000_000) }
    }
}

extension RecordingWriterTests {
    /// A change (mappings removed and added), as kernel events will report
    /// them, gives the same file as the whole set would.
    @Test func aChangeIsRecordedAsTheSetItLeadsTo() throws {
        let a = Self.mapping(0x40_0000, 0x40_2000)
        let b = Self.mapping(0x50_0000, 0x50_1000, path: "/usr/lib/liby.so")
        let c = Self.mapping(0x60_0000, 0x60_4000, path: "/usr/lib/libz.so")
        var files: [[UInt8]] = []
        for byChange in [false, true] {
            let path = Self.temporaryPath("change-\(byChange)")
            let writer = try RecordingWriter(path: path, header: Self.header())
            try writer.beginRound(time: 2_000_000_000)
            let number = try writer.processSeen(Self.process)
            #expect(throws: WriterError.self) { try writer.record(SnapshotDiff(removed: [], added: [a]), process: number) }
            _ = try writer.snapshot(process: number, mappings: [a, b])
            try writer.endRound()
            try writer.beginRound(time: 2_100_000_000)
            let outcome = byChange
                ? try writer.record(SnapshotDiff(removed: [b], added: [c]), process: number, time: 2_100_000_500)
                : try writer.snapshot(process: number, mappings: [a, c], walkTime: 2_100_000_500)
            #expect(outcome == .delta)
            try writer.endRound()
            try writer.beginRound(time: 2_200_000_000)
            if byChange {
                // Removing what the process does not have, or adding over what it has, is refused.
                #expect(throws: WriterError.invalidChange("process 0 has no mapping 0x500000-0x501000 to remove")) {
                    try writer.record(SnapshotDiff(removed: [b], added: []), process: number)
                }
                #expect(throws: WriterError.self) {
                    try writer.record(SnapshotDiff(removed: [], added: [Self.mapping(0x60_1000, 0x60_2000)]), process: number)
                }
                #expect(try writer.record(SnapshotDiff(removed: [c], added: [c]), process: number) == .unchanged)
            }
            try writer.endRound()
            try writer.finish()
            files.append([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
            let history = try RecordingReader(path: path).history(of: number)
            #expect(history.epochs.map(\.mappings) == [[a, b], [a, c]])
            #expect(history.epochs[1].firstSeen == 2_100_000_500)
        }
        #expect(files[0] == files[1])
    }
}
