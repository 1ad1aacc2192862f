/// The encoding byte of a frame.
enum FrameEncoding: UInt8 {
    /// The payload is the records' bytes.
    case stored = 0
    /// The payload is one zstd frame holding the records' bytes.
    case zstd = 1
}
