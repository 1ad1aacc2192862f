import SystemPackage

/// Where a perf.data reader gets its bytes: a file read by offset (pread),
/// or a pipe (`perf record -o -`) read front to back. All of the reader's
/// I/O is here, on the system layer's calls.
final class PerfDataInput {
    /// The name in errors ("perf.data", a path, "standard input").
    let name: String
    /// The size of a regular file; nil for a pipe or another stream.
    let size: UInt64?
    private let file: OwnedDescriptor?
    private let descriptor: FileDescriptor
    private let system: SystemCalls
    /// The offset of the next sequential read (a stream's bytes consumed).
    private(set) var position: UInt64 = 0

    /// Opens the file at `path` for reading.
    ///
    /// - Throws: `SystemError` when it cannot be opened.
    init(path: String, system: SystemCalls = .live) throws {
        do throws(Errno) {
            file = try OwnedDescriptor.open(path, .readOnly, system: system)
        } catch {
            throw SystemError(.open, path, error)
        }
        descriptor = file!.descriptor
        name = path
        self.system = system
        size = PerfDataInput.regularFileSize(descriptor, system)
    }

    /// Reads `descriptor` (not closed here), a file or a pipe.
    init(descriptor: FileDescriptor, name: String, system: SystemCalls = .live) {
        file = nil
        self.descriptor = descriptor
        self.name = name
        self.system = system
        size = PerfDataInput.regularFileSize(descriptor, system)
    }

    /// Whether the input can be read by offset.
    var isSeekable: Bool { size != nil }

    private static func regularFileSize(_ descriptor: FileDescriptor, _ system: SystemCalls) -> UInt64? {
        guard let status = try? system.status(descriptor), status.type == .regular else { return nil }
        return UInt64(max(status.size, 0))
    }

    /// Up to `count` bytes at `offset` of a file: fewer only at its end.
    func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let got = try buffer.withUnsafeMutableBytes { try read(into: $0, at: offset) }
        buffer.removeSubrange(got...)
        return buffer
    }

    /// Fills `buffer` from `offset` of a file; returns the bytes read (fewer
    /// only at its end).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws -> Int {
        var done = 0
        do throws(Errno) {
            while done < buffer.count {
                let count = try system.readAt(descriptor, Int64(offset) + Int64(done), UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
                if count == 0 { break }
                done += count
            }
        } catch {
            throw SystemError(.read, name, error)
        }
        return done
    }

    /// Fills `buffer` with the next bytes of the input, by offset for a
    /// file, by read() for a stream; returns the bytes read (fewer only at
    /// the end).
    func readNext(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if isSeekable {
            let count = try read(into: buffer, at: position)
            position += UInt64(count)
            return count
        }
        var done = 0
        do throws(Errno) {
            while done < buffer.count {
                let count = try system.read(descriptor, UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
                if count == 0 { break }
                done += count
            }
        } catch {
            throw SystemError(.read, name, error)
        }
        position += UInt64(done)
        return done
    }

    /// Moves the sequential position of a file to `offset`.
    func seek(to offset: UInt64) {
        precondition(isSeekable, "a stream cannot seek")
        position = offset
    }
}
