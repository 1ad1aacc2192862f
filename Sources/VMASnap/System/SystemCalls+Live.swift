// The one file of vmasnap that imports the C library: the real system calls
// behind `SystemCalls.live`, and the constants that only the C headers know.
// Everything else goes through `SystemCalls` and swift-system's types, and
// Scripts/check-layers fails when another file imports Glibc or Musl.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
#error("vmasnap's system layer needs Linux's C library (Glibc or Musl)")
#endif
#if !os(Linux)
#error("vmasnap reads /proc and uses PROCMAP_QUERY, signalfd, timerfd and epoll: Linux only")
#endif
import CLinuxSystem
import CProcmapQuery
import SystemPackage

extension SystemCalls {
    /// The real system calls.
    static let live = SystemCalls(
        open: { path, directory, mode, options, permissions throws(Errno) in
            let flags = mode.rawValue | options.rawValue
            let mode = permissions?.rawValue ?? 0
            let raw = try retrying { directory.map { openat($0.rawValue, path, flags, mode) } ?? Glibc.open(path, flags, mode) }
            return FileDescriptor(rawValue: raw)
        },
        close: { descriptor throws(Errno) in
            if Glibc.close(descriptor.rawValue) != 0 { throw Errno(rawValue: errno) }
        },
        read: { descriptor, buffer throws(Errno) in
            try retrying { Glibc.read(descriptor.rawValue, buffer.baseAddress, buffer.count) }
        },
        readAt: { descriptor, offset, buffer throws(Errno) in
            try retrying { pread(descriptor.rawValue, buffer.baseAddress, buffer.count, off_t(offset)) }
        },
        write: { descriptor, bytes throws(Errno) in
            try retrying { Glibc.write(descriptor.rawValue, bytes.baseAddress, bytes.count) }
        },
        seek: { descriptor, offset, origin throws(Errno) in
            Int64(try retrying { lseek(descriptor.rawValue, off_t(offset), origin.rawValue) })
        },
        resize: { descriptor, length throws(Errno) in
            _ = try retrying { ftruncate(descriptor.rawValue, off_t(length)) }
        },
        synchronizeData: { descriptor throws(Errno) in
            _ = try retrying { fdatasync(descriptor.rawValue) }
        },
        status: { descriptor throws(Errno) in
            var status = stat()
            _ = try retrying { fstat(descriptor.rawValue, &status) }
            return Stat(rawValue: status)
        },
        statusAt: { directory, name throws(Errno) in
            var status = stat()
            _ = try retrying { fstatat(directory.rawValue, name, &status, AT_SYMLINK_NOFOLLOW) }
            return Stat(rawValue: status)
        },
        setPermissions: { descriptor, permissions throws(Errno) in
            _ = try retrying { fchmod(descriptor.rawValue, permissions.rawValue) }
        },
        rename: { directory, from, to throws(Errno) in
            _ = try retrying { renameat(directory.rawValue, from, directory.rawValue, to) }
        },
        renameWithoutReplacing: { directory, from, to throws(Errno) in
            _ = try retrying { vmasnap_rename_noreplace(directory.rawValue, from, to) }
        },
        lock: { descriptor, lock, wait throws(Errno) in
            let operation: Int32 = switch lock {
            case nil: 0
            case .shared?: 1
            case .exclusive?: 2
            }
            _ = try retrying { vmasnap_flock(descriptor.rawValue, operation, wait ? 1 : 0) }
        },
        unlink: { directory, name throws(Errno) in
            _ = try retrying { unlinkat(directory.rawValue, name, 0) }
        },
        readLink: { directory, name, buffer throws(Errno) in
            try retrying {
                readlinkat(directory.rawValue, name, buffer.baseAddress!.assumingMemoryBound(to: CChar.self), buffer.count)
            }
        },
        readDirectory: { directory, buffer throws(Errno) in
            try retrying { vmasnap_read_directory(directory.rawValue, buffer.baseAddress, UInt(buffer.count)) }
        },
        isOpen: { descriptor in fcntl(descriptor.rawValue, F_GETFD) != -1 || errno != EBADF },
        isTerminal: { descriptor in isatty(descriptor.rawValue) == 1 },

        procmapQuery: { descriptor, query throws(Errno) in
            _ = try retrying { vmasnap_procmap_query(descriptor.rawValue, query) }
        },
        systemNames: { () throws(Errno) in
            var names = utsname()
            _ = try retrying { uname(&names) }
            func text<Field>(_ field: inout Field) -> String {
                withUnsafeBytes(of: &field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            }
            return SystemNames(hostName: text(&names.nodename), kernelRelease: text(&names.release))
        },
        pageSize: { Int(sysconf(Int32(_SC_PAGESIZE))) },
        clockTicksPerSecond: { Int(sysconf(Int32(_SC_CLK_TCK))) },
        now: { clock in
            var time = timespec()
            clock_gettime(clockid_t(clock.rawValue), &time)
            return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
        },
        processID: { getpid() },
        environmentVariable: { name in getenv(name).map { String(cString: $0) } },

        spawn: { arguments throws(Errno) in try spawnCommand(arguments) },
        reapChild: { pid throws(Errno) in
            var status: Int32 = 0
            let reaped = try retrying { waitpid(pid, &status, WNOHANG) }
            return reaped > 0 ? (reaped, status) : nil
        },
        kill: { pid, signal throws(Errno) in
            _ = try retrying { Glibc.kill(pid, signal.rawValue) }
        },
        becomeChildSubreaper: { () throws(Errno) in
            _ = try retrying { vmasnap_set_child_subreaper(1) }
        },
        blockSignals: { signals throws(Errno) in
            var set = signalSet(signals)
            var previous = sigset_t()
            let result = pthread_sigmask(SIG_BLOCK, &set, &previous)
            guard result == 0 else { throw Errno(rawValue: result) }
            return (Int32(1)...64).filter { sigismember(&previous, $0) == 1 }.map(Signal.init(rawValue:))
        },
        setBlockedSignals: { signals throws(Errno) in
            var set = signalSet(signals)
            let result = pthread_sigmask(SIG_SETMASK, &set, nil)
            guard result == 0 else { throw Errno(rawValue: result) }
        },
        ignoreSignal: { signal throws(Errno) in
            var action = sigaction()
            action.__sigaction_handler.sa_handler = SIG_IGN
            sigemptyset(&action.sa_mask)
            _ = try retrying { sigaction(signal.rawValue, &action, nil) }
        },
        signalDescriptor: { signals throws(Errno) in
            var set = signalSet(signals)
            return FileDescriptor(rawValue: try retrying { vmasnap_signalfd(&set) })
        },
        readSignal: { descriptor throws(Errno) in
            var number: Int32 = 0
            do throws(Errno) {
                _ = try retrying { vmasnap_read_signal(descriptor.rawValue, &number) }
            } catch .resourceTemporarilyUnavailable {
                return nil
            }
            return Signal(rawValue: number)
        },

        timerDescriptor: { clock throws(Errno) in
            FileDescriptor(rawValue: try retrying { vmasnap_timerfd(clock.rawValue) })
        },
        setTimer: { descriptor, deadline throws(Errno) in
            _ = try retrying { vmasnap_timerfd_set(descriptor.rawValue, deadline.map { max($0, 0) } ?? -1) }
        },
        readTimer: { descriptor throws(Errno) in
            var expirations: UInt64 = 0
            do throws(Errno) {
                _ = try retrying { vmasnap_timerfd_read(descriptor.rawValue, &expirations) }
            } catch .resourceTemporarilyUnavailable {
                return 0
            }
            return expirations
        },
        createPoller: { () throws(Errno) in FileDescriptor(rawValue: try retrying { vmasnap_epoll() }) },
        watch: { poller, descriptor, token, oneShot throws(Errno) in
            _ = try retrying { vmasnap_epoll_add(poller.rawValue, descriptor.rawValue, token, oneShot ? 1 : 0) }
        },
        rearm: { poller, descriptor, token throws(Errno) in
            _ = try retrying { vmasnap_epoll_rearm(poller.rawValue, descriptor.rawValue, token) }
        },
        unwatch: { poller, descriptor throws(Errno) in
            _ = try retrying { vmasnap_epoll_remove(poller.rawValue, descriptor.rawValue) }
        },
        waitForInput: { poller, tokens, milliseconds throws(Errno) in
            Int(try retrying { vmasnap_epoll_wait(poller.rawValue, tokens.baseAddress, Int32(tokens.count), milliseconds) })
        },

        openPerfEvent: { attribute, pid, cpu throws(Errno) in
            // PERF_FLAG_FD_CLOEXEC is 8.
            FileDescriptor(rawValue: try retrying { vmasnap_perf_event_open(attribute.baseAddress, pid, cpu, -1, 8) })
        },
        mapShared: { descriptor, length throws(Errno) in
            guard let address = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor.rawValue, 0),
                address != UnsafeMutableRawPointer(bitPattern: -1)  // MAP_FAILED
            else { throw Errno(rawValue: errno) }
            return address
        },
        unmap: { address, length in _ = munmap(address, length) },
        setThreadName: { name throws(Errno) in _ = try retrying { vmasnap_set_thread_name(name) } },
        threadName: { buffer throws(Errno) in _ = try retrying { vmasnap_thread_name(buffer) } },

        enablePerfEvent: { event throws(Errno) in _ = try retrying { vmasnap_perf_enable(event.rawValue) } },
        setPerfEventOutput: { event, target throws(Errno) in
            _ = try retrying { vmasnap_perf_set_output(event.rawValue, target.rawValue) }
        },
        perfEventID: { event throws(Errno) in
            var id: UInt64 = 0
            _ = try retrying { vmasnap_perf_id(event.rawValue, &id) }
            return id
        },
        pollInput: { descriptors, milliseconds throws(Errno) in
            var entries = descriptors.map { pollfd(fd: $0.rawValue, events: Int16(POLLIN), revents: 0) }
            return Int(try retrying { entries.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), milliseconds) } })
        },
        resourceLimit: { resource throws(Errno) in
            var limit = rlimit()
            _ = try retrying { getrlimit(__rlimit_resource_t(UInt32(resource.rawValue)), &limit) }
            func value(_ raw: rlim_t) -> UInt64? { raw == rlim_t.max ? nil : UInt64(raw) }
            return (value(limit.rlim_cur), value(limit.rlim_max))
        },
        setSoftResourceLimit: { resource, soft throws(Errno) in
            var limit = rlimit()
            let kind = __rlimit_resource_t(UInt32(resource.rawValue))
            _ = try retrying { getrlimit(kind, &limit) }
            limit.rlim_cur = soft.map { rlim_t($0) } ?? rlim_t.max
            _ = try retrying { setrlimit(kind, &limit) }
        },
        affinity: { pid throws(Errno) in
            var cpus = [Int32](repeating: 0, count: 4096)
            let count = try retrying { cpus.withUnsafeMutableBufferPointer { vmasnap_affinity(pid, $0.baseAddress, Int32($0.count)) } }
            return Array(cpus[0..<Int(count)])
        },
        fileSystemType: { path throws(Errno) in
            var type = 0
            _ = try retrying { vmasnap_file_system_type(path, &type) }
            return type
        },
        mountPseudoFileSystem: { type, target throws(Errno) in
            _ = try retrying { vmasnap_mount_pseudo("nodev", target, type) }
        },
        unmountDetached: { target throws(Errno) in _ = try retrying { vmasnap_unmount_detached(target) } },
        makeTemporaryDirectory: { template throws(Errno) in
            if mkdtemp(template) == nil { throw Errno(rawValue: errno) }
        },
        removeDirectory: { path throws(Errno) in _ = try retrying { rmdir(path) } },
        shareAddressSpace: { first, second throws(Errno) in try retrying { vmasnap_kcmp_vm(first, second) } == 0 },
        spawnGated: { arguments, redirect throws(Errno) in try spawnGatedCommand(arguments, redirect: redirect) },
        waitForChild: { pid throws(Errno) in
            var status: Int32 = 0
            _ = try retrying { waitpid(pid, &status, 0) }
            return status
        },
        sleep: { nanoseconds in
            var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
            var remaining = timespec()
            while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
        }
    )
}

extension FileDescriptor.OpenOptions {
    /// O_PATH: a descriptor that only names the file (for fstat and for
    /// reopening through /proc/self/fd), opened without the side effects an
    /// open of a device or a FIFO has.
    static var pathOnly: FileDescriptor.OpenOptions { .init(rawValue: vmasnap_open_path_flag()) }
    /// O_NOCTTY: opening a terminal does not make it the controlling one.
    static var noControllingTerminal: FileDescriptor.OpenOptions { .init(rawValue: O_NOCTTY) }
}

/// Runs a call that returns -1 and sets errno on failure, again while a signal
/// interrupts it (EINTR).
private func retrying<Value: FixedWidthInteger>(_ call: () -> Value) throws(Errno) -> Value {
    while true {
        let value = call()
        if value != -1 { return value }
        let error = Errno(rawValue: errno)
        if error != .interrupted { throw error }
    }
}

private func signalSet(_ signals: [Signal]) -> sigset_t {
    var set = sigset_t()
    sigemptyset(&set)
    for signal in signals { sigaddset(&set, signal.rawValue) }
    return set
}

/// posix_spawnp as a shell starts a command: found on PATH, this process's
/// environment and standard descriptors, every signal at its default
/// disposition and none blocked (the recorder blocks and ignores some, which
/// the command must not inherit).
private func spawnCommand(_ arguments: [String]) throws(Errno) -> Int32 {
    guard !arguments.isEmpty else { throw Errno.noSuchFileOrDirectory }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Every signal back to SIG_DFL. sigfillset leaves out glibc's internal
    // signals (32 and 33), which posix_spawn then sets to SIG_IGN in the
    // child, and SIG_IGN survives exec(): set every bit directly instead.
    var all = sigset_t()
    withUnsafeMutableBytes(of: &all) { raw in
        for index in raw.indices { raw[index] = 0xFF }
    }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
    argv.append(nil)
    defer { for argument in argv { free(argument) } }
    var child: pid_t = 0
    let result = posix_spawnp(&child, argv[0]!, nil, &attributes, argv, environ)
    guard result == 0 else { throw Errno(rawValue: result) }
    return child
}

/// See `SystemCalls.spawnGated`.
private func spawnGatedCommand(_ arguments: [String], redirect: [FileDescriptor?]) throws(Errno)
    -> (pid: Int32, gate: FileDescriptor, status: FileDescriptor)
{
    guard !arguments.isEmpty else { throw Errno.noSuchFileOrDirectory }
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
    argv.append(nil)
    defer { for argument in argv { free(argument) } }
    let streams = (0..<3).map { $0 < redirect.count ? redirect[$0]?.rawValue ?? -1 : -1 }
    var gate: Int32 = -1
    var status: Int32 = -1
    let pid = streams.withUnsafeBufferPointer { vmasnap_spawn_gated(argv[0]!, &argv, environ, $0.baseAddress, &gate, &status) }
    guard pid > 0 else { throw Errno(rawValue: errno) }
    return (pid, FileDescriptor(rawValue: gate), FileDescriptor(rawValue: status))
}

extension SystemResource {
    /// RLIMIT_NOFILE: open descriptors.
    static let openFiles = SystemResource(rawValue: Int32(RLIMIT_NOFILE.rawValue))
    /// RLIMIT_MEMLOCK: locked memory (perf ring buffers beyond perf_event_mlock_kb).
    static let lockedMemory = SystemResource(rawValue: Int32(__RLIMIT_MEMLOCK.rawValue))
}

extension Signal {
    /// SIGINT.
    static let interrupt = Signal(rawValue: SIGINT)
    /// SIGTERM.
    static let terminate = Signal(rawValue: SIGTERM)
    /// SIGCHLD.
    static let childEnded = Signal(rawValue: SIGCHLD)
    /// SIGKILL.
    static let kill = Signal(rawValue: SIGKILL)
    /// SIGPIPE.
    static let brokenPipe = Signal(rawValue: SIGPIPE)
    /// SIGXFSZ.
    static let fileSizeLimitExceeded = Signal(rawValue: SIGXFSZ)
}

extension SystemClock {
    /// CLOCK_MONOTONIC: the clock of recording times and of `perf record -k CLOCK_MONOTONIC`.
    static let monotonic = SystemClock(rawValue: CLOCK_MONOTONIC)
    /// CLOCK_REALTIME: wall-clock time.
    static let realtime = SystemClock(rawValue: CLOCK_REALTIME)
}

/// Finds bytes many at a time (memchr), for parsers of large /proc texts.
enum ByteSearch {
    /// The offset of the first `byte` in `count` bytes at `start`, or nil.
    @inline(__always)
    static func first(_ byte: UInt8, in start: UnsafeRawPointer, count: Int) -> Int? {
        memchr(start, Int32(byte), count).map { UnsafeRawPointer($0) - start }
    }
}

extension Errno {
    /// Every errno Linux defines, by number (aliases such as EWOULDBLOCK under their first name).
    static var symbols: [Int32: String] { ErrnoSymbols.table }
}

/// Outside `Errno`, whose own EPERM… would shadow the C library's numbers.
private enum ErrnoSymbols {
    static let table: [Int32: String] = {
        let pairs: [(Int32, String)] = [
            (EPERM, "EPERM"), (ENOENT, "ENOENT"), (ESRCH, "ESRCH"), (EINTR, "EINTR"), (EIO, "EIO"),
            (ENXIO, "ENXIO"), (E2BIG, "E2BIG"), (ENOEXEC, "ENOEXEC"), (EBADF, "EBADF"), (ECHILD, "ECHILD"),
            (EAGAIN, "EAGAIN"), (ENOMEM, "ENOMEM"), (EACCES, "EACCES"), (EFAULT, "EFAULT"), (ENOTBLK, "ENOTBLK"),
            (EBUSY, "EBUSY"), (EEXIST, "EEXIST"), (EXDEV, "EXDEV"), (ENODEV, "ENODEV"), (ENOTDIR, "ENOTDIR"),
            (EISDIR, "EISDIR"), (EINVAL, "EINVAL"), (ENFILE, "ENFILE"), (EMFILE, "EMFILE"), (ENOTTY, "ENOTTY"),
            (ETXTBSY, "ETXTBSY"), (EFBIG, "EFBIG"), (ENOSPC, "ENOSPC"), (ESPIPE, "ESPIPE"), (EROFS, "EROFS"),
            (EMLINK, "EMLINK"), (EPIPE, "EPIPE"), (EDOM, "EDOM"), (ERANGE, "ERANGE"), (EDEADLK, "EDEADLK"),
            (ENAMETOOLONG, "ENAMETOOLONG"), (ENOLCK, "ENOLCK"), (ENOSYS, "ENOSYS"), (ENOTEMPTY, "ENOTEMPTY"),
            (ELOOP, "ELOOP"), (ENOMSG, "ENOMSG"), (EIDRM, "EIDRM"), (ECHRNG, "ECHRNG"), (EL2NSYNC, "EL2NSYNC"),
            (EL3HLT, "EL3HLT"), (EL3RST, "EL3RST"), (ELNRNG, "ELNRNG"), (EUNATCH, "EUNATCH"), (ENOCSI, "ENOCSI"),
            (EL2HLT, "EL2HLT"), (EBADE, "EBADE"), (EBADR, "EBADR"), (EXFULL, "EXFULL"), (ENOANO, "ENOANO"),
            (EBADRQC, "EBADRQC"), (EBADSLT, "EBADSLT"), (EBFONT, "EBFONT"), (ENOSTR, "ENOSTR"), (ENODATA, "ENODATA"),
            (ETIME, "ETIME"), (ENOSR, "ENOSR"), (ENONET, "ENONET"), (ENOPKG, "ENOPKG"), (EREMOTE, "EREMOTE"),
            (ENOLINK, "ENOLINK"), (EADV, "EADV"), (ESRMNT, "ESRMNT"), (ECOMM, "ECOMM"), (EPROTO, "EPROTO"),
            (EMULTIHOP, "EMULTIHOP"), (EDOTDOT, "EDOTDOT"), (EBADMSG, "EBADMSG"), (EOVERFLOW, "EOVERFLOW"),
            (ENOTUNIQ, "ENOTUNIQ"), (EBADFD, "EBADFD"), (EREMCHG, "EREMCHG"), (ELIBACC, "ELIBACC"),
            (ELIBBAD, "ELIBBAD"), (ELIBSCN, "ELIBSCN"), (ELIBMAX, "ELIBMAX"), (ELIBEXEC, "ELIBEXEC"),
            (EILSEQ, "EILSEQ"), (ERESTART, "ERESTART"), (ESTRPIPE, "ESTRPIPE"), (EUSERS, "EUSERS"),
            (ENOTSOCK, "ENOTSOCK"), (EDESTADDRREQ, "EDESTADDRREQ"), (EMSGSIZE, "EMSGSIZE"),
            (EPROTOTYPE, "EPROTOTYPE"), (ENOPROTOOPT, "ENOPROTOOPT"), (EPROTONOSUPPORT, "EPROTONOSUPPORT"),
            (ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT"), (EOPNOTSUPP, "EOPNOTSUPP"), (EPFNOSUPPORT, "EPFNOSUPPORT"),
            (EAFNOSUPPORT, "EAFNOSUPPORT"), (EADDRINUSE, "EADDRINUSE"), (EADDRNOTAVAIL, "EADDRNOTAVAIL"),
            (ENETDOWN, "ENETDOWN"), (ENETUNREACH, "ENETUNREACH"), (ENETRESET, "ENETRESET"),
            (ECONNABORTED, "ECONNABORTED"), (ECONNRESET, "ECONNRESET"), (ENOBUFS, "ENOBUFS"), (EISCONN, "EISCONN"),
            (ENOTCONN, "ENOTCONN"), (ESHUTDOWN, "ESHUTDOWN"), (ETOOMANYREFS, "ETOOMANYREFS"),
            (ETIMEDOUT, "ETIMEDOUT"), (ECONNREFUSED, "ECONNREFUSED"), (EHOSTDOWN, "EHOSTDOWN"),
            (EHOSTUNREACH, "EHOSTUNREACH"), (EALREADY, "EALREADY"), (EINPROGRESS, "EINPROGRESS"),
            (ESTALE, "ESTALE"), (EUCLEAN, "EUCLEAN"), (ENOTNAM, "ENOTNAM"), (ENAVAIL, "ENAVAIL"), (EISNAM, "EISNAM"),
            (EREMOTEIO, "EREMOTEIO"), (EDQUOT, "EDQUOT"), (ENOMEDIUM, "ENOMEDIUM"), (EMEDIUMTYPE, "EMEDIUMTYPE"),
            (ECANCELED, "ECANCELED"), (ENOKEY, "ENOKEY"), (EKEYEXPIRED, "EKEYEXPIRED"), (EKEYREVOKED, "EKEYREVOKED"),
            (EKEYREJECTED, "EKEYREJECTED"), (EOWNERDEAD, "EOWNERDEAD"), (ENOTRECOVERABLE, "ENOTRECOVERABLE"),
            (ERFKILL, "ERFKILL"), (EHWPOISON, "EHWPOISON"),
        ]
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }()
}
