#ifndef VMASNAP_DEMANGLE_H
#define VMASNAP_DEMANGLE_H

#include <stddef.h>

/// The demangled form of an Itanium C++ ABI name ("_Z..."), through
/// libstdc++'s __cxa_demangle; NULL when it is not one. The caller frees it.
char *vmasnap_demangle_cxx(const char *mangled);

/// The demangled form of a Swift symbol name ("$s...", "_T0..."), through
/// the Swift runtime's swift_demangle; NULL when it is not one. The caller
/// frees it.
char *vmasnap_demangle_swift(const char *mangled, size_t length);

/// Frees a name returned by the functions above.
void vmasnap_demangle_free(char *name);

#endif
