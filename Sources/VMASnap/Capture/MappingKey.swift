import CProcmapQuery

/// What the kernel reports about a VMA without its name: the fields a walk
/// compares to decide that a mapping is unchanged since the previous walk.
/// Plain data, so comparing costs no reference counting.
struct MappingKey: Equatable {
    var start: UInt64
    var end: UInt64
    var offset: UInt64
    var inode: UInt64
    var deviceMajor: UInt32
    var deviceMinor: UInt32
    var flags: UInt64

    @inline(__always)
    init(_ reply: procmap_query) {
        start = reply.vma_start
        end = reply.vma_end
        offset = reply.vma_offset
        inode = reply.inode
        deviceMajor = reply.dev_major
        deviceMinor = reply.dev_minor
        flags = reply.vma_flags & 0x0F
    }

    init(_ mapping: ExecutableMapping) {
        start = mapping.start
        end = mapping.end
        offset = mapping.offset
        inode = mapping.inode
        deviceMajor = mapping.device.major
        deviceMinor = mapping.device.minor
        flags = UInt64(mapping.permissions.rawValue)
    }
}
