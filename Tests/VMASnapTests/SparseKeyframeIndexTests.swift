import Foundation
import Testing
@testable import VMASnap

/// The index lists a process's keyframes at most one per keyframe interval,
/// whatever its change rate, and random access stays exact.
@Suite struct SparseKeyframeIndexTests {
    @Test func everyRoundAKeyframeButTheIndexListsOneAnInterval() throws {
        let path = RecordingReaderTests.temporaryPath("sparse")
        let start: Int64 = 5_000_000_000
        let interval: Int64 = 1_000_000_000
        let header = RecordingHeader.current(options: "test", backend: .ioctl, keyframeInterval: interval, start: start)
        let writer = try RecordingWriter(path: path, header: header)
        var generator = SeededGenerator(seed: 5)
        var walks: [(Int64, [ExecutableMapping])] = []
        let process = RecordedProcess(identity: ProcessIdentity(pid: 77, startTime: 1), parentPID: 1, command: [0x61], executable: nil)
        for round in 0..<400 {
            let time = start + Int64(round) * 25_000_000
            try writer.beginRound(time: time)
            let number = try writer.processSeen(process)
            // Every mapping moves every round: a delta would outgrow a keyframe.
            var address: UInt64 = 0x7f00_0000_0000 + UInt64.random(in: 0..<4096, using: &generator) << 12
            var walk: [ExecutableMapping] = []
            for library in 0..<8 {
                walk.append(ExecutableMapping(
                    start: address, end: address + 0x2000, offset: 0, permissions: [.read, .execute],
                    device: DeviceNumber(major: 8, minor: 1), inode: UInt64(library + 1), pageSize: 4096,
                    path: MappedPath("/lib/l\(library).so"), buildID: nil))
                address += UInt64.random(in: 3...40, using: &generator) << 12
            }
            #expect(try writer.snapshot(process: number, mappings: walk) == .keyframe)
            walks.append((time, walk))
            try writer.endRound()
        }
        try writer.finish()

        let reader = try RecordingReader(path: path)
        let span = try #require(reader.span(of: 0))
        // 400 rounds × 25 ms = 10 s: one listed keyframe a second.
        #expect(span.keyframeCount == 10)
        for (time, walk) in walks {
            #expect(try reader.state(of: 0, at: time) == walk)
            #expect(try reader.state(of: 0, at: time + 1) == walk)
        }
        // The same index when rebuilt by scanning.
        let cut = RecordingReaderTests.temporaryPath("sparse-cut")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        try Data(bytes.dropLast(24)).write(to: URL(fileURLWithPath: cut))
        #expect(try RecordingReader(path: cut).span(of: 0)?.keyframeCount == 10)
    }
}
