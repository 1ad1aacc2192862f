import VMASnap

/// The one-line warnings every command gives about a recording that is not
/// whole, worded the same everywhere, so that one file gets one verdict:
/// where it stops being readable, and why its stored index was not used.
/// Each is said once, however often a command reports.
final class RecordingWarnings {
    private let path: String
    private var said: Set<String> = []

    /// Warnings about the recording at `path`.
    init(path: String) { self.path = path }

    /// Prints, on stderr, what `reader` has found wrong that was not said yet.
    func report(_ reader: RecordingReader) {
        for line in Self.lines(reader, path: path) where said.insert(line).inserted {
            StandardError.line("vmasnap: warning: " + line)
        }
    }

    /// The verdict's lines (without the "vmasnap: warning: " prefix).
    static func lines(_ reader: RecordingReader, path: String) -> [String] {
        var lines: [String] = []
        let file = TextEscaping.escape(path)
        if let problem = reader.indexProblem, problem != reader.truncation?.error {
            lines.append("\(file): its index was not used (\(TextEscaping.singleLine(problem.description))); the frames were read instead")
        }
        if let truncation = reader.truncation {
            lines.append("\(file): \(TextEscaping.singleLine(truncation.description)); what comes before it is used")
        }
        return lines
    }
}
