import Testing
import Foundation
@testable import VMASnap

/// Round trips through the writer and the reader: what was written is what
/// reads back (processes, every state at every time, histories, totals), and
/// the index rebuilt by scanning equals the written one.
@Suite struct RecordingReaderTests {
    static func temporaryPath(_ name: String) -> String {
        TestLibraries.directory.appendingPathComponent("\(name)-\(UUID().uuidString).vmasnap").path
    }

    /// Checks everything a reader says about `recording` against what the generator kept.
    static func check(_ reader: RecordingReader, against recording: SyntheticRecording, rounds: Int? = nil) throws {
        let rounds = rounds ?? recording.roundTimes.count
        #expect(reader.header == recording.header)
        #expect(reader.processes == Array(recording.processes.prefix(reader.processes.count)))
        for number in reader.processes.indices {
            for round in 0..<rounds {
                let time = recording.roundTimes[round]
                let expected = recording.states[number][round]
                #expect(try reader.state(of: number, at: time) == expected, "process \(number) round \(round)")
                // Halfway to the next round: still the same mappings.
                #expect(try reader.state(of: number, at: time + 50_000_000) == expected)
            }
            #expect(try reader.state(of: number, at: recording.roundTimes[0] - 1) == nil)
        }
        #expect(try reader.state(of: reader.processes.count, at: recording.roundTimes[0]) == nil)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func syntheticRecordingsRoundTrip(seed: UInt64) throws {
        let path = Self.temporaryPath("synthetic")
        let recording = try SyntheticRecording.write(to: path, seed: seed, rounds: 120)
        // The generator exercises deltas, later keyframes and several frames.
        #expect(recording.outcomes.contains(.delta))
        #expect(recording.outcomes.filter { $0 == .keyframe }.count > recording.processes.count)
        #expect(recording.statistics.frames > 10)
        let reader = try RecordingReader(path: path)
        #expect(!reader.indexWasRebuilt)
        #expect(reader.truncation == nil)
        try Self.check(reader, against: recording)
        #expect(reader.processes == recording.processes)
        let expected = recording.expectedHistories
        #expect(try reader.histories() == expected)
        for number in expected.indices {
            #expect(try reader.history(of: number) == expected[number])
            let span = try #require(reader.span(of: number))
            #expect(span.snapshotCount == expected[number].snapshotCount)
            #expect(span.goneTime == recording.goneTimes[number])
            #expect(span.firstTime == expected[number].epochs.first?.firstSeen)
        }
        let summary = reader.summary
        #expect(summary.rounds == 120)
        #expect(summary.snapshots == recording.snapshotCount)
        #expect(summary.snapshots == recording.statistics.snapshots)
        #expect(summary.records == recording.statistics.records)
        #expect(summary.frames == recording.statistics.frames)
        #expect(summary.decodedBytes == recording.statistics.decodedBytes)
        #expect(summary.fileBytes == recording.statistics.bytesWritten)
        #expect(summary.firstTime == recording.roundTimes.first)
        #expect(summary.lastTime == recording.roundTimes.last)

        // records(): every keyframe and delta the writer reported, in order, and gone reasons.
        var outcomes: [SnapshotOutcome] = []
        var gone: [Int: ProcessEnd] = [:]
        var frames = 0
        for record in reader.records() {
            switch record {
            case .keyframe: outcomes.append(.keyframe)
            case .delta: outcomes.append(.delta)
            case .gone(let process, _, let reason): gone[process] = reason
            case .frame: frames += 1
            default: break
            }
        }
        #expect(outcomes == recording.outcomes.filter { $0 != .unchanged })
        #expect(frames == summary.frames)
        for number in recording.processes.indices { #expect(gone[number] == recording.goneReasons[number]) }
        #expect(reader.truncation == nil)
    }

    @Test func rebuiltIndexEqualsTheWrittenIndex() throws {
        let path = Self.temporaryPath("index")
        let recording = try SyntheticRecording.write(to: path, seed: 11, rounds: 200, maximumProcesses: 6)
        let written = try RecordingReader(path: path)
        #expect(!written.indexWasRebuilt)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let footer = try #require(Footer.decode(Array(bytes.suffix(24)), fileSize: UInt64(bytes.count), headerLength: 0))

        // Without index and footer: a killed recorder's file.
        let cutPath = Self.temporaryPath("index-cut")
        try Data(bytes[0..<Int(footer.indexOffset)]).write(to: URL(fileURLWithPath: cutPath))
        let rebuilt = try RecordingReader(path: cutPath)
        #expect(rebuilt.indexWasRebuilt)
        #expect(rebuilt.index == written.index)
        #expect(rebuilt.truncation?.reason == .unfinished)
        #expect(rebuilt.truncation?.offset == footer.indexOffset)
        try Self.check(rebuilt, against: recording)
        #expect(try rebuilt.histories() == recording.expectedHistories)

        // With a damaged footer: rebuilt the same, and the damage reported.
        var damaged = bytes
        damaged[damaged.count - 1] ^= 0xFF
        let damagedPath = Self.temporaryPath("index-damaged")
        try Data(damaged).write(to: URL(fileURLWithPath: damagedPath))
        let scanned = try RecordingReader(path: damagedPath)
        #expect(scanned.indexWasRebuilt)
        #expect(scanned.index == written.index)
        #expect(scanned.truncation?.offset == UInt64(bytes.count - 24))
    }

    @Test func unfinishedRecordingReadsBackEverythingFlushed() throws {
        let path = Self.temporaryPath("unfinished")
        // flush() but no finish(): like a recorder killed right after a flush.
        let recording = try SyntheticRecording.write(to: path, seed: 21, rounds: 60, finish: false)
        let reader = try RecordingReader(path: path)
        #expect(reader.indexWasRebuilt)
        #expect(reader.truncation?.isCutShort == true)
        #expect(reader.truncation?.description.contains("did not finish") == true)
        try Self.check(reader, against: recording)
        #expect(try reader.histories() == recording.expectedHistories)
    }

    @Test func unknownRecordTypesAndHeaderFieldsAreSkippedAndANewerMajorIsRefused() throws {
        var header = SyntheticRecording.header(flushInterval: 0, keyframeInterval: 0)
        header.minorVersion = 7
        var bytes = header.encoded()
        // Minor 7 with an extra header field (tag 99): rewrite the body and CRC.
        bytes[10] = 7
        let bodyLength = Int(bytes[12]) | Int(bytes[13]) << 8
        var body = Array(bytes[16..<(16 + bodyLength)])
        body += [99, 3, 0xAA, 0xBB, 0xCC]
        var patched = ByteEncoder()
        patched.append(bytes[0..<12])
        patched.uint32(UInt32(body.count))
        patched.append(body)
        patched.uint32(CRC32C.checksum(patched.bytes))
        // A records frame: PROCESS, an unknown record type 0x30, ROUND, an unknown 0x24 (0x23 is FORK since 2.0).
        var records = ByteEncoder()
        Record.process(StoredProcess(number: 0, pid: 7, startTime: 9, parentPID: 1, executable: nil, command: [0x41]))
            .encode(to: &records)
        records.append([0x30, 3, 1, 2, 3])
        Record.round(time: 1_000).encode(to: &records)
        records.append([0x24, 0])
        let frame = FrameCodec.encode(kind: .records, payload: records.bytes, compressor: nil)
        // A frame of an unknown kind 9 (skipped whole), then the records frame.
        var unknownFrame = FrameCodec.encode(kind: .records, payload: [1, 2, 3], compressor: nil)
        // Kind 9, encoding 0 (stored): one byte, then the stored length, the CRC, the payload.
        unknownFrame[0] = 9
        var crc = CRC32C()
        crc.update(unknownFrame[0..<2])
        crc.update(unknownFrame[6...])
        unknownFrame.replaceSubrange(2..<6, with: withUnsafeBytes(of: crc.value.littleEndian, Array.init))
        let path = Self.temporaryPath("unknown")
        try Data(patched.bytes + unknownFrame + frame).write(to: URL(fileURLWithPath: path))

        let reader = try RecordingReader(path: path)
        #expect(reader.header.minorVersion == 7)
        #expect(reader.header.bootID == header.bootID)
        #expect(reader.processes.count == 1)
        let list = reader.records().filter { if case .frame = $0 { return false } else { return true } }
        #expect(list.count == 4)
        #expect(list[1] == .unknown(type: 0x30, length: 3))
        #expect(list[2] == .round(time: header.start + 1_000))
        #expect(list[3] == .unknown(type: 0x24, length: 0))
        #expect(reader.summary.rounds == 1)
        #expect(reader.truncation?.reason == .unfinished)

        // Major 3: refused, naming the version.
        var newer = patched.bytes
        newer[8] = 3
        try Data(newer).write(to: URL(fileURLWithPath: path))
        #expect(throws: FormatError(offset: 8, reason: .unsupportedVersion(major: 3, minor: 7))) {
            try RecordingReader(path: path)
        }
        // Not a recording at all.
        try Data("#!/bin/sh\necho hello\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: FormatError(offset: 0, reason: .notARecording)) { try RecordingReader(path: path) }
    }
}
