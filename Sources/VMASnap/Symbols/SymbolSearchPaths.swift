/// Where the symbolizer looks for a file by its build ID, besides the path
/// the recording gives: every candidate is used only if its build ID matches.
public struct SymbolSearchPaths: Hashable, Sendable {
    /// Directories given by the user (`--debug-dir`), searched first. Each
    /// is a debug directory like /usr/lib/debug: its `.build-id/xx/rest.debug`
    /// (a separate debug file) and `.build-id/xx/rest` (a copy of the file
    /// itself) are looked at, and the same names directly under it when it is
    /// a `.build-id` directory itself.
    public var debugDirectories: [String]
    /// The system's debug directory, where Debian's -dbg and -dbgsym packages
    /// install separate debug files (/usr/lib/debug); nil to skip it.
    public var systemDebugDirectory: String?
    /// debuginfod client caches, each holding `BUILDID/executable` and
    /// `BUILDID/debuginfo`.
    public var debuginfodCaches: [String]

    /// Search paths.
    ///
    /// - Parameters:
    ///   - debugDirectories: User debug directories, searched first.
    ///   - systemDebugDirectory: The system's debug directory.
    ///   - debuginfodCaches: debuginfod client cache directories.
    public init(debugDirectories: [String] = [], systemDebugDirectory: String? = "/usr/lib/debug",
                debuginfodCaches: [String] = []) {
        self.debugDirectories = debugDirectories
        self.systemDebugDirectory = systemDebugDirectory
        self.debuginfodCaches = debuginfodCaches
    }

    /// The search paths of a user with this environment: the debug
    /// directories given, /usr/lib/debug, and the debuginfod client cache
    /// where elfutils' client puts it: $DEBUGINFOD_CACHE_PATH, else
    /// ~/.debuginfod_client_cache (its old place) and
    /// $XDG_CACHE_HOME/debuginfod_client (~/.cache/debuginfod_client).
    ///
    /// - Parameters:
    ///   - debugDirectories: User debug directories (`--debug-dir`).
    ///   - environment: The process environment.
    /// - Returns: The search paths.
    public static func standard(debugDirectories: [String] = [], environment: [String: String]) -> SymbolSearchPaths {
        var caches: [String] = []
        if let path = environment["DEBUGINFOD_CACHE_PATH"], !path.isEmpty {
            caches.append(path)
        } else if let home = environment["HOME"], !home.isEmpty {
            caches.append(home + "/.debuginfod_client_cache")
            if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty {
                caches.append(cache + "/debuginfod_client")
            } else {
                caches.append(home + "/.cache/debuginfod_client")
            }
        }
        return SymbolSearchPaths(debugDirectories: debugDirectories, debuginfodCaches: caches)
    }

    /// `standard(debugDirectories:environment:)` with this process's
    /// environment.
    ///
    /// - Parameter debugDirectories: User debug directories (`--debug-dir`).
    /// - Returns: The search paths.
    public static func standard(debugDirectories: [String] = []) -> SymbolSearchPaths {
        var environment: [String: String] = [:]
        for name in ["DEBUGINFOD_CACHE_PATH", "HOME", "XDG_CACHE_HOME"] {
            if let value = SystemCalls.live.environmentVariable(name) { environment[name] = value }
        }
        return standard(debugDirectories: debugDirectories, environment: environment)
    }

    /// A place where a file with some build ID may be.
    struct Candidate: Hashable {
        /// The path, raw bytes.
        var path: [UInt8]
        /// Whether this is the path the recording gives (a mismatch there
        /// means the file changed).
        var isRecordedPath: Bool = false
    }

    /// The places to look for `buildID`, in order (the recorded path and
    /// debug-link names are added by the symbolizer).
    func candidates(for buildID: BuildID) -> [Candidate] {
        let hex = buildID.description
        guard hex.count > 2 else { return [] }
        let head = String(hex.prefix(2))
        let rest = String(hex.dropFirst(2))
        var paths: [String] = []
        for directory in debugDirectories {
            paths.append("\(directory)/.build-id/\(head)/\(rest).debug")
            paths.append("\(directory)/.build-id/\(head)/\(rest)")
            paths.append("\(directory)/\(head)/\(rest).debug")
            paths.append("\(directory)/\(head)/\(rest)")
        }
        if let systemDebugDirectory { paths.append("\(systemDebugDirectory)/.build-id/\(head)/\(rest).debug") }
        for cache in debuginfodCaches {
            paths.append("\(cache)/\(hex)/executable")
            paths.append("\(cache)/\(hex)/debuginfo")
        }
        return paths.map { Candidate(path: Array($0.utf8)) }
    }

    /// The places gdb looks for a debug link's file next to `directory` (the
    /// directory of the file that names it): DIR/NAME, DIR/.debug/NAME, and
    /// each debug directory followed by DIR/NAME.
    func debugLinkCandidates(name: [UInt8], directory: [UInt8]) -> [Candidate] {
        var paths: [[UInt8]] = []
        let slash = [UInt8(ascii: "/")]
        paths.append(directory + slash + name)
        paths.append(directory + Array("/.debug/".utf8) + name)
        for root in debugDirectories + [systemDebugDirectory].compactMap({ $0 }) {
            paths.append(Array(root.utf8) + directory + slash + name)
        }
        return paths.map { Candidate(path: $0) }
    }
}
