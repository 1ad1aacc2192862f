import SystemPackage

/// What a command-line program needs of its standard descriptors before it
/// does anything else, and writing to them with errors reported.
public enum StandardStreams {
    /// Makes descriptors 0, 1 and 2 valid and write errors errors: each that
    /// is closed is opened on /dev/null (so that no file the program opens
    /// later becomes its standard output by accident, and a recording is
    /// never written to by a stray print), and SIGPIPE and SIGXFSZ are
    /// ignored, so that a closed pipe or a file size limit fails the write
    /// (EPIPE, EFBIG) instead of killing the process. Commands started later
    /// get default signal dispositions back (see `Recorder`). Call it first.
    ///
    /// - Throws: `SystemError` when /dev/null cannot be opened or a signal
    ///   disposition cannot be set.
    public static func prepare() throws {
        try prepare(system: .live)
    }

    static func prepare(system: SystemCalls) throws {
        for number in Int32(0)...2 where !system.isOpen(FileDescriptor(rawValue: number)) {
            let descriptor: FileDescriptor
            do {
                // The lowest free number: this one, as those below are open.
                descriptor = try "/dev/null".withCStringTyped { (path) throws(Errno) in
                    try system.open(path, nil, .readWrite, [], nil)
                }
            } catch {
                throw SystemError(.open, "/dev/null", error)
            }
            if descriptor.rawValue != number { try? system.close(descriptor) }
        }
        for signal in [Signal.brokenPipe, .fileSizeLimitExceeded] {
            do {
                try system.ignoreSignal(signal)
            } catch {
                throw SystemError(.signal, "vmasnap", error)
            }
        }
    }

    /// Whether `descriptor` is a terminal.
    public static func isTerminal(_ descriptor: FileDescriptor) -> Bool {
        SystemCalls.live.isTerminal(descriptor)
    }

    /// Writes all of `bytes` to `descriptor`, retrying interrupted and short writes.
    ///
    /// - Throws: `Errno` from write(2): EPIPE for a closed pipe, ENOSPC for a
    ///   full disk (or /dev/full).
    public static func write(_ bytes: [UInt8], to descriptor: FileDescriptor) throws(Errno) {
        try bytes.withUnsafeBytesTyped { (raw) throws(Errno) in
            try OwnedDescriptor.writeAll(raw, to: descriptor, system: .live)
        }
    }
}
