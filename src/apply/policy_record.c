/* SPDX-License-Identifier: MIT */
/*
 * The applied-policy record, sent: right after verify_apply() confirmed
 * that the kernel reports exactly the plan, so it states what was
 * enforced, and before the seccomp filters, which may deny the write.  The
 * record was built in the plan (src/report/policy_record.c): here only two
 * writes of prebuilt bytes.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "policy.h"
#include "steps.h"

static const struct policy_record *active;

void policy_record_activate(const struct policy_record *r)
{
	active = r;
}

void policy_record_emit(void)
{
	const struct policy_record *r = active;

	if (!r || !r->line)
		return;
	if (r->syslog_fd >= 0 &&
	    send(r->syslog_fd, r->datagram, strlen(r->datagram), 0) < 0) {
		/* Best effort, like any syslog(3) call: the daemon may be
		 * gone; the launch does not depend on it. */
	}
	if (r->fd >= 0) {
		struct iovec iov[2] = {
			{.iov_base = r->line, .iov_len = strlen(r->line)},
			{.iov_base = (void *)"\n", .iov_len = 1},
		};
		/* One writev, so concurrent launches do not interleave lines
		 * on an O_APPEND file. */
		if (writev(r->fd, iov, 2) < 0)
			die(STEP_VERIFY, errno,
			    "writing the policy record to fd %d failed", r->fd);
	}
}
