/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_BPF_LSM_H
#define OSAPI_LAUNCH_BPF_LSM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bpf_lsm_shared.h"
#include "config.h"

/*
 * RestrictFileSystems= (src/plan/bpf_lsm.c): the merged set, the pinned
 * program's map and this launch's set, made and filled in the plan; the
 * apply step only points the agent group's entry at it.
 */
/* Where the program's link and map are pinned (bpffs): one directory per
 * program, named by its content, below this one. */
#define BPF_LSM_PIN_DIR "/sys/fs/bpf/osapi-launch"

struct bpf_lsm_plan {
	bool on;
	bool allow;   /* an allow list; else a deny list */
	char **names; /* the merged type names, sorted (--check) */
	size_t nnames;
	uint32_t magic[RFS_SET_MAX]; /* sorted, unique */
	size_t nmagic;
	const char *group; /* the agent's cgroup v2 directory */
	int outer_fd;	   /* the pinned cgroup_fs map */
	int inner_fd;	   /* this launch's set */
	uint32_t inner_id;
	uint32_t prog_id;
	const char *pin_link; /* BPF_LSM_PIN_DIR/<program id>/file_open */
	bool loaded;	      /* this plan loaded and pinned the program */
	size_t stale;	      /* entries of dead groups removed */
	char *mounted;	      /* bpffs mounted by this plan, or NULL */
	bool persist; /* pinned for launches; false: --check's test only */
};

struct plan;
void bpf_lsm_plan(struct plan *p, const struct config *c, struct diag *dg,
		  enum step *step);
void bpf_lsm_plan_free(struct bpf_lsm_plan *r);
/* Off for --check: load and attach to test the kernel, pin nothing. */
void bpf_lsm_persist(bool on);
/* The agent group's cgroup id, as bpf_get_current_cgroup_id() reads it
 * for its tasks; 0 on failure (errno set). */
uint64_t bpf_lsm_cgroup_id(const char *dir);
/* The read-back (src/apply/verify.c): the entry for cgroup id points at the
 * planned set, which holds exactly the planned mode and magics. */
void verify_bpf_lsm(const struct bpf_lsm_plan *r, uint64_t cgroup);

#endif
