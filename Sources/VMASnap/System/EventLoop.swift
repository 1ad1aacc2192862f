import SystemPackage

/// Waits on descriptors with one epoll and runs the handler of each that is
/// ready: the recorder's only way to sleep, so that every reason to wake
/// (a signal through a `SignalDescriptor`, a round or status `DeadlineTimer`,
/// and later perf ring buffers and sockets) is one more source.
///
///     let loop = try EventLoop(system: system)
///     try loop.add(signals.descriptor) { for signal in signals.take() { … } }
///     try loop.add(timer.descriptor) { if timer.expired() { … } }
///     while running { try loop.wait() }
///
/// Sources are level-triggered (one-shot ones until they are reported once):
/// a handler must read what made its descriptor ready, or it runs again at
/// once. Handlers run on the calling thread, one after another, in the order
/// the kernel reported them.
final class EventLoop {
    /// A descriptor being watched, for `remove`.
    struct Source: Hashable {
        fileprivate let token: UInt64
        /// The descriptor.
        let descriptor: FileDescriptor
    }

    /// Runs when its descriptor is readable; what it throws ends `wait`.
    typealias Handler = () throws -> Void

    private let system: SystemCalls
    private let poller: OwnedDescriptor
    private var handlers: [UInt64: Handler] = [:]
    private var nextToken: UInt64 = 1
    private var ready = [UInt64](repeating: 0, count: 16)

    /// A loop with no sources.
    ///
    /// - Throws: `Errno` from epoll_create1.
    init(system: SystemCalls) throws(Errno) {
        self.system = system
        poller = OwnedDescriptor(try system.createPoller(), system: system)
    }

    /// Watches `descriptor` (owned by the caller, who keeps it open while it
    /// is watched) and runs `handler` whenever it is readable; `oneShot`:
    /// once, and again only after each `rearm` (a source whose readiness
    /// the handler hands on to a timer, so that it wakes the loop once per
    /// burst, not once per record).
    ///
    /// - Returns: the source, to rearm or remove it.
    /// - Throws: `Errno` from epoll_ctl.
    @discardableResult
    func add(_ descriptor: FileDescriptor, oneShot: Bool = false, handler: @escaping Handler) throws(Errno) -> Source {
        let token = nextToken
        nextToken += 1
        try system.watch(poller.descriptor, descriptor, token, oneShot)
        handlers[token] = handler
        return Source(token: token, descriptor: descriptor)
    }

    /// Watches a one-shot source again: its handler runs once more when it
    /// is readable (at the next `wait` if it is readable now).
    ///
    /// - Throws: `Errno` from epoll_ctl.
    func rearm(_ source: Source) throws(Errno) {
        guard handlers[source.token] != nil else { return }
        try system.rearm(poller.descriptor, source.descriptor, source.token)
    }

    /// Stops watching a source.
    ///
    /// - Throws: `Errno` from epoll_ctl.
    func remove(_ source: Source) throws(Errno) {
        guard handlers.removeValue(forKey: source.token) != nil else { return }
        try system.unwatch(poller.descriptor, source.descriptor)
    }

    /// Waits until a source is ready, or for at most `milliseconds` (nil: no
    /// limit), and runs the handlers of those that are.
    ///
    /// - Returns: how many handlers ran (0 when the time ran out).
    /// - Throws: `Errno` from epoll_wait, and what a handler throws.
    @discardableResult
    func wait(milliseconds: Int32? = nil) throws -> Int {
        let count = try ready.withUnsafeMutableBufferPointer { (tokens) throws(Errno) in
            try system.waitForInput(poller.descriptor, tokens, milliseconds ?? -1)
        }
        var ran = 0
        for index in 0..<count {
            // A handler may have removed a source that was ready too.
            guard let handler = handlers[ready[index]] else { continue }
            try handler()
            ran += 1
        }
        return ran
    }
}
