import SystemPackage

/// Signals taken as input instead of interrupting: blocked in the calling
/// thread and read from a signalfd, which an `EventLoop` watches. A SIGINT
/// that arrives during a write stays pending until the loop reads it, so a
/// signal never interrupts a write halfway.
///
/// Signals sent to the process go to a thread that does not block them, so
/// this works as intended when the calling thread is the only one, or when
/// every thread blocks them (block them before starting other threads).
final class SignalDescriptor {
    private let system: SystemCalls
    private let file: OwnedDescriptor
    private let previouslyBlocked: [Signal]
    private var restored = false

    /// The signalfd, to watch.
    var descriptor: FileDescriptor { file.descriptor }

    /// Blocks `signals` in the calling thread and opens a signalfd for them.
    ///
    /// - Throws: `SystemError` when the mask or the signalfd cannot be set up.
    init(_ signals: [Signal], system: SystemCalls) throws {
        self.system = system
        do throws(Errno) {
            previouslyBlocked = try system.blockSignals(signals)
        } catch {
            throw SystemError(.signal, "the recorder", error)
        }
        do throws(Errno) {
            file = OwnedDescriptor(try system.signalDescriptor(signals), system: system)
        } catch {
            try? system.setBlockedSignals(previouslyBlocked)
            throw SystemError(.signal, "the recorder (signalfd)", error)
        }
    }

    deinit { restore() }

    /// Every signal pending now, in arrival order; none when there are none.
    func take() -> [Signal] {
        var taken: [Signal] = []
        while let signal = try? system.readSignal(file.descriptor) { taken.append(signal) }
        return taken
    }

    /// Takes every signal still pending, then restores the mask the thread
    /// had, so that a SIGINT sent during the last flush does not kill the
    /// process once the recording is over.
    ///
    /// - Returns: the signals taken.
    @discardableResult
    func restore() -> [Signal] {
        guard !restored else { return [] }
        restored = true
        let taken = take()
        try? system.setBlockedSignals(previouslyBlocked)
        return taken
    }
}
