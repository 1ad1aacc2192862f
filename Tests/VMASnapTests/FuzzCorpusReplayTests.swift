import Foundation
import Testing
import FuzzEntryPoints

/// The inputs kept from fuzzing (Tests/FuzzCorpus: minimized findings and
/// inputs that reached new code), replayed through the same entry points as
/// the libFuzzer targets: none may crash.
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
        for input in inputs { FuzzEntryPoints.exerciseRecording(atPath: input.path) }
    }

    @Test func textInputs() throws {
        let inputs = try Self.inputs("text")
        #expect(inputs.count >= 20)
        for input in inputs {
            let bytes = try [UInt8](Data(contentsOf: input))
            bytes.withUnsafeBufferPointer { FuzzEntryPoints.exerciseText($0) }
        }
    }

    @Test func perfDataInputs() throws {
        let inputs = try Self.inputs("perfdata")
        #expect(inputs.count >= 10)
        for input in inputs { FuzzEntryPoints.exercisePerfData(atPath: input.path) }
    }

    @Test func elfInputs() throws {
        let inputs = try Self.inputs("elf")
        #expect(inputs.count >= 20)
        for input in inputs { FuzzEntryPoints.exerciseELF(try [UInt8](Data(contentsOf: input))) }
    }
}
