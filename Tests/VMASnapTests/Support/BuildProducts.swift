import Foundation

/// The executables SwiftPM built next to the test runner.
enum BuildProducts {
    /// The directory that holds `vmasnap`, `vmasnap-fixture` and the test runner.
    static let directory: URL = {
        let runner = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0])
        var directory = runner.deletingLastPathComponent()
        // The runner may be inside a bundle directory (PackageTests.xctest/...).
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("vmasnap-fixture").path),
            directory.path != "/"
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory
    }()

    /// The `vmasnap` command-line tool.
    static var vmasnap: String { directory.appendingPathComponent("vmasnap").path }
    /// The controllable target process.
    static var fixture: String { directory.appendingPathComponent("vmasnap-fixture").path }
}
