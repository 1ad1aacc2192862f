#ifndef VMASNAP_CZSTD_SHIM_H
#define VMASNAP_CZSTD_SHIM_H
#include <zstd.h>
#include <zstd_errors.h>
#endif
