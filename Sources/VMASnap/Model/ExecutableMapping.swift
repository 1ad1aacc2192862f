/// One executable, file-backed VMA of a process: the unit vmasnap captures,
/// records and resolves addresses against.
public struct ExecutableMapping: Hashable, Sendable {
    /// The first address of the mapping.
    public var start: UInt64
    /// The address just past the mapping.
    public var end: UInt64
    /// The file offset that `start` maps.
    public var offset: UInt64
    /// Readable, writable, executable, shared.
    public var permissions: MappingPermissions
    /// The device of the mapped file.
    public var device: DeviceNumber
    /// The inode of the mapped file.
    public var inode: UInt64
    /// The page size backing the mapping (larger for hugetlb mappings).
    public var pageSize: UInt64
    /// The file's path as the kernel names it, " (deleted)" included.
    public var path: MappedPath
    /// The ELF build ID of the file, when known.
    public var buildID: BuildID?

    /// Creates a mapping from its fields.
    public init(
        start: UInt64, end: UInt64, offset: UInt64, permissions: MappingPermissions,
        device: DeviceNumber, inode: UInt64, pageSize: UInt64, path: MappedPath, buildID: BuildID?
    ) {
        self.start = start
        self.end = end
        self.offset = offset
        self.permissions = permissions
        self.device = device
        self.inode = inode
        self.pageSize = pageSize
        self.path = path
        self.buildID = buildID
    }

    /// The number of bytes mapped.
    public var size: UInt64 { end &- start }

    /// Whether `address` lies inside the mapping.
    @inlinable
    public func contains(_ address: UInt64) -> Bool { address >= start && address < end }

    /// The file offset of `address`, which must lie inside the mapping.
    @inlinable
    public func fileOffset(of address: UInt64) -> UInt64 { address &- start &+ offset }
}
