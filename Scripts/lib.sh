# Shared by the Scripts: install what the project needs on a fresh Debian 12
# machine that has only the Swift toolchain.
# shellcheck shell=bash

# Installs the Debian packages named, if any is missing.
ensure_packages() {
    local missing=()
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing ${missing[*]} (apt-get)..." >&2
    local sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# What building and testing need: libzstd and elfutils' libdw (the non-Swift
# dependencies), pkg-config to find them, C and C++ compilers for the test
# libraries, binutils (addr2line, objcopy, strip, readelf: oracles and test
# files), xz (MiniDebugInfo test files), libc's debug file (libc6-dbg, in
# /usr/lib/debug/.build-id) for the symbolizer's libc oracle test, and perf
# for the tests that record alongside it.
ensure_build_dependencies() {
    ensure_packages libzstd-dev libdw-dev pkg-config
}

# Python 3 runs Scripts/check-layers, and Formats/golden/walkthrough.py, the
# independent decoder the tests compare the reader with.
ensure_test_dependencies() {
    ensure_build_dependencies
    # python3 also runs the independent decoder of the golden files (Formats/golden/walkthrough.py).
    # zstd (the command) decodes the stored symbol tables in walkthrough.py.
    ensure_packages gcc g++ libc6-dev libc6-dbg binutils xz-utils zstd linux-perf util-linux python3
}

# What Scripts/kernel-matrix needs besides the tests' own: qemu to boot the
# kernels, busybox (static) for the guest's tools, cpio for its initramfs,
# binutils' readelf for the oracle, and the static libraries a fully static
# vmasnap links (glibc's, libzstd's, libdw's, libelf's, zlib's and lzma's .a
# files come with their -dev packages; libdw.a also needs libbz2.a).
ensure_kernel_matrix_dependencies() {
    ensure_test_dependencies
    ensure_packages qemu-system-x86 busybox-static cpio binutils libbz2-dev
}
