#!/bin/bash
# PrivateUsers=, for real: the agent (the probe) runs in a user namespace
# of its own, read from outside: /proc/PID/ns/user differs from ours, the
# uid and gid maps hold root and the agent's ids alone.  Root inside is
# not root over the host's files: a root agent opens another user's 0600
# file only without PrivateUsers= (the control).  Combinations whose
# meaning would change inside the namespace are refused, by --check too.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
C=$SCRATCH/c.conf
got() { printf '%s\n' "$OUTPUT" | awk -v k="TRY_$1=" 'index($0, k) == 1 { print substr($0, length(k) + 1); exit }'; }
uid=$(id -u osapi)
gid=$(id -g osapi)

conf "$C" "ExecStart=$P --sleep 30" User=osapi PrivateUsers=yes
"$OSAPI_LAUNCH" -c "$C" >"$SCRATCH/state" 2>&1 &
PID=$!
wait_ready "$SCRATCH/state" "$PID"
isnt_ns=$([ "$(readlink /proc/$PID/ns/user)" != "$(readlink /proc/self/ns/user)" ] && echo 0 || echo 1)
ok "$isnt_ns" "the agent's user namespace is not the host's"
is "$(awk '{print $1, $2, $3}' /proc/$PID/uid_map | tr '\n' ';')" "0 0 1;$uid $uid 1;" "uid_map: root and User= mapped to themselves, nothing else"
is "$(awk '{print $1, $2, $3}' /proc/$PID/gid_map | tr '\n' ';')" "0 0 1;$gid $gid 1;" "gid_map: root and the group mapped to themselves"
is "$(awk '/^Uid:/ {print $2}' /proc/$PID/status)" "$uid" "the agent runs as User= (seen from the host)"
kill "$PID"
wait "$PID" 2>/dev/null
like "$(cat "$SCRATCH/state")" '^READY=1' "the launch itself went through"

# Root inside is not root outside: another user's 0600 file.
F=$SCRATCH/other
echo secret >"$F"
chown 12345:12345 "$F"
chmod 0600 "$F"
conf "$C" "ExecStart=$P --try open-r:$F --try open-w:$F"
run_launch -c "$C"
is "$RC:$(got "open-r:$F"):$(got "open-w:$F")" "0:ok:ok" "control: root opens another user's 0600 file"
conf "$C" "ExecStart=$P --try open-r:$F --try open-w:$F" PrivateUsers=yes
run_launch -c "$C"
is "$RC:$(got "open-r:$F"):$(got "open-w:$F")" "0:EACCES:EACCES" "PrivateUsers=yes: root in the namespace cannot open it"
like "$OUTPUT" 'CapEff=000001fffeffffff|CapEff=0000' "the agent's capabilities are read inside its namespace"

# Refused combinations, by --check as by the launch.
conf "$C" "ExecStart=$P" User=osapi PrivateUsers=yes AmbientCapabilities=CAP_NET_RAW
run_launch -c "$C"
is "$RC" 78 "PrivateUsers=yes with AmbientCapabilities= is refused (exit 78)"
like "$ERR" 'c\.conf:4: PrivateUsers=yes: the capabilities of AmbientCapabilities= would hold only inside' "the reason names the line and the namespace"
run_launch --check -c "$C"
is "$RC" 78 "--check refuses it too"
conf "$C" "ExecStart=$P" PrivateUsers=yes ProtectProc=invisible
run_launch -c "$C"
is "$RC" 78 "PrivateUsers=yes with ProtectProc= is refused (a procfs needs the PID namespace's owner)"
conf "$C" "ExecStart=$P" PrivateUsers=yes PrivateDevices=yes
run_launch --check -c "$C"
is "$RC" 78 "PrivateUsers=yes with PrivateDevices= is refused (mknod in a user namespace)"
conf "$C" "ExecStart=$P" User=osapi PrivateUsers=yes PrivateNetwork=yes ProtectHostname=yes PrivateIPC=yes ProtectSystem=full
run_launch --check -c "$C"
is "$RC" 0 "--check accepts PrivateUsers=yes with the other namespaces"
run_launch -c "$C"
is "$RC:$(field Uid)" "0:$uid $uid $uid $uid" "and the launch runs it"
conf "$C" "ExecStart=$P" PrivateUsers=maybe
run_launch --check -c "$C"
is "$RC" 78 "PrivateUsers=maybe is not a boolean"
done_testing
