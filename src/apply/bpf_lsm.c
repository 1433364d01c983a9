/* SPDX-License-Identifier: MIT */
/*
 * RestrictFileSystems=: the agent group's entry in the pinned BPF LSM map,
 * pointed at the set the plan made and filled (src/plan/bpf_lsm.c says
 * how the program works).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "bpf_lsm.h"
#include "plan.h"
#include "steps.h"

#ifdef HAVE_BPF_LSM
#include "libbpf_dl.h"
#endif

uint64_t bpf_lsm_cgroup_id(const char *dir)
{
	/* The kernfs file handle of a cgroup v2 directory is its id, the
	 * value bpf_get_current_cgroup_id() returns (as systemd reads it). */
	struct {
		struct file_handle fh;
		uint64_t id;
	} h;
	uint64_t id;
	int mnt;

	memset(&h, 0, sizeof(h));
	h.fh.handle_bytes = sizeof(uint64_t);
	if (name_to_handle_at(AT_FDCWD, dir, &h.fh, &mnt, 0) < 0)
		return 0;
	if (h.fh.handle_bytes != sizeof(uint64_t)) {
		errno = EINVAL;
		return 0;
	}
	memcpy(&id, h.fh.f_handle, sizeof(id));
	return id;
}

/*
 * Points the agent group's entry at the set the plan made: from now on
 * every open by a task of the group, this launcher's included, is
 * checked.  After cgroup_apply() made the group and moved the launcher in;
 * as root in the host's user namespace, which bpf(2) needs here
 * (kernel.unprivileged_bpf_disabled).
 */
void bpf_lsm_apply(const struct plan *p)
{
	const struct bpf_lsm_plan *r = &p->rfs;
	uint64_t cgroup;

	if (!r->on)
		return;
#ifdef HAVE_BPF_LSM
	if (INJECT(STEP_BPF_LSM))
		die(STEP_BPF_LSM, errno, "RestrictFileSystems=: injected");
	cgroup = bpf_lsm_cgroup_id(r->group);
	if (!cgroup)
		die(STEP_BPF_LSM, errno, "cannot read the cgroup id of %s",
		    r->group);
	if (libbpf.map_update_elem(r->outer_fd, &cgroup, &r->inner_fd,
				   BPF_ANY) < 0)
		die(STEP_BPF_LSM, errno,
		    "RestrictFileSystems=: cannot set the file system list "
		    "of %s",
		    r->group);
	verify_bpf_lsm(r, cgroup);
	/* The pinned map keeps both: the agent gets neither descriptor. */
	close(r->outer_fd);
	close(r->inner_fd);
#else
	(void)cgroup;
	die(STEP_BPF_LSM, ENOSYS, "RestrictFileSystems=: not built");
#endif
}
