// swift-tools-version:6.0
import PackageDescription

// Scripts/fuzz builds with VMASNAP_FUZZING=1 (in its own build folder): the
// reader then takes any checksum, so that libFuzzer reaches the decoders.
let fuzzingSettings: [SwiftSetting] = Context.environment["VMASNAP_FUZZING"] == "1"
    ? [.define("FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION")] : []

let package = Package(
    name: "vmasnap",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "VMASnap", targets: ["VMASnap"]),
        .executable(name: "vmasnap", targets: ["vmasnap"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Typed descriptors, errno and file operations (see README, "System layer").
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // The PROCMAP_QUERY ABI (Linux 6.11+), which Debian 12's headers predate.
        .target(name: "CProcmapQuery"),
        // Linux calls Swift's Glibc module leaves out (signalfd, timerfd, epoll, getdents64).
        .target(name: "CLinuxSystem"),
        // libzstd, from Debian's libzstd-dev.
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // elfutils' libdw, from Debian's libdw-dev: DWARF line tables and
        // inlined functions (Sources/VMASnap/DWARF).
        .systemLibrary(
            name: "CDW",
            pkgConfig: "libdw",
            providers: [.apt(["libdw-dev"])]
        ),
        // liblzma, from Debian's liblzma-dev (which libdw-dev brings): the
        // xz-compressed symbol tables of MiniDebugInfo (.gnu_debugdata).
        .systemLibrary(
            name: "CLZMA",
            pkgConfig: "liblzma",
            providers: [.apt(["liblzma-dev"])]
        ),
        // The toolchain's own demanglers: libstdc++'s __cxa_demangle and the
        // Swift runtime's swift_demangle.
        .target(name: "CDemangle", linkerSettings: [.linkedLibrary("stdc++")]),
        .target(
            name: "VMASnap",
            dependencies: [
                "CProcmapQuery", "CLinuxSystem", "CZstd", "CDW", "CLZMA", "CDemangle",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: fuzzingSettings
        ),
        .executableTarget(
            name: "vmasnap",
            dependencies: [
                "VMASnap",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // A controllable target process for tests, demos and benchmarks (C, so
        // that its own address space is small and predictable).
        .executableTarget(name: "vmasnap-fixture", linkerSettings: [.linkedLibrary("dl")]),
        // The benchmark suite behind Scripts/bench (built in release mode).
        .executableTarget(
            name: "vmasnap-bench",
            dependencies: [
                "VMASnap", "CProcmapQuery", "CZstd",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // libFuzzer targets (Scripts/fuzz builds them with --sanitize=fuzzer).
        // What each fuzz target does with an input, shared with the tests
        // that replay the kept inputs (Tests/FuzzCorpus).
        .target(name: "FuzzEntryPoints", dependencies: ["VMASnap"]),
        .executableTarget(name: "fuzz-elf", dependencies: ["FuzzEntryPoints"]),
        .executableTarget(name: "fuzz-recording", dependencies: ["FuzzEntryPoints"]),
        .executableTarget(name: "fuzz-text", dependencies: ["FuzzEntryPoints"]),
        .executableTarget(name: "fuzz-perfdata", dependencies: ["FuzzEntryPoints"]),
        .testTarget(
            name: "VMASnapTests",
            dependencies: [
                "VMASnap", "FuzzEntryPoints", "vmasnap", "vmasnap-fixture",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
    ]
)
