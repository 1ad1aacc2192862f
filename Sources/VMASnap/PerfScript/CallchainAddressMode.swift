/// How the call-chain frames of perf script text hold user-space addresses.
///
/// perf prints a sample's call chain, one frame a line, when it recorded
/// with -g. Some releases, perf 6.1 among them, print a user-space frame
/// that perf attributed to a DSO as an offset in that DSO's file
/// (ip - start + pgoff) instead of the address; frames it could not
/// attribute ("[unknown]") stay addresses, and kernel frames are always
/// addresses. An offset must never be looked up as if it were an address.
public enum CallchainAddressMode: String, Hashable, Sendable, CaseIterable {
    /// Frames hold addresses: resolve them all.
    case absolute
    /// User-space frames hold DSO-relative offsets: report them as
    /// "relative", except frames perf marked "([unknown])", which perf
    /// prints as addresses.
    case relative
    /// Decide from the input: a sample whose call chain has a user-space
    /// frame (other than 0 and "[unknown]" ones) below the lowest mapping of
    /// its process, at that time, can only hold offsets; from the first such
    /// sample on, frames are read as `relative`; until then as `absolute`.
    /// Each sample's frames are all classified before any is resolved.
    case auto
}
