import Foundation
@testable import VMASnap

/// A recorder writing to a fresh file, driven round by round by a test (no
/// timing, no signals), and the reader of what it wrote.
final class RecorderHarness {
    let path: String
    let writer: RecordingWriter
    let recorder: Recorder

    init(target: RecordingTarget, backend: CaptureBackend = .ioctl, system: SystemCalls = .live) throws {
        path = TestLibraries.directory.appendingPathComponent("harness-\(UInt32.random(in: 0...UInt32.max)).data").path
        writer = try RecordingWriter(path: path, header: .current(options: "test", backend: backend))
        var configuration = RecorderConfiguration(target: target, backend: backend)
        configuration.adoptsOrphans = false
        recorder = try Recorder(configuration: configuration, writer: writer, system: system)
        if case .processes(let pids) = target {
            for pid in pids {
                if let entry = recorder.processes.stat(pid: pid) { recorder.targetIdentities[pid] = entry.identity }
                recorder.pendingTargets.insert(pid)
            }
        }
    }

    /// One round now.
    @discardableResult
    func round() throws -> RecordingOutcome.Ending? { try recorder.round() }

    /// Finishes the file and opens it.
    func finish() throws -> RecordingReader {
        try writer.finish()
        return try RecordingReader(path: path)
    }
}

extension ProcessHistory {
    /// The file names (last path component) of each epoch's mappings.
    var fileNames: [[String]] {
        epochs.map { epoch in epoch.mappings.map { String($0.path.lossyString.split(separator: "/").last ?? "") } }
    }
}
