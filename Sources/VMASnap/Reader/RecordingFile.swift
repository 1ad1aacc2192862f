import SystemPackage

/// A recording file open for reading by offset (pread), so that a reader
/// holds only the frames it is decoding, never the whole file.
final class RecordingFile {
    let file: OwnedDescriptor
    let path: String
    /// The size when opened.
    let size: UInt64

    /// Opens `path` read-only.
    ///
    /// - Throws: `SystemError` when it cannot be opened or read (an I/O
    ///   error is one, never a damaged recording); `FormatError` when it is
    ///   not a regular file, or one whose size the kernel does not tell
    ///   (/proc and /sys files say 0 and hold text): not a recording.
    init(path: String, system: SystemCalls = .live) throws {
        do throws(Errno) {
            file = try OwnedDescriptor.open(path, .readOnly, system: system)
        } catch {
            throw SystemError(.open, path, error)
        }
        self.path = path
        let status: Stat
        do throws(Errno) {
            status = try system.status(file.descriptor)
        } catch {
            throw SystemError(.stat, path, error)
        }
        guard status.type == .regular else {
            throw FormatError(offset: 0, reason: .invalid("not a regular file (a recording is read by offset)"))
        }
        size = UInt64(max(status.size, 0))
        if size == 0 {
            let probe: [UInt8]
            do throws(Errno) {
                probe = try file.read(at: 0, count: 1)
            } catch {
                throw SystemError(.read, path, error)
            }
            if !probe.isEmpty { throw FormatError(offset: 0, reason: .notARecording) }
        }
    }

    /// Up to `count` bytes at `offset`: fewer only at the end of the file.
    ///
    /// - Throws: `SystemError` when pread fails (EIO from a failing disk).
    func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        guard offset < size, count > 0 else { return [] }
        let wanted = Int(min(UInt64(count), size - offset))
        do throws(Errno) {
            return try file.read(at: Int64(offset), count: wanted)
        } catch {
            throw SystemError(.read, path, error)
        }
    }
}
