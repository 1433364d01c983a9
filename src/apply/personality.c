/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sys/personality.h>

#include "steps.h"

/*
 * The execution domain and its flags survive exec: "setarch -R" would start
 * the agent without address-space randomisation (ADDR_NO_RANDOMIZE), -X with
 * READ_IMPLIES_EXEC, -3 or -L with another memory layout, and
 * LockPersonality= would then keep it that way.  The agent gets
 * Personality='s domain (PER_LINUX or PER_LINUX32), else PER_LINUX, with no
 * flags, as every process PID 1 starts; LockPersonality= then locks that
 * one (src/plan/seccomp.c), as systemd does.
 */
void personality_apply(const struct plan *p)
{
	if (INJECT(STEP_PERSONALITY) || personality(p->personality) < 0)
		die(STEP_PERSONALITY, errno, "personality(%#lx) failed",
		    p->personality);
}
