/// A mapping as a record stores it: the file by number.
struct StoredMapping: Hashable, Sendable {
    var start: UInt64
    var end: UInt64
    var offset: UInt64
    /// MappingPermissions raw value (bits 0-3).
    var permissions: UInt8
    /// The FILE number.
    var file: Int
    var pageSize: UInt64
}
