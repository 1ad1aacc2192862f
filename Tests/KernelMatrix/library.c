/*
 * A library the kernel matrix's fixture loads and unloads (liba.so, libb.so:
 * built twice with different build IDs). The checks resolve the address of
 * fixture_entry, whose file offset readelf gives.
 */
__attribute__((noinline)) unsigned long fixture_entry(unsigned long n) {
    unsigned long x = LIBRARY_SEED;
    for (unsigned long i = 0; i < n; i++) x = x * 31 + i;
    return x;
}
