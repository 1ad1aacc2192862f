import Foundation
import Testing
import FuzzEntryPoints

/// The inputs kept from fuzzing (Tests/FuzzCorpus: minimized findings and
/// inputs that reached new code), replayed through the same entry points as
/// the libFuzzer targets: none may crash, and each must give what it gave
/// when it was kept (the digest of every input's outcome; see `Outcomes`).
@Suite struct FuzzCorpusReplayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus")

    static func inputs(_ target: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(
            at: root.appendingPathComponent(target), includingPropertiesForKeys: nil
        ).filter { $0.lastPathComponent != "README.md" }.sorted { $0.path < $1.path }
    }

    @Test func recordingInputs() throws {
        let inputs = try Self.inputs("recording")
        #expect(inputs.count >= 20)
        var outcomes = Outcomes()
        for input in inputs {
            outcomes.note(input.lastPathComponent + ": " + FuzzEntryPoints.exerciseRecording(atPath: input.path))
        }
        // The two whole recordings read as such.
        #expect(outcomes.lines.contains { $0.hasPrefix("clean.vmasnap: records") && $0.hasSuffix("truncation: none") })
        #expect(outcomes.lines.contains { $0.hasPrefix("cut-short.vmasnap: records") && $0.contains("cut short") })
        #expect(outcomes.digest == Self.recordingDigest, "\(outcomes.digest)\n\(outcomes.excerpt)")
    }

    @Test func textInputs() throws {
        let inputs = try Self.inputs("text")
        #expect(inputs.count >= 20)
        var outcomes = Outcomes()
        for input in inputs {
            let bytes = try [UInt8](Data(contentsOf: input))
            outcomes.note(input.lastPathComponent + ": " + bytes.withUnsafeBufferPointer { FuzzEntryPoints.exerciseText($0) })
        }
        #expect(outcomes.digest == Self.textDigest, "\(outcomes.digest)\n\(outcomes.excerpt)")
    }

    @Test func perfDataInputs() throws {
        let inputs = try Self.inputs("perfdata")
        #expect(inputs.count >= 10)
        for input in inputs { FuzzEntryPoints.exercisePerfData(atPath: input.path) }
    }

    @Test func elfInputs() throws {
        let inputs = try Self.inputs("elf")
        #expect(inputs.count >= 20)
        var outcomes = Outcomes()
        for input in inputs {
            outcomes.note(input.lastPathComponent + ": " + FuzzEntryPoints.exerciseELF(try [UInt8](Data(contentsOf: input))))
        }
        #expect(outcomes.digest == Self.elfDigest, "\(outcomes.digest)\n\(outcomes.excerpt)")
    }

    // What the kept inputs give, as of the last change meant to alter it.
    static let recordingDigest = "44:af46bfe4"  // 2.0: forks-2.0.vmasnap (FORK records); the 43 before it unchanged
    static let textDigest = "40:0be20217"  // JSON: C1 escaped, backslashes of raw bytes doubled
    static let elfDigest = "64:bbff7b3a"
}
