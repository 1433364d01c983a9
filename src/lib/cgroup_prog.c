/* SPDX-License-Identifier: MIT */
/* bpf(2) for the cgroup programs the launcher writes (include/cgroup_prog.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup_prog.h"

static long bpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

int cgroup_prog_load(enum bpf_prog_type type, enum bpf_attach_type expected,
		     const struct bpf_insn *insns, size_t n, char *log,
		     size_t log_size)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.expected_attach_type = expected;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t) "MIT";
	if (log) {
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = (uint32_t)log_size;
		attr.log_level = 1;
	}
	fd = (int)bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0 && errno == ENOSPC && log) {
		/* The log did not fit: load again without it. */
		attr.log_buf = 0;
		attr.log_size = 0;
		attr.log_level = 0;
		fd = (int)bpf(BPF_PROG_LOAD, &attr);
	}
	return fd < 0 ? -errno : fd;
}

uint32_t cgroup_prog_id(int fd)
{
	struct bpf_prog_info info;
	union bpf_attr a;

	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uint64_t)(uintptr_t)&info;
	return bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0 ? 0 : info.id;
}

/* The ids of the programs at the slot, into ids[64]; the count. */
static uint32_t query(int cg, const struct cgroup_bpf_slot *s, uint32_t *ids,
		      bool must)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)cg;
	a.query.attach_type = s->type;
	a.query.prog_ids = (uint64_t)(uintptr_t)ids;
	a.query.prog_cnt = 64;
	if (bpf(BPF_PROG_QUERY, &a) < 0) {
		/* No cgroup BPF in this kernel: no program can have been
		 * left there either. */
		if (must)
			die(s->step, errno, "BPF_PROG_QUERY on %s failed",
			    s->group);
		return 0;
	}
	return a.query.prog_cnt;
}

void cgroup_prog_replace(int cg, const struct cgroup_bpf_slot *s, int prog_fd,
			 const uint32_t *want_id)
{
	uint32_t ids[64], n = query(cg, s, ids, prog_fd >= 0);
	union bpf_attr a;

	for (uint32_t i = 0; i < n && i < 64; i++) {
		int fd;

		memset(&a, 0, sizeof(a));
		a.prog_id = ids[i];
		fd = (int)bpf(BPF_PROG_GET_FD_BY_ID, &a);
		if (fd < 0)
			die(s->step, errno, "%s %u", s->noun, ids[i]);
		memset(&a, 0, sizeof(a));
		a.target_fd = (uint32_t)cg;
		a.attach_bpf_fd = (uint32_t)fd;
		a.attach_type = s->type;
		if (bpf(BPF_PROG_DETACH, &a) < 0)
			die(s->step, errno,
			    "cannot detach the %s %u a launch before left on "
			    "%s",
			    s->noun, ids[i], s->group);
		close(fd);
	}
	if (prog_fd < 0)
		return;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cg;
	a.attach_bpf_fd = (uint32_t)prog_fd;
	a.attach_type = s->type;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (bpf(BPF_PROG_ATTACH, &a) < 0)
		die(s->step, errno, "%s: attaching the %s to %s failed",
		    s->directive, s->what, s->group);
	/* The read-back: the group now holds exactly this one. */
	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)cg;
	a.query.attach_type = s->type;
	a.query.prog_ids = (uint64_t)(uintptr_t)ids;
	a.query.prog_cnt = sizeof(ids) / sizeof(*ids);
	if (bpf(BPF_PROG_QUERY, &a) < 0 || a.query.prog_cnt != 1 ||
	    (want_id && ids[0] != *want_id))
		die(STEP_VERIFY, errno,
		    "%s: %s does not hold the %s after the attach",
		    s->directive, s->group, s->what);
}
