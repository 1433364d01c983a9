#!/bin/bash
# The agent cannot read root's keystrokes (issue #12, finding 2).  A real
# pseudo-terminal, driven by python3, runs an interactive root bash as an
# operator's terminal would; the bash starts osapi-launch, whose target (the
# probe's --tty-thief) leaves a child behind that ignores SIGTTOU and SIGHUP
# and tries tcsetpgrp(), read() on fds 0-2, /dev/tty, TIOCSTI and
# TIOCSCTTY while the driver types a secret line at the shell.  The secret
# must reach the shell and nothing of it the agent.  Four ways in:
#   job     an interactive job: a process-group leader, setsid() fails,
#           so the launcher gives the terminal up with TIOCNOTTY;
#   child   started by a non-interactive sh: setsid() works;
#   setsid  under setsid(1): already a session leader, fds still on the
#           shell's terminal;
#   direct  the launcher is the session leader of the pty itself (as under
#           runc -t or script(1)): TIOCNOTTY as a session leader.
# No seccomp directive in the config: this must not depend on the filter's
# TIOCSTI rule.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd python3 "apt-get install python3"
need_cmd setsid "apt-get install util-linux"
setup_launch

C=$SCRATCH/launch.conf
conf "$C" "ExecStart=$P" "User=osapi"

cat >"$SCRATCH/drive.py" <<'EOF'
# drive.py MODE TRANSCRIPT THIEF_FILE CMD...
import os, pty, select, signal, sys, time

mode, transcript, thief = sys.argv[1], sys.argv[2], sys.argv[3]
cmd = sys.argv[4:]
SECRET = "echo SHELL-GOT-$((6*7))-s3cr3t"
buf = b""

def pump(fd, secs, until=None):
    global buf
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if until and until():
            return True
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return bool(until and until())
            if not data:
                return bool(until and until())
            buf += data
    return bool(until and until())

def thief_done():
    try:
        return "DONE=1" in open(thief).read()
    except OSError:
        return False

env = dict(os.environ, PS1="PROMPT$ ", TERM="dumb", HISTFILE="/dev/null",
           INPUTRC="/dev/null")
pid, fd = pty.fork()
if pid == 0:
    if mode == "direct":
        os.execvpe(cmd[0], cmd, env)
    os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"], env)

status = None
if mode == "direct":
    pump(fd, 10, lambda: b"AGENT_OUTPUT" in buf)
    for _ in range(100):
        wpid, st = os.waitpid(pid, os.WNOHANG)
        if wpid:
            status = os.waitstatus_to_exitcode(st)
            break
        pump(fd, 0.1)
    print("LAUNCH_STATUS=%s" % status)
else:
    pump(fd, 10, lambda: buf.count(b"PROMPT$ ") >= 1)
    os.write(fd, (" ".join(cmd) + "\n").encode())
    pump(fd, 10, lambda: buf.count(b"PROMPT$ ") >= 2)
# Root types at the shell while the agent's child is trying to read.
pump(fd, 1.5)
os.write(fd, (SECRET + "\n").encode())
pump(fd, 15, thief_done)
pump(fd, 3, lambda: b"SHELL-GOT-42-s3cr3t" in buf)
print("SHELL_GOT_SECRET=%d" % (b"SHELL-GOT-42-s3cr3t" in buf))
if mode != "direct":
    try:
        os.write(fd, b"exit\n")
    except OSError:
        pass
    pump(fd, 2)
try:
    os.kill(pid, signal.SIGKILL)
except ProcessLookupError:
    pass
try:
    os.waitpid(pid, 0)
except ChildProcessError:
    pass
os.close(fd)
open(transcript, "wb").write(buf.replace(b"\r", b""))
EOF

# scenario NAME CMD...: runs the driver, sets T (transcript), TH (what the
# agent's child saw) and DRIVE (the driver's summary).
scenario() {
	local name=$1
	shift
	T=$SCRATCH/$name.transcript
	TH=$OUT/$name.thief
	rm -f "$TH"
	DRIVE=$(timeout 60 python3 "$SCRATCH/drive.py" "$name" "$T" "$TH" "$@")
	diag "$name: $({ tr '\n' ' ' <"$TH"; } 2>/dev/null)"
}

thief() { sed -n "s/^$1=//p" "$TH" 2>/dev/null | head -n 1; }
# The agent's lines may follow a prompt (setsid(1) returns at once).
transcript() { grep -ao "$1=[[:alnum:]]*" "$T" 2>/dev/null | head -n 1 | cut -d= -f2; }

# check_thief NAME LEADER: the agent's child got nothing, and why.
check_thief() {
	local name=$1 leader=$2
	is "$(transcript AGENT_OUTPUT)" seen "$name: the agent's stdout still reaches the terminal"
	is "$(transcript AGENT_TTY_NR)" 0 "$name: the agent has no controlling terminal (tty_nr 0)"
	is "$(transcript AGENT_SESSION_LEADER)" "$leader" "$name: the agent leads a session of its own: $leader"
	is "$(thief DONE)" 1 "$name: the agent's child made every attempt"
	is "$(thief GOT0)$(thief GOT1)$(thief GOT2)" "0:0:0:" "$name: the agent's child read nothing from fds 0-2"
	ok "$(grep -q s3cr3t "$TH" && echo 1 || echo 0)" "$name: the secret is nowhere in what the agent's child saw"
	is "$(thief READ0)" EOF "$name: read(0) is /dev/null's end of file"
	is "$(thief READ1)" EBADF "$name: read(1): the terminal is write-only"
	is "$(thief READ2)" EBADF "$name: read(2): the terminal is write-only"
	is "$(thief TCSETPGRP0)" ENOTTY "$name: tcsetpgrp(0) fails"
	is "$(thief TCSETPGRP2)" ENOTTY "$name: tcsetpgrp(2) fails: not its controlling terminal"
	is "$(thief DEV_TTY)" ENXIO "$name: /dev/tty cannot be opened: no controlling terminal"
	is "$(thief TIOCSTI0)" ENOTTY "$name: TIOCSTI on fd 0 fails: /dev/null"
	is "$(thief TIOCSTI2)" EPERM "$name: TIOCSTI on fd 2 fails without a controlling terminal"
	is "$(thief TIOCSCTTY2)" EPERM "$name: TIOCSCTTY cannot take the terminal back"
	is "$(thief THIEF_TTY_NR)" 0 "$name: the agent's child has no controlling terminal"
}

L=("$OSAPI_LAUNCH" -c "$C" -- "$P" --tty-thief)

scenario job "${L[@]}" "$OUT/job.thief"
check_thief job 0
like "$DRIVE" "SHELL_GOT_SECRET=1" "job: the shell received the secret line"

scenario child sh -c "'${L[*]} $OUT/child.thief; true'"
check_thief child 1
like "$DRIVE" "SHELL_GOT_SECRET=1" "child: the shell received the secret line"

scenario setsid setsid "${L[@]}" "$OUT/setsid.thief"
check_thief setsid 1
like "$DRIVE" "SHELL_GOT_SECRET=1" "setsid: the shell received the secret line"

scenario direct "${L[@]}" "$OUT/direct.thief"
check_thief direct 1
like "$DRIVE" "LAUNCH_STATUS=0" "direct: the launch as session leader of the terminal succeeds (no SIGHUP kills it)"

done_testing
