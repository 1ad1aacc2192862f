/// The JSON members of a mapping, shared by every command that prints one.
public enum MappingJSON {
    /// One mapping as an object: start, end, offset, perms, dev, inode,
    /// page_size, path, build_id.
    public static func write(_ mapping: ExecutableMapping, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.string("start", AddressText.format(mapping.start))
        writer.string("end", AddressText.format(mapping.end))
        writer.string("offset", AddressText.format(mapping.offset))
        writer.string("perms", mapping.permissions.description)
        writer.string("dev", mapping.device.description)
        writer.integer("inode", mapping.inode)
        writer.integer("page_size", mapping.pageSize)
        writer.bytes("path", mapping.path.bytes)
        writer.string("build_id", mapping.buildID?.description)
        writer.endObject()
    }

    /// The members that answer "where is this address": path, file_offset,
    /// build_id, start, end; all null when `mapping` is nil.
    public static func writeResolution(_ mapping: ExecutableMapping?, address: UInt64, to writer: inout JSONWriter) {
        writer.bytes("path", mapping?.path.bytes)
        writer.string("file_offset", mapping.map { AddressText.format($0.fileOffset(of: address)) })
        writer.string("build_id", mapping?.buildID?.description)
        writer.string("start", mapping.map { AddressText.format($0.start) })
        writer.string("end", mapping.map { AddressText.format($0.end) })
    }

    /// The members that say which mapping an event concerns: path, build_id,
    /// start, end, offset (`timeline` and `diff` lines).
    public static func writeMembers(of mapping: ExecutableMapping, to writer: inout JSONWriter) {
        writer.bytes("path", mapping.path.bytes)
        writer.string("build_id", mapping.buildID?.description)
        writer.string("start", AddressText.format(mapping.start))
        writer.string("end", AddressText.format(mapping.end))
        writer.string("offset", AddressText.format(mapping.offset))
    }
}
