#include "vmasnap_demangle.h"

#include <stdint.h>
#include <stdlib.h>

// Declared here rather than through <cxxabi.h> (C++) and the Swift runtime's
// headers (not installed): both are stable, exported C entry points.
extern char *__cxa_demangle(const char *mangled, char *buffer, size_t *length, int *status);
extern char *swift_demangle(const char *mangled, size_t length, char *buffer, size_t *bufferSize, uint32_t flags);

char *vmasnap_demangle_cxx(const char *mangled) {
    int status = 0;
    char *result = __cxa_demangle(mangled, NULL, NULL, &status);
    return status == 0 ? result : NULL;
}

char *vmasnap_demangle_swift(const char *mangled, size_t length) {
    // Flags must be 0: the runtime accepts no other value.
    return swift_demangle(mangled, length, NULL, NULL, 0);
}

void vmasnap_demangle_free(char *name) {
    free(name);
}
