import CProcmapQuery
@testable import VMASnap

/// The live system calls, with every PROCMAP_QUERY recorded: whether it asked
/// for a name or build ID. Tests use it to count what a walk costs.
final class CountingSystemCalls {
    struct Query {
        var address: UInt64
        var flags: UInt64
        var nameBufferSize: UInt32
        var buildIDBufferSize: UInt32
    }

    var queries: [Query] = []
    /// Called after each query with its number (1-based), to act between calls.
    var afterQuery: ((Int) -> Void)?

    var table: SystemCalls {
        var table = SystemCalls.live
        table.procmapQuery = { [self] fd, request in
            queries.append(Query(
                address: request.pointee.query_addr, flags: request.pointee.query_flags,
                nameBufferSize: request.pointee.vma_name_size, buildIDBufferSize: request.pointee.build_id_size))
            let result = vmasnap_procmap_query(fd, request)
            afterQuery?(queries.count)
            return result
        }
        return table
    }

    /// Queries that asked for a name or a build ID.
    var namedQueries: Int { queries.filter { $0.nameBufferSize != 0 || $0.buildIDBufferSize != 0 }.count }

    func reset() { queries.removeAll() }
}
