#ifndef VMASNAP_PROCESS_CONTROL_H
#define VMASNAP_PROCESS_CONTROL_H

/*
 * prctl() is variadic, which Swift cannot call: the one use vmasnap has for
 * it is spelled out here.
 */

/* Makes the calling process a child subreaper (PR_SET_CHILD_SUBREAPER), so
 * that its orphaned descendants are reparented to it rather than to init.
 * Returns 0, or -1 with errno set. */
int vmasnap_set_child_subreaper(int enabled);

#endif
