/* SPDX-License-Identifier: MIT */
/*
 * --learn: run the target under the configured policy, except that
 * SystemCallFilter= is replaced by a filter that reports every call to this
 * process (SECCOMP_RET_USER_NOTIF), which stays behind as root, records
 * the call and lets it continue.  When the target exits, it prints which
 * calls the configured filter would have refused, which configured groups
 * were never needed, and a proposed change to the config as a diff.
 *
 * Learning means running without the syscall filter's protection: a tool
 * for a test host, never for production.  Everything else the config says
 * (user, capabilities, no_new_privs, sandbox, the other filters) applies.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "learn.h"
#include "steps.h"
#include "syscall_groups.h"

#define NR_MAX 1024

struct usage {
	unsigned long count[NR_MAX];
};

/* Takes the listener from the child and answers every notification. */
static void supervise(const struct seccomp_plan *s, pid_t child,
		      struct usage *u)
{
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	int want, pidfd, lfd = -1;
	bool exec_seen = false;
	uint32_t native = seccomp_arch_native();

	if (read(s->learn_pipes[0], &want, sizeof(want)) != sizeof(want))
		return; /* the child stopped before its filter */
	pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	for (int i = 0; pidfd >= 0 && i < 5000 && lfd < 0; i++) {
		lfd = (int)syscall(SYS_pidfd_getfd, pidfd, want, 0);
		if (lfd < 0 && errno == EBADF)
			usleep(1000); /* not loaded yet */
		else if (lfd < 0)
			break;
	}
	if (lfd < 0 || write(s->learn_pipes[1], "x", 1) != 1 ||
	    syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) {
		fprintf(stderr,
			"osapi-launch: --learn: cannot take the "
			"listener (%s)\n",
			errno_name(errno));
		kill(child, SIGKILL);
		return;
	}
	req = xcalloc(1, sizes.seccomp_notif);
	resp = xcalloc(1, sizes.seccomp_notif_resp);
	for (;;) {
		struct pollfd fds[2] = {{lfd, POLLIN, 0}, {pidfd, POLLIN, 0}};
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if (fds[0].revents & POLLIN) {
			memset(req, 0, sizes.seccomp_notif);
			if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, req) == 0) {
				/* The launcher's own last calls up to execveat
				 * are not the target's. */
				if (!exec_seen)
					exec_seen =
						(pid_t)req->pid == child &&
						req->data.nr == SYS_execveat;
				else if (req->data.arch == native &&
					 req->data.nr >= 0 &&
					 req->data.nr < NR_MAX)
					u->count[req->data.nr]++;
				memset(resp, 0, sizes.seccomp_notif_resp);
				resp->id = req->id;
				resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
				ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, resp);
			}
		}
		if (fds[1].revents & POLLIN)
			break; /* the target exited */
	}
	free(req);
	free(resp);
	close(lfd);
	close(pidfd);
}

struct names {
	const char **v;
	size_t n;
};

static bool has(const struct names *ns, const char *name)
{
	for (size_t i = 0; i < ns->n; i++)
		if (ns->v[i] && strcmp(ns->v[i], name) == 0)
			return true;
	return false;
}

struct cover {
	const struct names *in;
	bool all, any;
};

static int check_member(const char *name, void *ud)
{
	struct cover *cv = ud;

	if (seccomp_syscall_resolve_name(name) < 0)
		return 0; /* not on this ABI: does not count */
	if (has(cv->in, name))
		cv->any = true;
	else
		cv->all = false;
	return 0;
}

static void append(char **list, const char *word)
{
	char *longer = xasprintf("%s %s", *list, word);

	free(*list);
	*list = longer;
}

static void report(FILE *out, const struct plan *p, const struct usage *u)
{
	const struct config *c = p->cfg;
	struct names used = {0}, refused = {0};
	char *proposal = xstrdup("");

	for (int nr = 0; nr < NR_MAX; nr++) {
		char *name;
		if (!u->count[nr])
			continue;
		name = seccomp_syscall_resolve_num_arch(seccomp_arch_native(),
							nr);
		if (!name)
			continue;
		used.v = xrealloc(used.v, (used.n + 1) * sizeof(*used.v));
		used.v[used.n++] = name;
		if (!seccomp_filter_allows(&p->seccomp, name) &&
		    strcmp(name, "execveat") != 0) {
			refused.v =
				xrealloc(refused.v,
					 (refused.n + 1) * sizeof(*refused.v));
			refused.v[refused.n++] = name;
		}
	}
	fprintf(out, "osapi-launch --learn: the target used %zu system calls\n",
		used.n);
	fprintf(out, "would have been refused by SystemCallFilter=:");
	for (size_t i = 0; i < refused.n; i++)
		fprintf(out, " %s", refused.v[i]);
	fprintf(out, "%s\n", refused.n ? "" : " none");

	/* Groups the config names that nothing used. */
	fprintf(out, "configured groups never needed:");
	for (size_t i = 0; i < c->syscall_filter.n; i++) {
		const char *line = c->syscall_filter.v[i].s, *why;
		struct words w = {0};
		if (line[0] == '~' ||
		    split_words(line, &w, c->syscall_filter.v[i].at, &why) < 0)
			continue;
		for (size_t j = 0; j < w.n; j++) {
			struct cover cv = {&used, true, false};
			if (w.v[j].s[0] != '@')
				continue;
			syscall_group_expand(w.v[j].s, check_member, &cv);
			if (!cv.any)
				fprintf(out, " %s (line %u)", w.v[j].s,
					c->syscall_filter.v[i].at.line);
		}
		words_clear(&w);
	}
	fputc('\n', out);
	if (!refused.n || !p->seccomp.allow_list)
		goto done;

	/* Fold whole groups, largest first, then the remaining names. */
	for (;;) {
		const struct syscall_group *best = NULL;
		size_t best_n = 1;
		for (size_t g = 0; g < syscall_group_count(); g++) {
			const struct syscall_group *grp = syscall_group_at(g);
			struct cover cv = {&refused, true, false};
			size_t n = 0;
			if (!strcmp(grp->name, "@known") ||
			    !strcmp(grp->name, "@default"))
				continue;
			syscall_group_expand(grp->name, check_member, &cv);
			for (const char *const *m = grp->members; *m; m++)
				n++;
			if (cv.all && cv.any && n > best_n) {
				best = grp;
				best_n = n;
			}
		}
		if (!best)
			break;
		append(&proposal, best->name);
		/* The group's members leave the list. */
		for (size_t i = 0; i < refused.n; i++) {
			struct names single = {&refused.v[i], 1};
			struct cover cv = {&single, true, false};
			if (!refused.v[i])
				continue;
			syscall_group_expand(best->name, check_member, &cv);
			if (cv.any)
				refused.v[i] = NULL;
		}
	}
	for (size_t i = 0; i < refused.n; i++)
		if (refused.v[i])
			append(&proposal, refused.v[i]);
	{
		const struct word *last =
			&c->syscall_filter.v[c->syscall_filter.n - 1];
		fprintf(out, "proposed change:\n--- %s\n+++ %s (learned)\n",
			c->path, c->path);
		fprintf(out, "@@ -%u,1 +%u,2 @@\n SystemCallFilter=%s\n",
			last->at.line, last->at.line, last->s);
		fprintf(out, "+SystemCallFilter=%s\n", proposal + 1);
	}
done:
	free(proposal);
	for (size_t i = 0; i < used.n; i++)
		free((char *)used.v[i]);
	free(used.v);
	free(refused.v);
}

static void reopen(int fd, const char *path, int flags)
{
	int n;

	if (fd < 0)
		return;
	n = open(path, flags | O_CLOEXEC);
	if (n < 0 || dup3(n, fd, O_CLOEXEC) < 0)
		die(STEP_VERIFY, errno, "--learn: cannot reopen %s", path);
	close(n);
}

_Noreturn void learn_launch(const struct plan *p)
{
	const struct seccomp_plan *s = &p->seccomp;
	struct usage *u = xcalloc(1, sizeof(*u));
	int status = 0;
	pid_t child;

	fflush(NULL);
	child = fork();
	if (child < 0)
		die(STEP_SECCOMP, errno, "--learn: fork failed");
	if (child == 0) {
		close(s->learn_pipes[0]);
		close(s->learn_pipes[1]);
		/* /proc/self was the parent's when the plan opened it: the
		 * read-back check must read the child's own state. */
		reopen(p->status_fd, "/proc/self/status", O_RDONLY);
		reopen(p->stat_fd, "/proc/self/stat", O_RDONLY);
		reopen(p->oom_fd, "/proc/self/oom_score_adj", O_RDWR);
		reopen(p->apparmor_exec_fd,
		       "/proc/thread-self/attr/apparmor/exec", O_RDONLY);
		launch(p);
	}
	close(s->learn_to_parent);
	close(s->learn_from_parent);
	supervise(s, child, u);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	report(stderr, p, u);
	free(u);
	if (WIFSIGNALED(status))
		_exit(128 + WTERMSIG(status));
	_exit(WEXITSTATUS(status));
}
