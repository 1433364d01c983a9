#!/bin/bash
# Landlock scopes (ABI 6): the agent can neither signal a process outside its
# Landlock domain nor connect to an abstract unix socket bound outside it,
# even one of its own uid; its own children stay reachable.  CAP_KILL (the
# management agent's grant to signal others) keeps signals open.  Each case
# has a control: the same uid outside the launcher can do both.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd python3 "apt-get install python3"
setup_launch
abi=$("$OSAPI_LAUNCH" --check -c /dev/null 2>/dev/null | sed -n 's/.*Landlock *ABI \([0-9]*\).*/\1/p')
[ -n "$abi" ] || abi=$(python3 -c 'import ctypes;print(ctypes.CDLL(None).syscall(444,None,0,1))')
if [ "${abi:-0}" -lt 6 ]; then
	skip_all "Landlock ABI $abi < 6: no scopes on this kernel"
fi

T=$SCRATCH/scope.py
cat >"$T" <<'PY'
import os, socket, sys
def report(what, f):
    try:
        f(); print(what + "=ok")
    except OSError as e:
        print(what + "=" + str(e.errno))
report("SIGNAL", lambda: os.kill(int(sys.argv[1]), 0))
report("ABSTRACT", lambda: socket.socket(socket.AF_UNIX).connect("\0" + sys.argv[2]))
pid = os.fork()
if pid == 0:
    import time; time.sleep(5); os._exit(0)
report("CHILD", lambda: os.kill(pid, 0))
os.kill(pid, 9)
PY
chmod 0755 "$T"
name=osapi-launch-scope-$$
setpriv --reuid=osapi --regid=osapi --clear-groups sleep 30 &
victim=$!
setpriv --reuid=osapi --regid=osapi --clear-groups /usr/bin/python3 -c "
import socket, time
s = socket.socket(socket.AF_UNIX); s.bind('\0$name'); s.listen(8); time.sleep(30)" &
listener=$!
sleep 0.5

conf "$SCRATCH/c.conf" "ExecStart=/usr/bin/python3 $T $victim $name" "User=osapi" "NoNewPrivileges=yes"
run_launch --check -c "$SCRATCH/c.conf"
like "$OUTPUT" "scoped to its domain: abstract-unix-sockets signals" "--check shows both scopes"
OUTPUT=$(setpriv --reuid=osapi --regid=osapi --clear-groups /usr/bin/python3 "$T" "$victim" "$name")
is "$(field SIGNAL):$(field ABSTRACT)" "ok:ok" "control: the same uid outside the launcher signals and connects"
run_launch -c "$SCRATCH/c.conf"
is "$(field SIGNAL)" 1 "the agent cannot signal a process of its own uid outside its domain (EPERM)"
is "$(field ABSTRACT)" 1 "the agent cannot connect to an abstract socket bound outside its domain (EPERM)"
is "$(field CHILD)" ok "the agent still signals its own child"

conf "$SCRATCH/k.conf" "ExecStart=/usr/bin/python3 $T $victim $name" "User=osapi" "NoNewPrivileges=yes" \
	"AmbientCapabilities=CAP_KILL"
run_launch --check -c "$SCRATCH/k.conf"
like "$OUTPUT" "scoped to its domain: abstract-unix-sockets$" "with CAP_KILL, --check shows signals left open"
run_launch -c "$SCRATCH/k.conf"
is "$(field SIGNAL):$(field ABSTRACT)" "ok:1" "with CAP_KILL the agent signals others; abstract sockets stay scoped"

# The shipped config (mount sandbox + Landlock process isolation) has both.
shipped_conf "" "$SCRATCH/shipped.conf"
run_launch --check -c "$SCRATCH/shipped.conf"
like "$OUTPUT" "scoped to its domain: abstract-unix-sockets signals" "the shipped config is scoped too"
kill "$victim" "$listener" 2>/dev/null
wait 2>/dev/null
done_testing
