#if canImport(Glibc)
import Glibc
#endif

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
public final class OutputFile {
    /// The path as given.
    public let path: String
    /// The descriptor to write the recording to; the file closes it.
    public let descriptor: Int32

    private let system: SystemCalls
    private let directory: String
    private let directoryFD: Int32
    private let name: String
    private let temporaryName: String
    private var published = false

    /// The suffix of the previous recording's new name, as with perf.data.old.
    public static let oldSuffix = ".old"

    /// Creates the file under a temporary name next to `path`. Refuses a
    /// directory that others can write without the sticky bit unless `force`.
    public static func create(path: String, force: Bool = false) throws -> OutputFile {
        try OutputFile(path: path, force: force, system: .live)
    }

    init(path: String, force: Bool, system: SystemCalls) throws {
        let (directory, name) = OutputFile.split(path)
        guard !name.isEmpty, name != ".", name != ".." else { throw OutputFileError.isDirectory(path: path) }
        let directoryFD: Int32
        switch directory.withCString({ cPath in
            valueOrErrno { system.open(cPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0) }
        }) {
        case .success(let fd): directoryFD = fd
        case .failure(let errno): throw OutputFileError.system(SystemError(.open, directory, errno))
        }
        var opened = false
        defer { if !opened { _ = system.close(directoryFD) } }

        var status = stat()
        if case .failure(let errno) = valueOrErrno({ system.fstat(directoryFD, &status) }) {
            throw OutputFileError.system(SystemError(.stat, directory, errno))
        }
        let mode = UInt32(status.st_mode)
        if !force && mode & UInt32(S_IWOTH) != 0 && mode & UInt32(S_ISVTX) == 0 {
            throw OutputFileError.unsafeDirectory(directory: directory, mode: mode)
        }
        if OutputFile.kind(of: name, in: directoryFD, system: system) == S_IFDIR {
            throw OutputFileError.isDirectory(path: path)
        }

        // A random name, retried if taken; the base name is shortened so the
        // temporary name fits in NAME_MAX whatever the final one.
        var chosen: (name: String, fd: Int32)?
        let stem = name.utf8.count > 200 ? String(decoding: name.utf8.prefix(200), as: UTF8.self) : name
        for _ in 0..<64 where chosen == nil {
            let candidate = ".\(stem).\(String(UInt32.random(in: 0...UInt32.max), radix: 16)).tmp"
            let result = candidate.withCString { cName in
                valueOrErrno {
                    system.openat(directoryFD, cName, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
                }
            }
            switch result {
            case .success(let fd): chosen = (candidate, fd)
            case .failure(let errno) where errno.rawValue == EEXIST: continue
            case .failure(let errno):
                throw OutputFileError.system(SystemError(.open, OutputFile.join(directory, candidate), errno))
            }
        }
        guard let chosen else {
            throw OutputFileError.system(
                SystemError(.open, OutputFile.join(directory, ".\(stem).*.tmp"), Errno(rawValue: EEXIST)))
        }
        // The umask can only remove bits from 0600, but a default ACL on the
        // directory could add some: set the mode explicitly.
        if case .failure(let errno) = valueOrErrno({ system.fchmod(chosen.fd, 0o600) }) {
            _ = chosen.name.withCString { system.unlinkat(directoryFD, $0, 0) }
            _ = system.close(chosen.fd)
            throw OutputFileError.system(SystemError(.open, OutputFile.join(directory, chosen.name), errno))
        }
        opened = true
        self.path = path
        self.system = system
        self.directory = directory
        self.directoryFD = directoryFD
        self.name = name
        self.temporaryName = chosen.name
        self.descriptor = chosen.fd
    }

    deinit {
        if !published { _ = temporaryName.withCString { system.unlinkat(directoryFD, $0, 0) } }
        _ = system.close(descriptor)
        _ = system.close(directoryFD)
    }

    /// Gives the file its name: an existing regular file there becomes
    /// PATH.old, then the new file takes the path. Call it once the header is
    /// written, so that the path never names a file without one.
    public func publish() throws {
        guard !published else { return }
        if OutputFile.kind(of: name, in: directoryFD, system: system) == S_IFREG {
            let old = name + OutputFile.oldSuffix
            let result = name.withCString { from in
                old.withCString { to in valueOrErrno { system.renameat(directoryFD, from, directoryFD, to) } }
            }
            // ENOENT: it went away since; nothing to keep.
            if case .failure(let errno) = result, errno != .noSuchFile {
                throw OutputFileError.system(SystemError(.rename, "\(path) to \(path + OutputFile.oldSuffix)", errno))
            }
        }
        let result = temporaryName.withCString { from in
            name.withCString { to in valueOrErrno { system.renameat(directoryFD, from, directoryFD, to) } }
        }
        if case .failure(let errno) = result {
            let code = errno.rawValue == EISDIR ? OutputFileError.isDirectory(path: path)
                : OutputFileError.system(SystemError(.rename, "\(OutputFile.join(directory, temporaryName)) to \(path)", errno))
            throw code
        }
        published = true
    }

    /// The file type bits (S_IFREG, S_IFDIR, S_IFLNK...) of `name` itself,
    /// not of what a symlink points to; 0 if there is nothing.
    private static func kind(of name: String, in directory: Int32, system: SystemCalls) -> mode_t {
        var status = stat()
        let result = name.withCString { cName in
            valueOrErrno { system.fstatat(directory, cName, &status, AT_SYMLINK_NOFOLLOW) }
        }
        guard case .success = result else { return 0 }
        return status.st_mode & S_IFMT
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
