/* SPDX-License-Identifier: MIT */
/*
 * PrivateNetwork=yes, as systemd.exec(5): a network namespace of the
 * agent's own whose only device is the loopback device, brought up as
 * systemd does, so the agent can talk to itself on 127.0.0.1 and ::1 and
 * to nothing else.  Abstract AF_UNIX sockets are per network namespace
 * too; path-bound ones are not (they follow the file system).
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "plan.h"
#include "steps.h"

void netns_apply(const struct plan *p)
{
	struct ifreq ifr;
	int s;

	if (!p->cfg->private_network)
		return;
	if (INJECT(STEP_NETWORK) || unshare(CLONE_NEWNET) < 0)
		die(STEP_NETWORK, errno,
		    "PrivateNetwork=: unshare(CLONE_NEWNET)");
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die(STEP_NETWORK, errno, "PrivateNetwork=: socket");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		die(STEP_NETWORK, errno, "PrivateNetwork=: lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		die(STEP_NETWORK, errno, "PrivateNetwork=: bringing lo up");
	/* The read-back: lo is up and running in the new namespace. */
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0 || !(ifr.ifr_flags & IFF_UP))
		die(STEP_VERIFY, errno,
		    "PrivateNetwork=: lo is not up after the change");
	close(s);
}
