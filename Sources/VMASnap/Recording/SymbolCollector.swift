import Dispatch
import Synchronization
import SystemPackage

/// Makes the symbol tables of `record --keep-symbols` on one thread of its
/// own (a serial queue of utility priority), so that reading and compressing
/// a large library never delays a walk: the recorder hands it each new build
/// ID's opened file and, between rounds, takes the tables made so far.
final class SymbolCollector: Sendable {
    private let maker: any SymbolTableMaking
    private let system: SystemCalls
    private let queue = DispatchQueue(label: "vmasnap.keep-symbols", qos: .utility)
    private let group = DispatchGroup()
    private let made = Mutex<[StoredSymbolTable]>([])
    private let failures = Mutex(0)
    private let submitted = Mutex(0)

    init(maker: any SymbolTableMaking, system: SystemCalls) {
        self.maker = maker
        self.system = system
    }

    /// Makes the table of the file open on `descriptor` (which the collector
    /// now owns) for `buildID`, later.
    func submit(_ descriptor: FileDescriptor, buildID: BuildID) {
        group.enter()
        submitted.withLock { $0 += 1 }
        queue.async { [self] in
            defer {
                submitted.withLock { $0 -= 1 }
                group.leave()
            }
            guard let bytes = maker.symbolTable(of: descriptor, buildID: buildID),
                  let table = StoredSymbolTable(buildID: buildID, table: bytes)
            else {
                failures.withLock { $0 += 1 }
                return
            }
            made.withLock { $0.append(table) }
        }
    }

    /// The tables made since the last call.
    func take() -> [StoredSymbolTable] {
        made.withLock { tables in
            defer { tables.removeAll() }
            return tables
        }
    }

    /// Files submitted whose tables are not made yet (each an open descriptor).
    var waiting: Int { submitted.withLock { $0 } }

    /// Files that gave no table (nothing to name code by, or unreadable).
    var failureCount: Int { failures.withLock { $0 } }

    /// Waits until every table submitted is made.
    func waitForAll() { group.wait() }
}
