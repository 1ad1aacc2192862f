#if canImport(Glibc)
import Glibc
#endif

/// Signals blocked in the calling thread and taken synchronously with
/// sigtimedwait, which is the recorder's sleep between rounds: a SIGINT that
/// arrives during a flush stays pending until the flush is done, and a signal
/// never interrupts a write halfway.
///
/// Signals sent to the process go to a thread that does not block them, so
/// this works as intended when the calling thread is the only one, or when
/// every thread blocks them (block them before starting other threads).
final class BlockedSignals {
    private let system: SystemCalls
    private var set = sigset_t()
    private var previous = sigset_t()
    private var restored = false

    /// Blocks `signals` in the calling thread.
    init(_ signals: [Int32], system: SystemCalls = .live) throws {
        self.system = system
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        let result = pthread_sigmask(SIG_BLOCK, &set, &previous)
        guard result == 0 else {
            throw CaptureError.system(SystemError(.signal, "the recorder", Errno(rawValue: result)))
        }
    }

    deinit { restore() }

    /// Waits for one of the signals until `deadline` (CLOCK_MONOTONIC ns);
    /// returns it, or nil when the deadline came first.
    func wait(until deadline: Int64) -> Int32? {
        while true {
            let remaining = deadline - MonotonicClock.now()
            if remaining <= 0 { return poll() }
            var timeout = timespec(tv_sec: Int(remaining / 1_000_000_000), tv_nsec: Int(remaining % 1_000_000_000))
            switch valueOrErrno({ system.signalWait(&set, &timeout) }) {
            case .success(let signal): return signal
            case .failure: continue  // EAGAIN: the time is up, checked above.
            }
        }
    }

    /// A signal already pending, taken without waiting; nil if none.
    func poll() -> Int32? {
        var timeout = timespec(tv_sec: 0, tv_nsec: 0)
        if case .success(let signal) = valueOrErrno({ system.signalWait(&set, &timeout) }) { return signal }
        return nil
    }

    /// Takes every signal still pending, then restores the mask the thread had,
    /// so that a SIGINT sent during the last flush does not kill the process
    /// once the recording is over. Returns the signals taken.
    @discardableResult
    func restore() -> [Int32] {
        guard !restored else { return [] }
        restored = true
        var taken: [Int32] = []
        while let signal = poll() { taken.append(signal) }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        return taken
    }
}
