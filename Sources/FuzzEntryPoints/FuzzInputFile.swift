#if canImport(Glibc)
import Glibc
#endif

/// The file the libFuzzer targets hand each input to the readers through:
/// an unlinked file in /dev/shm (memory), read by path as a file on disk is.
public enum FuzzInputFile {
    private static let descriptor: Int32 = {
        let path = "/dev/shm/vmasnap-fuzz-\(getpid())"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        unlink(path)
        return fd
    }()

    /// Replaces the file's contents with `size` bytes at `data` and returns its path.
    public static func holding(_ data: UnsafePointer<UInt8>, _ size: Int) -> String {
        precondition(descriptor >= 0 && ftruncate(descriptor, 0) == 0)
        var written = 0
        while written < size {
            let count = pwrite(descriptor, data + written, size - written, off_t(written))
            precondition(count > 0)
            written += count
        }
        return "/proc/self/fd/\(descriptor)"
    }
}
