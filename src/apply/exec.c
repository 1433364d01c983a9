/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "steps.h"

/*
 * Executes the descriptor opened and checked in the plan, so the file that
 * passed the trust checks is the file that runs, whatever happens to its
 * path meanwhile.  An empty argv is refused (CVE-2021-4034).
 */
void exec_apply(const struct plan *p)
{
	if (!p->argv || !p->argv[0])
		die(STEP_EXEC, EINVAL, "refusing an empty argv");
	if (INJECT(STEP_EXEC))
		;
	else if (p->seccomp.exec_call &&
		 strcmp(p->seccomp.exec_call, "execve") == 0)
		/* The filter denies execveat; /proc/self/fd/N still names
		 * the checked file, not whatever is at its path now. */
		execve(p->exec_proc_path, p->argv, p->envp);
	else
		syscall(SYS_execveat, p->exec_fd, "", p->argv, p->envp,
			AT_EMPTY_PATH);
	/* The filters are loaded: a message needs write(2), and a filter
	 * that kills it would turn a failed exec into SIGSYS. */
	if (!p->seccomp.write_ok)
		_exit(step_exit_code(STEP_EXEC));
	die(STEP_EXEC, errno, "%s(%s) failed",
	    p->seccomp.exec_call ? p->seccomp.exec_call : "execveat",
	    p->exec_path);
}
