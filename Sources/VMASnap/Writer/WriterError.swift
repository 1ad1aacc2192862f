import SystemPackage

/// Why the writer could not create its file, refused a call, or could not write.
public enum WriterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Other users may write into the output's directory and it lacks the
    /// sticky bit, so they could rename, replace or delete the recording (or
    /// plant names next to it); `force` overrides this.
    case unsafeDirectory(directory: String, mode: UInt32)
    /// The output path names a directory.
    case isDirectory(path: String)
    /// The output path is empty.
    case emptyPath
    /// Something other than a regular file is at the output path (or at
    /// PATH.old): a device node, a FIFO, a socket, a symlink. Nothing was touched.
    case notARegularFile(path: String, type: FileType)
    /// Another recorder is writing the file at the output path (it holds
    /// the file's lock). Nothing was touched.
    case inUse(path: String)
    /// A header field cannot be stored (explained).
    case invalidHeader(String)
    /// The descriptor is not at the start of the file.
    case notAtStart(offset: Int64)
    /// A mapping the format cannot store: unaligned, empty, out of order or
    /// overlapping (explained); real VMAs never are.
    case invalidMapping(String)
    /// A change that does not apply to the process's mappings: it removes one
    /// the process does not have (explained).
    case invalidChange(String)
    /// A process description the format cannot store (explained).
    case invalidProcess(String)
    /// No process has this number.
    case unknownProcess(Int)
    /// The process was already recorded as gone.
    case processGone(Int)
    /// The process already has a snapshot in this round.
    case duplicateSnapshot(process: Int)
    /// A snapshot, change or gone process outside beginRound…endRound.
    case notInRound
    /// `beginRound` inside a round.
    case roundNotEnded
    /// A round time before the header's start or before the previous round.
    case timeOutOfOrder(time: Int64, previous: Int64)
    /// One snapshot's records (with the definitions they need) do not fit
    /// in what is left of the round's frame; nothing of it was recorded.
    case snapshotTooLarge(process: Int, bytes: Int)
    /// The writer was finished, or failed earlier.
    case closed
    /// Creating, writing, syncing or closing the file failed.
    case system(SystemError)
    /// A symbol table that cannot be stored (explained).
    case invalidSymbols(String)
    /// The writer's own records failed its index's checks: a bug in vmasnap.
    case inconsistent(String)

    /// One line for a user.
    public var description: String {
        switch self {
        case .unsafeDirectory(let directory, let mode):
            return "refusing to write into \(TextEscaping.escape(directory)): other users can write there "
                + "(mode \(String(mode & 0o7777, radix: 8))) and it has no sticky bit; "
                + "choose another directory with -o, or use --force"
        case .isDirectory(let path):
            return "cannot write the recording to \(TextEscaping.escape(path)): it is a directory"
        case .emptyPath:
            return "the output path is empty: give the recording a file name"
        case .notARegularFile(let path, let type):
            return "refusing to write the recording to \(TextEscaping.escape(path)): it is \(WriterError.describe(type)), "
                + "not a regular file (vmasnap replaces only an earlier recording); choose another path with -o"
        case .inUse(let path):
            return "\(TextEscaping.escape(path)) is being written by another recorder (it holds the file's lock); "
                + "choose another path with -o"
        case .invalidHeader(let reason): return "cannot write the recording header: \(reason)"
        case .notAtStart(let offset): return "the recording must start at byte 0 of its file, not \(offset)"
        case .invalidMapping(let reason): return "cannot record a mapping: \(reason)"
        case .invalidChange(let reason): return "cannot record a change: \(reason)"
        case .invalidProcess(let reason): return "cannot record a process: \(reason)"
        case .unknownProcess(let number): return "no recorded process has number \(number)"
        case .processGone(let number): return "recorded process \(number) is already gone"
        case .duplicateSnapshot(let number): return "recorded process \(number) already has a snapshot in this round"
        case .notInRound: return "snapshots, changes and gone processes must be recorded between beginRound and endRound"
        case .roundNotEnded: return "beginRound called before the previous round ended"
        case .timeOutOfOrder(let time, let previous):
            return "round time \(time) ns is before \(previous) ns (the start or the previous round)"
        case .snapshotTooLarge(let number, let bytes):
            return "a snapshot of recorded process \(number) takes \(bytes) bytes, more than is left in its round's frame"
        case .closed: return "the recording was already finished or failed"
        case .system(let error): return error.description
        case .invalidSymbols(let reason): return "cannot store a symbol table: \(reason)"
        case .inconsistent(let message): return "internal error in the recording writer: \(message)"
        }
    }

    /// "a character device", "a FIFO", ...
    static func describe(_ type: FileType) -> String {
        switch type {
        case .characterSpecial: return "a character device"
        case .blockSpecial: return "a block device"
        case .fifo: return "a FIFO"
        case .socket: return "a socket"
        case .symbolicLink: return "a symbolic link"
        case .directory: return "a directory"
        default: return "a special file"
        }
    }
}
