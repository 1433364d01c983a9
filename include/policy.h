/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_POLICY_H
#define OSAPI_LAUNCH_POLICY_H

#include "plan.h"

/*
 * The applied-policy record: one JSON line stating what the agent was
 * started with, built after the plan (src/report/policy_record.c) and sent
 * by the launch just after the read-back check confirmed it
 * (src/apply/policy_record.c); docs/policy-record.md has the schema.
 */
struct policy_record {
	char *line;	/* the JSON object, no newline */
	char *datagram; /* "<86>osapi-launch[pid]: " + line, for /dev/log */
	int syslog_fd;	/* connected to /dev/log, or -1 */
	int fd;		/* --policy-record=fd:N or stderr, or -1 */
};

/* Parses --policy-record=TARGET[,TARGET] (syslog, stderr, fd:N, none);
 * returns -1 on a bad value.  Called before anything else so fd:N survives
 * the startup close (fds_close_inherited_except). */
int policy_record_targets(const char *arg, bool *syslog, int *fd);

void policy_record_build(struct policy_record *r, const struct plan *p,
			 bool syslog, int fd);
/* After verify_apply(): no allocation, two writes at most.  main() hands
 * the record over once built; launch() emits it. */
void policy_record_activate(const struct policy_record *r);
void policy_record_emit(void);
void policy_record_free(struct policy_record *r);

#endif
