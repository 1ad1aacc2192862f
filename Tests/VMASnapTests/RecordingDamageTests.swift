import Testing
import Foundation
@testable import VMASnap

/// Cut-short, corrupt and fuzzed recordings: the reader reads back what is
/// intact, names the byte offset of what is not, and never traps.
@Suite struct RecordingDamageTests {
    /// A small recording of several frames (2 processes, 14 rounds, a flush every 2 rounds).
    static func smallRecording() throws -> (bytes: [UInt8], recording: SyntheticRecording) {
        let path = RecordingReaderTests.temporaryPath("small")
        let recording = try SyntheticRecording.write(
            to: path, seed: 7, rounds: 14, maximumProcesses: 2, changeChance: 0.4, flushInterval: 200_000_000)
        return ([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), recording)
    }

    /// Everything a client might ask, so that any trap would show; returns the
    /// records other than frame markers.
    @discardableResult
    static func exercise(_ reader: RecordingReader) -> [RecordingRecord] {
        let records = reader.records().filter { if case .frame = $0 { return false } else { return true } }
        _ = try? reader.histories()
        for number in 0..<(reader.processes.count + 1) {
            _ = try? reader.history(of: number)
            _ = reader.span(of: number)
            for time in stride(from: reader.header.start, to: reader.header.start + 2_000_000_000, by: 150_000_000) {
                _ = try? reader.state(of: number, at: time)
            }
        }
        _ = reader.summary
        return records
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func cutAtEveryByteReadsBackAPrefix() throws {
        let (bytes, _) = try Self.smallRecording()
        let path = RecordingReaderTests.temporaryPath("cut")
        try Self.write(bytes, to: path)
        let complete = Self.exercise(try RecordingReader(path: path))
        let headerLength = try RecordingReader(path: path).headerLength
        var cutShortCount = 0
        for length in 0..<bytes.count {
            try Self.write(Array(bytes[0..<length]), to: path)
            if length < headerLength {
                #expect(throws: FormatError.self) { try RecordingReader(path: path) }
                continue
            }
            let reader = try RecordingReader(path: path)
            let records = Self.exercise(reader)
            #expect(complete.starts(with: records), "cut at \(length)")
            let truncation = try #require(reader.truncation, "cut at \(length) not reported")
            #expect(truncation.offset <= UInt64(length))
            #expect(truncation.isCutShort)
            if truncation.reason != .unfinished { cutShortCount += 1 }
        }
        #expect(cutShortCount > 0)
    }

    @Test func everyCorruptByteIsReportedWithItsOffset() throws {
        let (bytes, _) = try Self.smallRecording()
        let path = RecordingReaderTests.temporaryPath("corrupt")
        try Self.write(bytes, to: path)
        let headerLength = try RecordingReader(path: path).headerLength
        for position in 0..<bytes.count {
            var damaged = bytes
            damaged[position] ^= 0x5A
            try Self.write(damaged, to: path)
            let reader: RecordingReader
            do {
                reader = try RecordingReader(path: path)
            } catch let error as FormatError {
                #expect(position < headerLength, "byte \(position): \(error)")
                #expect(String(describing: error).hasPrefix("byte "))
                continue
            }
            #expect(position >= headerLength)
            Self.exercise(reader)
            // Damage to a frame cuts the file there; damage to the index only keeps it from being used.
            let offset = try #require(reader.truncation?.offset ?? reader.indexProblem?.offset, "corrupt byte \(position) not reported")
            #expect(offset <= UInt64(position), "byte \(position) reported at \(offset)")
            let said = reader.truncation.map { String(describing: $0) } ?? reader.indexProblem.map { String(describing: $0) } ?? ""
            #expect(said.contains("byte "))
        }
    }

    /// Mutates records inside frames and fixes up the frame checksums, so the
    /// record decoders (not just the CRC) face damaged input.
    @Test func mutatedRecordsWithValidChecksumsNeverTrap() throws {
        let path = RecordingReaderTests.temporaryPath("mutated")
        _ = try SyntheticRecording.write(
            to: path, seed: 8, rounds: 14, maximumProcesses: 3, changeChance: 0.4, flushInterval: 200_000_000)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try Self.write(bytes, to: path)
        let headerLength = try RecordingReader(path: path).headerLength
        // Frame boundaries, from the frames themselves.
        var frames: [(offset: Int, prefix: FrameCodec.Prefix)] = []
        var offset = headerLength
        while offset + 24 < bytes.count || offset < bytes.count - 24 {
            let prefix = try FrameCodec.decodePrefix(Array(bytes[offset..<min(offset + 26, bytes.count)]), at: UInt64(offset))
            frames.append((offset, prefix))
            offset += prefix.totalLength
        }
        #expect(offset == bytes.count - 24)
        #expect(frames.contains { $0.prefix.encodingByte == FrameEncoding.zstd.rawValue })
        #expect(frames.contains { $0.prefix.encodingByte == FrameEncoding.stored.rawValue })
        var random = SeededGenerator(seed: 99)
        var errors = 0
        var outcomes = Outcomes()
        for iteration in 0..<1500 {
            var damaged = bytes
            if iteration % 10 == 9 {
                // The header body, with its checksum fixed up.
                let crcOffset = headerLength - 4
                damaged[Int.random(in: 16..<crcOffset, using: &random)] = UInt8.random(in: 0...255, using: &random)
                let crc = CRC32C.checksum(damaged[0..<crcOffset])
                damaged.replaceSubrange(crcOffset..<headerLength, with: withUnsafeBytes(of: crc.littleEndian, Array.init))
                try Self.write(damaged, to: path)
                do {
                    let reader = try RecordingReader(path: path)
                    outcomes.note(Outcomes.describe(reader, records: Self.exercise(reader)))
                } catch let error as FormatError {
                    #expect(error.offset < UInt64(headerLength))
                    outcomes.note("refused: \(error)")
                }
                continue
            }
            let frame = frames[iteration % frames.count]
            let payload = frame.offset + frame.prefix.length
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let position = payload + Int.random(in: 0..<frame.prefix.storedLength, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: damaged[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
                case 1: damaged[position] = UInt8.random(in: 0...255, using: &random)
                default: damaged[position] = [0, 0x7F, 0x80, 0xFF][Int.random(in: 0..<4, using: &random)]
                }
            }
            var crc = CRC32C()
            crc.update(damaged[frame.offset..<(payload - 4)])
            crc.update(damaged[payload..<(payload + frame.prefix.storedLength)])
            damaged.replaceSubrange((payload - 4)..<payload, with: withUnsafeBytes(of: crc.value.littleEndian, Array.init))
            try Self.write(damaged, to: path)
            let reader = try RecordingReader(path: path)
            outcomes.note(Outcomes.describe(reader, records: Self.exercise(reader)))
            do {
                _ = try reader.histories()
            } catch let error as FormatError {
                errors += 1
                #expect(error.offset >= UInt64(headerLength) && error.offset < UInt64(bytes.count))
            }
            if reader.truncation != nil { errors += 1 }
        }
        #expect(errors > 0)
        // (Since RECORDER_REPORT, a byte mutated into type 0x08 is decoded, not skipped: the digest was 1500:e0da60c4.)
        #expect(outcomes.digest == "1500:61aabfac", "\(outcomes.digest)\n\(outcomes.excerpt)")
    }

    @Test func randomBytesNeverTrap() throws {
        let (bytes, _) = try Self.smallRecording()
        let path = RecordingReaderTests.temporaryPath("random")
        var random = SeededGenerator(seed: 1234)
        var outcomes = Outcomes()
        for iteration in 0..<400 {
            var damaged: [UInt8]
            switch iteration % 4 {
            case 0:
                // Garbage after a valid header.
                damaged = Array(bytes.prefix(200)) + (0..<Int.random(in: 0..<400, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            case 1:
                // Bytes removed from the middle.
                damaged = bytes
                let at = Int.random(in: 100..<(bytes.count - 10), using: &random)
                damaged.removeSubrange(at..<min(at + Int.random(in: 1...40, using: &random), damaged.count))
            case 2:
                // Bytes inserted.
                damaged = bytes
                let at = Int.random(in: 100..<bytes.count, using: &random)
                damaged.insert(contentsOf: (0..<Int.random(in: 1...20, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, at: at)
            default:
                // Pure garbage behind the magic.
                damaged = Array("VMASNAP\0".utf8) + (0..<Int.random(in: 0..<300, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            }
            try Self.write(damaged, to: path)
            do {
                let reader = try RecordingReader(path: path)
                outcomes.note(Outcomes.describe(reader, records: Self.exercise(reader)))
            } catch {
                outcomes.note("refused: \(error)")
            }
        }
        // Every kind of damage met: refused files, and files read up to the damage.
        #expect(outcomes.lines.contains { $0.hasPrefix("refused") })
        #expect(outcomes.lines.contains { $0.contains("truncation: cut short") })
        // Format 1.1's header (minor version 1) changed every checksum above; with
        // the minor version set back to 0 the digest was 1.0's, 400:fb033bb7;
        // 1.1's was 400:fcc4d360, 1.2's (minor version 2) 400:2101841b; 2.0's
        // (major 2, minor 0; a 0x23 the damage makes is read as a FORK) is this one.
        #expect(outcomes.digest == "400:3c5fc1a7", "\(outcomes.digest)\n\(outcomes.excerpt)")
    }
}
