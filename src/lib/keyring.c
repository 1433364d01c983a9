/* SPDX-License-Identifier: MIT */
/* The session keyring's id (include/plan.h), read with keyctl(2). */
#include <linux/keyctl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plan.h"

int32_t keyring_session_id(void)
{
	long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
			  (unsigned long)(long)KEY_SPEC_SESSION_KEYRING, 0UL,
			  0UL, 0UL);
	return id < 0 ? 0 : (int32_t)id;
}
