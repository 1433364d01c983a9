/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_BPF_LSM_SHARED_H
#define OSAPI_LAUNCH_BPF_LSM_SHARED_H

/*
 * What src/bpf/bpf_lsm.bpf.c and src/plan/bpf_lsm.c agree on.  Each agent
 * group's set is an inner hash map, superblock magic -> 1, with the mode under
 * key 0 (no file system has magic 0); the outer map, cgroup id -> set,
 * is pinned with the program's link.
 */
#define RFS_MODE_KEY   0U
#define RFS_MODE_ALLOW 1U    /* only the listed magics may be opened */
#define RFS_MODE_DENY  2U    /* the listed magics may not be opened */
#define RFS_SET_MAX    256U  /* entries of a set: magics and the mode */
#define RFS_GROUPS_MAX 4096U /* agent groups, live and stale */

#endif
