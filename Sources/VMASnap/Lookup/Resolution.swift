/// The answer to "where was this address, then": a status and, when there
/// is one, the mapping and the file offset.
///
/// The mapping is given by number (see `AddressIndex.mapping(_:)`) so that a
/// resolution is a few plain words: batches of millions neither allocate nor
/// retain anything per lookup.
public struct Resolution: Hashable, Sendable {
    /// How the address was resolved, or why not.
    public var status: ResolutionStatus
    /// The answering mapping's number in the index, when `status` has one.
    public var mappingID: Int32?
    /// The file offset of the address in that mapping.
    public var fileOffset: UInt64?

    /// Creates a resolution.
    @inlinable
    public init(status: ResolutionStatus, mappingID: Int32? = nil, fileOffset: UInt64? = nil) {
        self.status = status
        self.mappingID = mappingID
        self.fileOffset = fileOffset
    }
}
