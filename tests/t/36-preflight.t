#!/bin/bash
# --check as a preflight of this host: what it finds, what it tells the
# operator to do, and that it exits 0 only when the config can be enforced
# as written here.
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
C=$SCRATCH/c.conf
install -m 0644 "$SRC_DIR/conf/osapi-launch.conf" "$SCRATCH/shipped.conf"
saved=$(cat /proc/sys/net/ipv4/ping_group_range)
trap 'echo "$saved" >/proc/sys/net/ipv4/ping_group_range; rm -rf "$SCRATCH"' EXIT
gid=$(id -g osapi)

echo "1 0" >/proc/sys/net/ipv4/ping_group_range
run_launch --check -c "$SCRATCH/shipped.conf" -- /bin/true
is "$RC" 0 "the shipped config is enforceable here: exit 0"
like "$OUTPUT" "ok +cap_net_raw +in osapi-launch's bounding and permitted sets" "preflight: CAP_NET_RAW can be granted"
like "$OUTPUT" "ok +cap_setuid" "preflight: the launcher holds CAP_SETUID"
like "$OUTPUT" "ok +seccomp +2 filter\(s\) ready" "preflight: seccomp is available"
like "$OUTPUT" "WARN +ping_group_range +\"1 0\" excludes gid $gid" "preflight: ping_group_range excluding the agent is a warning"
like "$OUTPUT" "-> sysctl -w net.ipv4.ping_group_range=\"$gid $gid\"" "preflight: ... with the command that fixes it"
like "$OUTPUT" "info +Landlock +(ABI [0-9]+ available|not available)" "preflight: reports Landlock"
like "$OUTPUT" "info +cgroups +(v2|v1)" "preflight: reports the cgroup version"
echo "0 2147483647" >/proc/sys/net/ipv4/ping_group_range
run_launch --check -c "$SCRATCH/shipped.conf" -- /bin/true
like "$OUTPUT" "ok +ping_group_range +\"0 2147483647\" covers the agent's groups" "preflight: a covering ping_group_range is ok"

# A launcher without CAP_SETUID (a container that dropped it) cannot drop to
# User=: FAIL, exit 78, and says what to do.
OUTPUT=$(setpriv --bounding-set -setuid --inh-caps=-setuid "$OSAPI_LAUNCH" --check -c "$SCRATCH/shipped.conf" -- /bin/true 2>&1)
RC=$?
is "$RC" 78 "without CAP_SETUID the config is not enforceable: exit 78"
like "$OUTPUT" "FAIL +cap_setuid +missing, needed to change to User=" "preflight: names the missing capability"
like "$OUTPUT" "-> start osapi-launch as root" "preflight: ... and the remedy"

conf "$C" "ExecStart=$P" "User=osapi"
run_launch --check -c "$C"
like "$OUTPUT" "WARN +no_new_privs +not set" "preflight: no no_new_privs is a warning"

conf "$C" "ExecStart=$P" "User=osapi" "SystemCallFilter=@system-service kexec_file_load" \
	"SystemCallArchitectures=native x86"
run_launch --check -c "$C"
like "$OUTPUT" "WARN +SystemCallFilter= +.*c\.conf:4: \"kexec_file_load\" does not exist on architecture 0x40000003" \
	"preflight: a listed call missing on a configured ABI is named with file:line"

# A read-only /sys/fs/cgroup (as in most containers) with a resource limit
# configured: FAIL.  The remount happens in a mount namespace of the test's.
conf "$C" "ExecStart=$P" "User=osapi" "TasksMax=64"
OUTPUT=$(unshare -m --propagation private sh -c \
	'mount -o remount,bind,ro /sys/fs/cgroup && exec "$0" --check -c "$1"' \
	"$OSAPI_LAUNCH" "$C" 2>&1)
RC=$?
is "$RC" 78 "a read-only cgroup hierarchy with TasksMax= is not enforceable: exit 78"
like "$OUTPUT" "FAIL +cgroups +/sys/fs/cgroup is read-only here" "preflight: says the cgroup hierarchy is read-only"

run_launch --check --json -c "$SCRATCH/shipped.conf" -- /bin/true
printf '%s' "$OUTPUT" >"$SCRATCH/out.json"
python3 - "$SCRATCH/out.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is True and d["enforceable"] is True, d
levels = {f["item"]: f["level"] for f in d["preflight"]}
assert levels["cap_net_raw"] == "ok", levels
assert all(set(f) == {"level", "item", "detail", "remedy"} for f in d["preflight"])
import re
user = d["directives"]["User"]
assert user["value"] == "osapi" and re.search(r"shipped\.conf:\d+$", user["source"]), user
PY
ok $? "--check --json carries the preflight findings and \"enforceable\""
done_testing
