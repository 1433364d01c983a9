/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_CGROUP_PROG_H
#define OSAPI_LAUNCH_CGROUP_PROG_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "die.h"

/*
 * The cgroup programs the launcher writes itself, instruction by
 * instruction, with bpf(2) and no library (src/lib/cgroup_prog.c):
 * DevicePolicy='s device program (src/plan/devices.c) and IPAddressDeny='s
 * packet filters (src/plan/cgroup_skb.c).  The plan loads them, as root; the
 * launch puts them on the agent's group.
 */
#define BPF_INSN(c, d, s, o, i)                                                \
	((struct bpf_insn){.code = (c),                                        \
			   .dst_reg = (d),                                     \
			   .src_reg = (s),                                     \
			   .off = (o),                                         \
			   .imm = (i)})

/* Loads a program licensed "MIT": its fd, or -errno.  log (NULL: none)
 * takes the verifier's account of a refusal; one too long for it is
 * dropped and the load tried again without. */
int cgroup_prog_load(enum bpf_prog_type type, enum bpf_attach_type expected,
		     const struct bpf_insn *insns, size_t n, char *log,
		     size_t log_size);
/* The kernel's id of a loaded program (0: unknown). */
uint32_t cgroup_prog_id(int fd);

/* One attach point of the agent's group, for the messages of a launch step:
 * "<directive>: attaching the <what> to <group> failed", and "<noun> <id>"
 * for a program found there. */
struct cgroup_bpf_slot {
	enum step step;
	enum bpf_attach_type type;
	const char *group;
	const char *directive;
	const char *what;
	const char *noun;
};

/*
 * In the launch: the group (cg, an open directory) loses every program a
 * launch before left at the slot (groups are reused), then gets prog_fd
 * (-1: none) with BPF_F_ALLOW_MULTI, so a program the host put on an
 * ancestor still runs too, and is read back: exactly one program there, with
 * the id *want_id (NULL: any).  A failure ends the launch
 * with the slot's step, the read-back's with STEP_VERIFY.
 */
void cgroup_prog_replace(int cg, const struct cgroup_bpf_slot *s, int prog_fd,
			 const uint32_t *want_id);

#endif
