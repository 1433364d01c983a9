/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sys/personality.h>

#include "steps.h"

/*
 * The execution domain and its flags survive exec: "setarch -R" would start
 * the agent without address-space randomisation (ADDR_NO_RANDOMIZE), -X with
 * READ_IMPLIES_EXEC, -3 or -L with another memory layout, and
 * LockPersonality= would then keep it that way.  No directive sets a
 * personality here (systemd's Personality= is not implemented), so the agent
 * gets PER_LINUX with no flags, as every process PID 1 starts.
 */
void personality_apply(const struct plan *p)
{
	(void)p;
	if (INJECT(STEP_PERSONALITY) || personality(PER_LINUX) < 0)
		die(STEP_PERSONALITY, errno, "personality(PER_LINUX) failed");
}
