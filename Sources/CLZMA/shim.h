#ifndef VMASNAP_CLZMA_SHIM_H
#define VMASNAP_CLZMA_SHIM_H
#include <lzma.h>
#endif
