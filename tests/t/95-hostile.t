#!/bin/bash
# A hostile caller: what the caller's process state can and cannot pass to
# the agent.  The environment (LD_PRELOAD, GCONV_PATH, ...), umask, resource
# limits, signal dispositions and mask, closed stdio and a huge argv.  The
# shipped config, run as root, read back by the probe.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
C=$SCRATCH/launch.conf
shipped_conf "" "$C"
envs() { printf '%s\n' "$OUTPUT" | sed -n 's/^ENV=//p'; }

# 1. The environment: a loader and libc attack surface, none of which may
# reach the target.  The LD_PRELOAD object is real: its constructor leaves a
# note saying which program loaded it, as which uid.
cat >"$SCRATCH/preload.c" <<C
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
__attribute__((constructor)) static void hit(void)
{
	char exe[256] = "", line[512];
	int fd = open("$OUT/preload", O_WRONLY | O_CREAT | O_APPEND, 0666);
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (fd < 0)
		return;
	exe[n > 0 ? n : 0] = '\0';
	snprintf(line, sizeof(line), "uid=%d exe=%s\n", (int)getuid(), exe);
	if (write(fd, line, strlen(line)) < 0) {
	}
	close(fd);
}
C
if gcc -shared -fPIC -Wall -Werror -o "$SCRATCH/preload.so" "$SCRATCH/preload.c" 2>/dev/null; then
	chmod 0755 "$SCRATCH/preload.so"
	OUTPUT=$(LD_PRELOAD=$SCRATCH/preload.so LD_LIBRARY_PATH=/tmp LD_AUDIT=/tmp/x.so \
		GCONV_PATH=/tmp LOCPATH=/tmp NLSPATH=/tmp/%N IFS=x HOSTALIASES=/tmp/h \
		RESOLV_HOST_CONF=/tmp/r MALLOC_CHECK_=3 GLIBC_TUNABLES=glibc.malloc.check=3 \
		TMPDIR=/tmp/evil BASH_ENV=/tmp/evil ENV=/tmp/evil PYTHONPATH=/tmp \
		PATH=/tmp/evil:$PATH HOME=/tmp/evil \
		"$OSAPI_LAUNCH" -c "$C" 2>&1)
	is "$?" 0 "a launch with a hostile environment still runs"
	bad=$(envs | grep -E '^(LD_|GCONV_PATH|LOCPATH|NLSPATH|IFS|HOSTALIASES|RESOLV_HOST_CONF|MALLOC_|GLIBC_TUNABLES|TMPDIR|BASH_ENV|ENV|PYTHONPATH)=' | tr '\n' ' ')
	is "$bad" "" "none of LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT, GCONV_PATH, LOCPATH, NLSPATH, IFS, ... reaches the target"
	like "$(envs | grep '^PATH=')" "^PATH=/usr/local/sbin:" "PATH is the launcher's own, not the caller's"
	like "$(envs | grep '^HOME=')" "^HOME=$(getent passwd osapi | cut -d: -f6)$" "HOME is the user's, not the caller's"
	ok "$(grep -c "exe=$P" "$OUT/preload" 2>/dev/null)" "the LD_PRELOAD object was not loaded into the target"
	# The launcher is not setuid, so the dynamic loader honours LD_PRELOAD
	# for it: whoever sets it for a root process is root already (see
	# SECURITY.md).  Recorded, so a change in either direction is seen.
	if grep -q "uid=0 exe=.*osapi-launch" "$OUT/preload" 2>/dev/null; then
		diag "as documented: LD_PRELOAD set by the (root) caller runs in the launcher itself, as root, before main()"
	else
		diag "LD_PRELOAD did not run in the launcher (a static or hardened build?)"
	fi
else
	diag "no gcc: the LD_PRELOAD object was not built"
	OUTPUT=$(LD_PRELOAD=/nonexistent.so GCONV_PATH=/tmp LOCPATH=/tmp NLSPATH=/tmp IFS=x "$OSAPI_LAUNCH" -c "$C" 2>/dev/null)
	is "$(envs | grep -cE '^(LD_|GCONV_PATH|LOCPATH|NLSPATH|IFS)=')" 0 "loader variables do not reach the target"
fi

# 2. umask: UMask= wins over the caller's; without it, systemd's 0022.
OUTPUT=$(umask 0000 && "$OSAPI_LAUNCH" -c "$C" 2>/dev/null)
is "$(field UMASK)" 0027 "caller umask 0000, UMask=0027: the target gets 0027"
grep -v '^UMask=' "$C" >"$SCRATCH/nomask.conf"
chmod 0644 "$SCRATCH/nomask.conf"
OUTPUT=$(umask 0000 && "$OSAPI_LAUNCH" -c "$SCRATCH/nomask.conf" 2>/dev/null)
is "$(field UMASK)" 0022 "caller umask 0000, no UMask=: the target gets systemd's default 0022"
OUTPUT=$(umask 0077 && "$OSAPI_LAUNCH" -c "$SCRATCH/nomask.conf" 2>/dev/null)
is "$(field UMASK)" 0022 "caller umask 0077, no UMask=: 0022 too (the caller's umask never passes)"

# 3. Resource limits: a configured limit is set while root, so it applies
# even above the caller's hard limit; an unconfigured one is inherited.
OUTPUT=$(ulimit -Sn 64 && "$OSAPI_LAUNCH" -c "$C" 2>/dev/null)
is "$(field RLIMIT_NOFILE)" 16384:16384 "caller at RLIMIT_NOFILE soft 64, LimitNOFILE=16384: the target gets 16384:16384"
# Raising a hard limit needs CAP_SYS_RESOURCE (24), which some container
# runtimes take from root: then the launch must fail closed, not run the
# agent with the caller's lower limit.
rm -f "$OUT/ran"
e=$(mktemp)
OUTPUT=$(ulimit -n 64 && "$OSAPI_LAUNCH" -c "$C" -- "$P" --marker "$OUT/ran" 2>"$e")
RC=$?
ERR=$(cat "$e")
rm -f "$e"
if [ $(( 0x$(awk '/^CapEff/ {print $2}' /proc/self/status) >> 24 & 1 )) -eq 1 ]; then
	is "$RC:$(field RLIMIT_NOFILE)" 0:16384:16384 "caller at RLIMIT_NOFILE 64:64, LimitNOFILE=16384: raised as root, the target gets 16384:16384"
else
	diag "root here lacks CAP_SYS_RESOURCE: a hard limit cannot be raised"
	is "$RC" 205 "caller at 64:64 and no CAP_SYS_RESOURCE, LimitNOFILE=16384: exit 205 (rlimits)"
	like "$ERR" "^osapi-launch: rlimits: setrlimit\(LimitNOFILE\) failed \(EPERM\)" "the rlimits step says which limit"
	ok "$([ -e "$OUT/ran" ] && echo 1 || echo 0)" "the target never ran with the caller's lower limit"
fi
grep -v '^LimitNOFILE=' "$C" >"$SCRATCH/nolimit.conf"
chmod 0644 "$SCRATCH/nolimit.conf"
OUTPUT=$(ulimit -n 64 && "$OSAPI_LAUNCH" -c "$SCRATCH/nolimit.conf" 2>/dev/null)
is "$(field RLIMIT_NOFILE)" 64:64 "caller at 64:64, no LimitNOFILE=: the target inherits 64:64 (as any exec; systemd would set its own default)"
OUTPUT=$(ulimit -c unlimited && "$OSAPI_LAUNCH" -c "$C" 2>/dev/null)
is "$(field RLIMIT_CORE)" 0:0 "caller allows core dumps, LimitCORE=0: the target gets 0:0"

# 4. Signals: an ignored SIGTERM or a blocked signal would survive exec.
if command -v python3 >/dev/null; then
	OUTPUT=$(python3 -c '
import os, signal, sys
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGPIPE):
    signal.signal(s, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, signal.SIGTERM, signal.SIGCHLD})
os.execv(sys.argv[1], sys.argv[1:])' "$OSAPI_LAUNCH" -c "$C" 2>/dev/null)
	is "$(field SigIgn)" 0000000000000000 "caller ignores TERM, INT, HUP, PIPE: the target ignores nothing"
	is "$(field SigBlk)" 0000000000000000 "caller blocks USR1, TERM, CHLD: the target blocks nothing"
else
	diag "no python3: signal cases not run"
fi

# 5. Closed stdio: the agent still gets fds 0-2, on /dev/null.
rm -f "$OUT/fds"
# The shell's own fds, read before dash applies any redirection of its own.
"$OSAPI_LAUNCH" -c "$C" -- /bin/sh -c "x=\$(readlink /proc/\$\$/fd/0 /proc/\$\$/fd/1 /proc/\$\$/fd/2); echo \"\$x\" >$OUT/fds" 0<&- 1>&- 2>&-
is "$?" 0 "with stdin, stdout and stderr closed the launch still succeeds"
is "$(tr '\n' ' ' <"$OUT/fds" 2>/dev/null)" "/dev/null /dev/null /dev/null " "the target gets fds 0, 1 and 2 open on /dev/null"

# 6. A huge argv: passed whole, or refused before anything runs.
mapfile -t many < <(seq 100000)
OUTPUT=$("$OSAPI_LAUNCH" -c "$C" -- "$P" "${many[@]}" 2>/dev/null)
is "$?" 0 "100,000 arguments: the launch succeeds"
is "$(printf '%s\n' "$OUTPUT" | grep -c '^ARG=')" 100000 "100,000 arguments: all reach the target"
is "$(printf '%s\n' "$OUTPUT" | sed -n 's/^ARG=//p' | tail -n 1)" 100000 "100,000 arguments: in order, the last one last"
# A LimitSTACK= small enough that the kernel refuses the target's argv
# (ARG_MAX is a quarter of the stack limit): the launcher itself started
# fine, its execveat() gets E2BIG, and nothing runs.
cp "$C" "$SCRATCH/smallstack.conf"
echo "LimitSTACK=256K" >>"$SCRATCH/smallstack.conf"
rm -f "$OUT/ran"
run_launch -c "$SCRATCH/smallstack.conf" -- "$P" --marker "$OUT/ran" "${many[@]}"
is "$RC" 203 "100,000 arguments over a 256K stack: exit 203 (exec)"
like "$ERR" "^osapi-launch: exec: execveat\(.*\) failed \(E2BIG\)$" "100,000 arguments over a 256K stack: E2BIG, named"
ok "$([ -e "$OUT/ran" ] && echo 1 || echo 0)" "100,000 arguments over a 256K stack: the target never ran"
is "$OUTPUT" "" "100,000 arguments over a 256K stack: no partial output"

done_testing
