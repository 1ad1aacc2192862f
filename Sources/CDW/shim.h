#ifndef VMASNAP_CDW_SHIM_H
#define VMASNAP_CDW_SHIM_H
#include <elfutils/libdw.h>
#include <dwarf.h>
#endif
