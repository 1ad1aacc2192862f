import SystemPackage

/// The file a recording is written to, created so that nobody else can read
/// it (it holds address-space layouts, which ASLR hides) and so that nothing
/// planted at its path is followed.
///
/// `create` opens a new file under a temporary name in the same directory
/// (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600 whatever the umask). Once the writer
/// has put the header in it, `publish` renames an existing regular file at
/// the path to PATH.old (rename never follows a symlink, and replaces an
/// existing PATH.old atomically), then renames the new file to the path,
/// which replaces a symlink or anything else there rather than writing
/// through it. The recording goes on through the same descriptor, so a
/// recorder killed at any point leaves either no file or a readable one.
///
/// All names are resolved relative to the directory opened (and checked)
/// once, so the directory cannot be swapped between the check and the use.
/// `RecordingWriter(path:header:)` creates one, publishes it and closes it.
public final class OutputFile {
    /// The path as given.
    public let path: String
    /// The descriptor to write the recording to; `close()` closes it.
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
    ///   - force: accept a directory that others can write without the sticky bit.
    /// - Returns: the file, not yet at `path`.
    /// - Throws: `WriterError`: an unsafe directory, a directory at `path`,
    ///   or a system call that failed.
    public static func create(path: String, force: Bool = false) throws -> OutputFile {
        try OutputFile(path: path, force: force, system: .live)
    }

    init(path: String, force: Bool, system: SystemCalls) throws {
        let (directoryPath, name) = OutputFile.split(path)
        guard !name.isEmpty, name != ".", name != ".." else { throw WriterError.isDirectory(path: path) }
        let directory: OwnedDescriptor
        do throws(Errno) {
            directory = try OwnedDescriptor.open(directoryPath, .readOnly, options: .directory, system: system)
        } catch {
            throw WriterError.system(SystemError(.open, directoryPath, error))
        }
        let status: Stat
        do throws(Errno) {
            status = try system.status(directory.descriptor)
        } catch {
            throw WriterError.system(SystemError(.stat, directoryPath, error))
        }
        let mode = UInt32(status.mode.rawValue)
        if !force && status.permissions.contains(.otherWrite) && !status.permissions.contains(.saveText) {
            throw WriterError.unsafeDirectory(directory: directoryPath, mode: mode)
        }
        if OutputFile.type(of: name, in: directory.descriptor, system: system) == .directory {
            throw WriterError.isDirectory(path: path)
        }

        // A random name, retried if taken; the base name is shortened so the
        // temporary name fits in NAME_MAX whatever the final one.
        var chosen: (name: String, file: OwnedDescriptor)?
        let stem = name.utf8.count > 200 ? String(decoding: name.utf8.prefix(200), as: UTF8.self) : name
        for _ in 0..<64 where chosen == nil {
            let candidate = ".\(stem).\(Hex.digits(UInt64(UInt32.random(in: 0...UInt32.max)))).tmp"
            do throws(Errno) {
                chosen = (candidate, try OwnedDescriptor.open(
                    candidate, in: directory.descriptor, .writeOnly, options: [.create, .exclusiveCreate, .noFollow],
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
    /// - Throws: `WriterError` when a rename fails.
    public func publish() throws {
        guard !published else { return }
        if OutputFile.type(of: name, in: directory.descriptor, system: system) == .regular {
            do throws(Errno) {
                try rename(name, to: name + OutputFile.oldSuffix)
            } catch .noSuchFileOrDirectory {
                // It went away since: nothing to keep.
            } catch {
                throw WriterError.system(SystemError(.rename, "\(path) to \(path + OutputFile.oldSuffix)", error))
            }
        }
        do throws(Errno) {
            try rename(temporaryName, to: name)
        } catch .isDirectory {
            throw WriterError.isDirectory(path: path)
        } catch {
            throw WriterError.system(SystemError(.rename, "\(OutputFile.join(directoryPath, temporaryName)) to \(path)", error))
        }
        published = true
    }

    /// Closes the file, reporting what close(2) says (a write-back error).
    ///
    /// - Throws: `WriterError.system` when close fails.
    public func close() throws {
        do throws(Errno) {
            try file.close()
        } catch {
            throw WriterError.system(SystemError(.close, path, error))
        }
    }

    private func rename(_ from: String, to: String) throws(Errno) {
        try from.withCStringTyped { (from) throws(Errno) in
            try to.withCStringTyped { (to) throws(Errno) in try system.rename(directory.descriptor, from, to) }
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

    private static func join(_ directory: String, _ name: String) -> String {
        directory == "/" ? "/" + name : directory + "/" + name
    }
}
