/// The kind byte of a frame.
enum FrameKind: UInt8 {
    /// PATH … GONE records.
    case records = 1
    /// The index, written last by a recorder that finished.
    case index = 2
}
