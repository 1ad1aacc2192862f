import Foundation
import SystemPackage
@testable import VMASnap

/// The live system calls, with every PROCMAP_QUERY recorded: whether it asked
/// for a name or build ID. Tests use it to count what a walk costs.
final class CountingSystemCalls: @unchecked Sendable {
    struct Query {
        var address: UInt64
        var flags: UInt64
        var nameBufferSize: UInt32
        var buildIDBufferSize: UInt32
    }

    private let lock = NSLock()
    private var recorded: [Query] = []
    private var action: (@Sendable (Int) -> Void)?

    /// Every query so far.
    var queries: [Query] { lock.withLock { recorded } }
    /// Called after each query with its number (1-based), to act between calls.
    var afterQuery: (@Sendable (Int) -> Void)? {
        get { lock.withLock { action } }
        set { lock.withLock { action = newValue } }
    }

    var table: SystemCalls {
        var table = SystemCalls.live
        table.procmapQuery = { [self] descriptor, request throws(Errno) in
            let count = lock.withLock {
                recorded.append(Query(
                    address: request.pointee.query_addr, flags: request.pointee.query_flags,
                    nameBufferSize: request.pointee.vma_name_size, buildIDBufferSize: request.pointee.build_id_size))
                return recorded.count
            }
            defer { afterQuery?(count) }
            try SystemCalls.live.procmapQuery(descriptor, request)
        }
        return table
    }

    /// Queries that asked for a name or a build ID.
    var namedQueries: Int { queries.filter { $0.nameBufferSize != 0 || $0.buildIDBufferSize != 0 }.count }

    func reset() { lock.withLock { recorded.removeAll() } }
}
