/// The one-line text form of a mapping, laid out like /proc/PID/maps with the
/// build ID before the path, so that the path, which may contain spaces,
/// stays the last field.
public enum MappingText {
    /// "START-END PERMS OFFSET DEV INODE BUILD-ID PATH"; "-" for an unknown build ID.
    public static func line(_ mapping: ExecutableMapping) -> String {
        "\(Hex.digits(mapping.start))-\(Hex.digits(mapping.end)) \(mapping.permissions) "
            + "\(Hex.digits(mapping.offset, minimumDigits: 8)) \(mapping.device) \(mapping.inode) \(mapping.buildID?.description ?? "-") \(mapping.path)"
    }
}
