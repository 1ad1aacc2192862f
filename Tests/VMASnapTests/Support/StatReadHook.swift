import Foundation
import SystemPackage
@testable import VMASnap

/// The live system calls, with an action run once right after a read of
/// one process's /proc/PID/stat returns: a test makes its real processes
/// act at that moment (exit, map a library), between the recorder's look at
/// /proc and what it does next, where a busy machine's races fall.
final class StatReadHook: @unchecked Sendable {
    private let lock = NSLock()
    private let prefix: [UInt8]
    private var action: (@Sendable () -> Void)?
    private var ran = false

    /// Hooks the reads of `pid`'s stat (the text begins "PID (").
    init(pid: Int32) {
        prefix = Array("\(pid) (".utf8)
    }

    /// Runs `action` after the next read of the stat (once).
    func arm(_ action: @escaping @Sendable () -> Void) {
        lock.withLock {
            self.action = action
            ran = false
        }
    }

    /// Whether the armed action ran.
    var fired: Bool { lock.withLock { ran } }

    var table: SystemCalls {
        var table = SystemCalls.live
        table.read = { [self] descriptor, buffer throws(Errno) in
            let count = try SystemCalls.live.read(descriptor, buffer)
            guard count >= prefix.count, zip(buffer.prefix(prefix.count), prefix).allSatisfy({ $0 == $1 }) else { return count }
            let armed: (@Sendable () -> Void)? = lock.withLock {
                defer { action = nil }
                if action != nil { ran = true }
                return action
            }
            armed?()
            return count
        }
        return table
    }
}
