import SystemPackage

extension OutputFile {
    /// Refuses a directory for the recording when another user could rename,
    /// replace or delete it, or plant names in it: when the directory, one
    /// above it on disk, or one that the path names on the way to it is
    /// writable by others without the sticky bit. Whoever can write into
    /// `ww` can replace `ww/sub` with a directory of their own, so
    /// `ww/sub/x.data` is no safer than `ww/x.data`.
    ///
    /// - Throws: `WriterError.unsafeDirectory` naming the first such directory.
    static func checkSafety(of directoryPath: String, opened directory: OwnedDescriptor, system: SystemCalls) throws {
        // The directory and its parents as they are, up to the root.
        var current = directory
        var status: Stat
        do throws(Errno) {
            status = try system.status(directory.descriptor)
        } catch {
            throw WriterError.system(SystemError(.stat, directoryPath, error))
        }
        var shown = directoryPath
        while true {
            try check(status, named: shown)
            guard let parent = try? OwnedDescriptor.open("..", in: current.descriptor, .readOnly,
                                                         options: [.pathOnly, .directory], system: system),
                let parentStatus = try? system.status(parent.descriptor)
            else { break }
            // The root is its own parent.
            if parentStatus.deviceID == status.deviceID && parentStatus.inode == status.inode { break }
            shown = name(of: parent, system: system) ?? join(shown, "..")
            current = parent
            status = parentStatus
        }
        // The directories the path names, which a symlink may have led
        // elsewhere than the parents above.
        for prefix in prefixes(of: directoryPath) {
            guard let opened = try? OwnedDescriptor.open(prefix, .readOnly, options: [.pathOnly, .directory], system: system),
                let prefixStatus = try? system.status(opened.descriptor)
            else { continue }
            try check(prefixStatus, named: prefix)
        }
    }

    private static func check(_ status: Stat, named name: String) throws {
        if status.permissions.contains(.otherWrite) && !status.permissions.contains(.saveText) {
            throw WriterError.unsafeDirectory(directory: name, mode: UInt32(status.mode.rawValue))
        }
    }

    /// The path of an open directory, from /proc/self/fd.
    private static func name(of directory: OwnedDescriptor, system: SystemCalls) -> String? {
        var target = [UInt8](repeating: 0, count: 4097)
        let link = "/proc/self/fd/\(directory.descriptor.rawValue)"
        let length = try? link.withCStringTyped { (link) throws(Errno) in
            try target.withUnsafeMutableBytesTyped { (raw) throws(Errno) in try system.readLink(directory.descriptor, link, raw) }
        }
        guard let length, length > 0, length < target.count else { return nil }
        return String(decoding: target[0..<length], as: UTF8.self)
    }

    /// "a/b/c" gives ".", "a", "a/b" and "a/b/c"; "/a/b" gives "/", "/a" and "/a/b".
    static func prefixes(of path: String) -> [String] {
        let absolute = path.hasPrefix("/")
        var prefixes = [absolute ? "/" : "."]
        var current = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            current = current.isEmpty && !absolute ? String(component) : current + "/" + component
            prefixes.append(current)
        }
        return prefixes
    }
}
