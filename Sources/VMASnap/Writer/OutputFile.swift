import SystemPackage

/// The file a recording is written to, created so that nobody else can read
/// it (it holds address-space layouts, which ASLR hides), so that nothing
/// planted at its path is followed, and so that nothing at its path but an
/// earlier recording is ever replaced.
///
/// `create` checks the path first: what is there must be absent or a regular
/// file (a device node, a FIFO, a socket, a directory or a symlink is
/// refused, and nothing is touched), and so must PATH.old; the directory,
/// and every directory above it and on the way to it, must not be writable
/// by other users without the sticky bit. It then opens a new file under a
/// temporary name in the same directory (O_CREAT|O_EXCL|O_NOFOLLOW, mode
/// 0600 whatever the umask) and locks it (flock) for as long as it is open.
/// Once the writer has put the header in it, `publish` renames an existing
/// regular file at the path to PATH.old, then gives the new file the path
/// with RENAME_NOREPLACE. The recording goes on through the same
/// descriptor, so a recorder killed at any point leaves either no file or a
/// readable one.
///
/// Two recorders on one path: each publishes holding a lock on the
/// directory, and a file at the path that another recorder still has locked
/// is not moved away but refused (`WriterError.inUse`), so exactly one of
/// them owns the path, and the others say so before they record anything.
///
/// All names are resolved relative to the directory opened (and checked)
/// once, so the directory cannot be swapped between the check and the use.
/// `RecordingWriter(path:header:)` creates one, publishes it and closes it.
public final class OutputFile {
    /// The path as given.
    public let path: String
    /// The descriptor to write the recording to (open for reading too, so
    /// that the writer can read back what it wrote); `close()` closes it.
    public var descriptor: FileDescriptor { file.descriptor }

    let file: OwnedDescriptor
    private let system: SystemCalls
    private let directoryPath: String
    private let directory: OwnedDescriptor
    private let name: String
    private let temporaryName: String
    private var published = false

    /// The suffix of the previous recording's new name, as with perf.data.old.
    public static let oldSuffix = ".old"

    /// Creates the file under a temporary name next to `path`.
    ///
    /// - Parameters:
    ///   - path: where the recording goes once published.
    ///   - force: accept directories that others can write without the sticky bit.
    /// - Returns: the file, not yet at `path`.
    /// - Throws: `WriterError`: an empty path, an unsafe directory, something
    ///   other than a regular file at `path` or PATH.old, or a system call
    ///   that failed.
    public static func create(path: String, force: Bool = false) throws -> OutputFile {
        try OutputFile(path: path, force: force, system: .live)
    }

    init(path: String, force: Bool, system: SystemCalls) throws {
        guard !path.isEmpty else { throw WriterError.emptyPath }
        let (directoryPath, name) = OutputFile.split(path)
        guard !name.isEmpty, name != ".", name != ".." else { throw WriterError.isDirectory(path: path) }
        let directory: OwnedDescriptor
        do throws(Errno) {
            directory = try OwnedDescriptor.open(directoryPath, .readOnly, options: .directory, system: system)
        } catch {
            throw WriterError.system(SystemError(.open, directoryPath, error))
        }
        if !force { try OutputFile.checkSafety(of: directoryPath, opened: directory, system: system) }
        try OutputFile.checkReplaceable(name, in: directory.descriptor, path: path, system: system)
        try OutputFile.checkReplaceable(
            name + OutputFile.oldSuffix, in: directory.descriptor, path: path + OutputFile.oldSuffix, system: system)

        // A random name, retried if taken; the base name is shortened so the
        // temporary name fits in NAME_MAX whatever the final one.
        var chosen: (name: String, file: OwnedDescriptor)?
        let stem = name.utf8.count > 200 ? String(decoding: name.utf8.prefix(200), as: UTF8.self) : name
        for _ in 0..<64 where chosen == nil {
            let candidate = ".\(stem).\(Hex.digits(UInt64(UInt32.random(in: 0...UInt32.max)))).tmp"
            do throws(Errno) {
                chosen = (candidate, try OwnedDescriptor.open(
                    candidate, in: directory.descriptor, .readWrite, options: [.create, .exclusiveCreate, .noFollow],
                    permissions: [.ownerReadWrite], system: system))
            } catch .fileExists {
                continue
            } catch {
                throw WriterError.system(SystemError(.open, OutputFile.join(directoryPath, candidate), error))
            }
        }
        guard let chosen else {
            throw WriterError.system(
                SystemError(.open, OutputFile.join(directoryPath, ".\(stem).*.tmp"), .fileExists))
        }
        // The umask can only remove bits from 0600, but a default ACL on the
        // directory could add some: set the mode explicitly.
        do throws(Errno) {
            try system.setPermissions(chosen.file.descriptor, [.ownerReadWrite])
        } catch {
            _ = try? chosen.name.withCStringTyped { (name) throws(Errno) in try system.unlink(directory.descriptor, name) }
            throw WriterError.system(SystemError(.open, OutputFile.join(directoryPath, chosen.name), error))
        }
        // Held while the file is open (the lock goes with the open file, not
        // the name): how another recorder knows the path is taken. A file
        // system without flock has no such protection.
        try? system.lock(chosen.file.descriptor, .exclusive, false)
        self.path = path
        self.system = system
        self.directoryPath = directoryPath
        self.directory = directory
        self.name = name
        self.temporaryName = chosen.name
        self.file = chosen.file
    }

    deinit {
        if !published { _ = try? temporaryName.withCStringTyped { (name) throws(Errno) in try system.unlink(directory.descriptor, name) } }
    }

    /// Gives the file its name: an existing regular file there becomes
    /// PATH.old, then the new file takes the path. Call it once the header is
    /// written, so that the path never names a file without one.
    ///
    /// - Throws: `WriterError`: `.inUse` when another recorder is writing
    ///   the file at the path, `.notARegularFile` when something else
    ///   appeared there since `create`, `.system` when a rename fails.
    public func publish() throws {
        guard !published else { return }
        // One publisher at a time in this directory: between looking at the
        // path and taking it, no other recorder can take it.
        let locked = (try? system.lock(directory.descriptor, .exclusive, true)) != nil
        defer { if locked { try? system.lock(directory.descriptor, nil, false) } }
        // Something may appear between a look and the rename that must not
        // replace it: look again then.
        for _ in 0..<8 {
            switch OutputFile.type(of: name, in: directory.descriptor, system: system) {
            case nil:
                break
            case .regular?:
                try checkNotInUse()
                try OutputFile.checkReplaceable(
                    name + OutputFile.oldSuffix, in: directory.descriptor, path: path + OutputFile.oldSuffix, system: system)
                do throws(Errno) {
                    try rename(name, to: name + OutputFile.oldSuffix)
                } catch .noSuchFileOrDirectory {
                    // It went away since: nothing to keep.
                } catch {
                    throw WriterError.system(SystemError(.rename, "\(path) to \(path + OutputFile.oldSuffix)", error))
                }
            case let type?:
                throw WriterError.notARegularFile(path: path, type: type)
            }
            do throws(Errno) {
                try takePath()
                published = true
                return
            } catch .fileExists {
                continue
            } catch {
                throw WriterError.system(SystemError(.rename, "\(OutputFile.join(directoryPath, temporaryName)) to \(path)", error))
            }
        }
        throw WriterError.system(SystemError(.rename, "\(OutputFile.join(directoryPath, temporaryName)) to \(path)", .fileExists))
    }

    /// Closes the file, reporting what close(2) says (a write-back error),
    /// and with it the lock.
    ///
    /// - Throws: `WriterError.system` when close fails.
    public func close() throws {
        do throws(Errno) {
            try file.close()
        } catch {
            throw WriterError.system(SystemError(.close, path, error))
        }
    }

    /// Renames the temporary file to the path, which must be free: EEXIST
    /// if something is there. A file system without RENAME_NOREPLACE gets a
    /// plain rename after one more look.
    private func takePath() throws(Errno) {
        do throws(Errno) {
            try temporaryName.withCStringTyped { (from) throws(Errno) in
                try name.withCStringTyped { (to) throws(Errno) in try system.renameWithoutReplacing(directory.descriptor, from, to) }
            }
        } catch .invalidArgument {
            guard OutputFile.type(of: name, in: directory.descriptor, system: system) == nil else { throw Errno.fileExists }
            try rename(temporaryName, to: name)
        }
    }

    /// Throws `.inUse` if the regular file at the path is locked: another
    /// recorder has it open.
    private func checkNotInUse() throws {
        // Non-blocking and without a controlling terminal: whatever was
        // swapped in since the look, the open neither waits nor takes it.
        guard let existing = try? OwnedDescriptor.open(
            name, in: directory.descriptor, .readOnly, options: [.noFollow, .nonBlocking, .noControllingTerminal], system: system)
        else { return }
        guard let status = try? system.status(existing.descriptor) else { return }
        guard status.type == .regular else { throw WriterError.notARegularFile(path: path, type: status.type) }
        do throws(Errno) {
            try system.lock(existing.descriptor, .exclusive, false)
        } catch .wouldBlock {
            throw WriterError.inUse(path: path)
        } catch {
            // No locks on this file system: nothing to learn.
        }
    }

    private func rename(_ from: String, to: String) throws(Errno) {
        try from.withCStringTyped { (from) throws(Errno) in
            try to.withCStringTyped { (to) throws(Errno) in try system.rename(directory.descriptor, from, to) }
        }
    }

    /// Refuses `name` in `directory` unless it is absent or a regular file.
    private static func checkReplaceable(_ name: String, in directory: FileDescriptor, path: String, system: SystemCalls) throws {
        if let type = type(of: name, in: directory, system: system), type == .directory {
            throw WriterError.isDirectory(path: path)
        } else if let type = type(of: name, in: directory, system: system), type != .regular {
            throw WriterError.notARegularFile(path: path, type: type)
        }
    }

    /// The file type of `name` itself, not of what a symlink points to; nil if there is nothing.
    private static func type(of name: String, in directory: FileDescriptor, system: SystemCalls) -> FileType? {
        try? name.withCStringTyped { (name) throws(Errno) in try system.statusAt(directory, name).type }
    }

    /// The directory and the last component of `path`: "a/b" gives ("a", "b"),
    /// "b" gives (".", "b"), "/b" gives ("/", "b"), "a/" gives ("a", "").
    static func split(_ path: String) -> (directory: String, name: String) {
        let bytes = Array(path.utf8)
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return (".", path) }
        let name = String(decoding: bytes[(slash + 1)...], as: UTF8.self)
        let directory = slash == 0 ? "/" : String(decoding: bytes[..<slash], as: UTF8.self)
        return (directory, name)
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory == "/" ? "/" + name : directory + "/" + name
    }
}
