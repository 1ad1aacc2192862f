import Foundation
import Testing
@testable import VMASnap

/// Findings of `Scripts/fuzz`, each kept as the smallest input that showed it.
@Suite struct FuzzFindingTests {
    /// fuzz-recording: a keyframe whose delay put it after the next round's
    /// time made the index builder subtract a later keyframe time from an
    /// earlier one (an arithmetic overflow trap). Rounds may not begin before
    /// the walks of an earlier round: the reader now says so at that record.
    @Test func aDelayPastTheNextRoundIsACleanFormatError() throws {
        let header = RecordingHeader.current(options: "finding", backend: .ioctl, keyframeInterval: 0, start: 1_000_000_000)
        var records = ByteEncoder()
        Record.round(time: 1_000).encode(to: &records)
        Record.path(Array("/lib/a.so".utf8)).encode(to: &records)
        Record.file(StoredFile(device: 0, inode: 1, path: 0, buildID: nil)).encode(to: &records)
        Record.process(StoredProcess(number: 0, pid: 7, startTime: 1, parentPID: 1, executable: nil, command: [0x61]))
            .encode(to: &records)
        let mapping = StoredMapping(start: 0x7f00_0000_0000, end: 0x7f00_0000_1000, offset: 0, permissions: 5, file: 0, pageSize: 4096)
        Record.keyframe(process: 0, mappings: [mapping], delay: 5_000).encode(to: &records)
        Record.round(time: 2_000).encode(to: &records)
        Record.keyframe(process: 0, mappings: [mapping], delay: 0).encode(to: &records)
        let frame = FrameCodec.encode(kind: .records, payload: records.bytes, compressor: nil)
        let path = RecordingReaderTests.temporaryPath("finding-delay")
        try Data(header.encoded() + frame).write(to: URL(fileURLWithPath: path))

        let reader = try RecordingReader(path: path)
        let truncation = try #require(reader.truncation)
        #expect(truncation.error.description.contains("goes back before"))
        #expect(reader.summary.rounds <= 1)
        _ = try? reader.histories()
    }
}
