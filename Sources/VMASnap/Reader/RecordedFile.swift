/// A mapped file as a recording defines it once and refers to by number.
public struct RecordedFile: Hashable, Sendable {
    /// The device of the file.
    public var device: DeviceNumber
    /// The inode of the file.
    public var inode: UInt64
    /// The file's path, as the kernel named it.
    public var path: MappedPath
    /// Its ELF build ID, when known.
    public var buildID: BuildID?

    /// Creates a file description.
    public init(device: DeviceNumber, inode: UInt64, path: MappedPath, buildID: BuildID?) {
        self.device = device
        self.inode = inode
        self.path = path
        self.buildID = buildID
    }
}
