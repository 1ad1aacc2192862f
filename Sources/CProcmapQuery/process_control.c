#include "process_control.h"
#include <sys/prctl.h>

int vmasnap_set_child_subreaper(int enabled) {
    return prctl(PR_SET_CHILD_SUBREAPER, (unsigned long)(enabled != 0), 0UL, 0UL, 0UL);
}
