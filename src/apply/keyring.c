/* SPDX-License-Identifier: MIT */
/*
 * KeyringMode=, as systemd.exec(5).  Without it the agent would inherit the
 * caller's session keyring, and with it every key an administrator's login
 * session holds (an ssh-agent's, a kinit's, an ecryptfs passphrase).
 *   private (systemd's default for system services): a new anonymous
 *       session keyring, linked to no other;
 *   shared: the same, with the user keyring of User= linked in, so keys
 *       given to that user can be found;
 *   inherit: the caller's session keyring, unchanged.
 * After the uid change, so the new keyring is the agent user's own and
 * counts against its quota, as systemd makes it (it switches the effective
 * ids around the call).  systemd also adds an "invocation_id" key; the
 * launcher has no invocation id and adds none.
 */
#include <errno.h>
#include <linux/keyctl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

static long keyctl(int op, unsigned long a, unsigned long b)
{
	return syscall(SYS_keyctl, op, a, b, 0UL, 0UL);
}

void keyring_apply(const struct plan *p)
{
	int32_t links[4];
	long id, n;

	if (p->cfg->keyring_mode == KEYRING_INHERIT)
		return;
	id = INJECT(STEP_KEYRING) ? -1
				  : keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0, 0);
	/* As systemd: a kernel without keyrings, or a container whose
	 * seccomp profile denies keyctl(2) (Docker's does), is not an
	 * error; the agent inherits that filter, so no keyring is within
	 * its reach either. */
	if (id < 0 && !INJECT(STEP_KEYRING) &&
	    (errno == ENOSYS || errno == EPERM || errno == EACCES))
		return;
	if (id < 0)
		die(STEP_KEYRING, errno,
		    "KeyringMode=: cannot join a new session keyring");
	if (p->cfg->keyring_mode == KEYRING_SHARED &&
	    keyctl(KEYCTL_LINK, (unsigned long)(long)KEY_SPEC_USER_KEYRING,
		   (unsigned long)(long)KEY_SPEC_SESSION_KEYRING) < 0)
		die(STEP_KEYRING, errno,
		    "KeyringMode=shared: cannot link the user keyring");
	/* The read-back: the session keyring is the new one, not the
	 * caller's, and holds nothing but what the mode links in. */
	if (keyring_session_id() != (int32_t)id ||
	    (int32_t)id == p->caller_keyring)
		die(STEP_VERIFY, 0,
		    "KeyringMode=: the session keyring is not the new one");
	n = syscall(SYS_keyctl, KEYCTL_READ, (unsigned long)id,
		    (unsigned long)(uintptr_t)links, sizeof(links), 0UL);
	if (n != (p->cfg->keyring_mode == KEYRING_SHARED ? (long)sizeof(int32_t)
							 : 0))
		die(STEP_VERIFY, n < 0 ? errno : 0,
		    "KeyringMode=: the new session keyring holds %ld "
		    "links",
		    n < 0 ? -1 : n / (long)sizeof(int32_t));
}
