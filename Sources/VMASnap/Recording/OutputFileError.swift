/// Why a recording's output file could not be created.
public enum OutputFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Other users may write into the directory and it lacks the sticky bit,
    /// so they could rename, replace or delete the recording (or plant names
    /// next to it); --force overrides this.
    case unsafeDirectory(directory: String, mode: UInt32)
    /// The output path names a directory.
    case isDirectory(path: String)
    /// A system call failed.
    case system(SystemError)

    /// One line for a user.
    public var description: String {
        switch self {
        case .unsafeDirectory(let directory, let mode):
            return "refusing to write into \(TextEscaping.escape(directory)): other users can write there "
                + "(mode \(String(mode & 0o7777, radix: 8))) and it has no sticky bit; "
                + "choose another directory with -o, or use --force"
        case .isDirectory(let path):
            return "cannot write the recording to \(TextEscaping.escape(path)): it is a directory"
        case .system(let error):
            return error.description
        }
    }
}
