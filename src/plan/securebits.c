/* SPDX-License-Identifier: MIT */
/*
 * SecureBits=: the bits the launch sets (src/apply/securebits.c), and the
 * ones it sets around the uid change and reads back.
 */
#include <linux/securebits.h>
#include <sys/prctl.h>

#include "plan.h"

void securebits_plan(struct plan *p, const struct config *c, struct diag *dg,
		     enum step *step)
{
	/*
	 * The caller's securebits survive exec like the rest of its state
	 * (no-setuid-fixup would let the agent keep capabilities across a
	 * uid change): they are reset to none unless configured.  A locked
	 * bit cannot change, so a caller's lock the config does not repeat
	 * is refused rather than passed on.
	 */
	unsigned now = (unsigned)prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	unsigned locks = now & (unsigned)SECURE_ALL_LOCKS, stuck = 0;

	for (unsigned b = 0; b < 8; b += 2) {
		unsigned bit = 1u << b, lock = 1u << (b + 1);
		if ((locks & lock) &&
		    (!(c->securebits & lock) || ((now ^ c->securebits) & bit)))
			stuck |= lock;
	}
	if (stuck) {
		diag_add(dg, c->at[D_SECURE_BITS],
			 "the caller locked securebits %#x (read %#x), which "
			 "no process can unlock: start osapi-launch without "
			 "them, or repeat them in SecureBits=",
			 stuck, now);
		plan_fail(step, STEP_SECUREBITS);
	}
	p->set_securebits = c->at[D_SECURE_BITS].line != 0 || now != 0;
	p->securebits = p->securebits_switch = p->securebits_verify =
		c->securebits;
	/*
	 * capng_change_id() turns keep-caps on for the switch and off after
	 * it, which a locked keep-caps refuses (EPERM).  Then the launcher
	 * sets keep-caps with the lock, switches itself, and execve(2) clears
	 * the bit (it always does; the lock stays): the agent starts with
	 * the configured bits either way.
	 */
	if (p->set_securebits && p->change_id &&
	    (p->securebits & SECBIT_KEEP_CAPS_LOCKED)) {
		p->keep_caps_locked = true;
		p->securebits_switch |= SECBIT_KEEP_CAPS;
		p->securebits_verify |= SECBIT_KEEP_CAPS;
	} else if (p->change_id) {
		p->securebits_verify &= ~(unsigned)SECBIT_KEEP_CAPS;
	}
}
