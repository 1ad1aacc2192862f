/// Why an answer has no symbols: the right file (the one with the recorded
/// build ID) was not found, or has none. A file that does not match is
/// never used instead.
public enum NoSymbolsReason: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// A file is at the recorded path, but with another build ID (or none):
    /// it was replaced (an upgrade, a rebuild) after the recording, and no
    /// copy with the right build ID was found elsewhere.
    case fileChanged = 0
    /// No file with the build ID: not at the recorded path, not in a debug
    /// directory or the debuginfod cache.
    case notFound = 1
    /// The right file was found, but neither it nor a debug file for it has
    /// a symbol table or DWARF.
    case stripped = 2
    /// The recording has no build ID for the mapping, so no file can be
    /// shown to be the right one.
    case noBuildID = 3

    /// The name printed in text and JSON: "file-changed", "not-found",
    /// "stripped" or "no-build-id".
    public var description: String {
        switch self {
        case .fileChanged: return "file-changed"
        case .notFound: return "not-found"
        case .stripped: return "stripped"
        case .noBuildID: return "no-build-id"
        }
    }
}
