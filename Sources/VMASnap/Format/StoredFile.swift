/// A FILE record's fields.
struct StoredFile: Hashable, Sendable {
    /// major << 20 | minor.
    var device: UInt64
    var inode: UInt64
    /// The PATH number.
    var path: Int
    /// The BUILD_ID number, nil when unknown.
    var buildID: Int?
}
