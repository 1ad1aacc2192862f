/// The one-line text form of a mapping, laid out like /proc/PID/maps with the
/// build ID before the path, so that the path, which may contain spaces,
/// stays the last field.
public enum MappingText {
    /// "START-END PERMS OFFSET DEV INODE BUILD-ID PATH"; "-" for an unknown build ID.
    public static func line(_ mapping: ExecutableMapping) -> String {
        var offset = String(mapping.offset, radix: 16)
        if offset.count < 8 { offset = String(repeating: "0", count: 8 - offset.count) + offset }
        return "\(String(mapping.start, radix: 16))-\(String(mapping.end, radix: 16)) \(mapping.permissions) "
            + "\(offset) \(mapping.device) \(mapping.inode) \(mapping.buildID?.description ?? "-") \(mapping.path)"
    }
}
