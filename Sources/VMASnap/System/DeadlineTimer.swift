import SystemPackage

/// A timer that expires at absolute deadlines on CLOCK_MONOTONIC (a timerfd),
/// so that an interval does not drift with the time each period's work takes.
final class DeadlineTimer {
    private let system: SystemCalls
    private let file: OwnedDescriptor

    /// The timerfd, to watch.
    var descriptor: FileDescriptor { file.descriptor }

    /// The deadline it is set for, if any.
    private(set) var deadline: Int64?

    /// A disarmed timer.
    ///
    /// - Throws: `SystemError` from timerfd_create.
    init(system: SystemCalls) throws {
        self.system = system
        do throws(Errno) {
            file = OwnedDescriptor(try system.timerDescriptor(.monotonic), system: system)
        } catch {
            throw SystemError(.timer, "the recorder", error)
        }
    }

    /// Sets the timer to expire at `deadline` (nanoseconds on CLOCK_MONOTONIC;
    /// at once if it has passed), or disarms it when nil.
    ///
    /// - Throws: `SystemError` from timerfd_settime.
    func schedule(at deadline: Int64?) throws {
        do throws(Errno) {
            try system.setTimer(file.descriptor, deadline)
        } catch {
            throw SystemError(.timer, "the recorder", error)
        }
        self.deadline = deadline
    }

    /// Whether it expired since the last call (and takes the expiration).
    func expired() -> Bool {
        ((try? system.readTimer(file.descriptor)) ?? 0) > 0
    }
}
