#!/bin/bash
# The applied-policy record: one JSON line, sent after the read-back check,
# that says what the agent runs with; validated against the probe's own view
# from /proc and against sha256sum.
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
shipped_conf "" "$SCRATCH/c.conf"
rec=$SCRATCH/record.jsonl

OUTPUT=$("$OSAPI_LAUNCH" --policy-record=fd:7 -c "$SCRATCH/c.conf" 7>"$rec" 2>/dev/null)
is "$?" 0 "launch with --policy-record=fd:7"
is "$(wc -l <"$rec")" 1 "exactly one line"
printf '%s\n' "$OUTPUT" >"$SCRATCH/probe.out"
python3 - "$rec" "$SCRATCH/probe.out" "$SCRATCH/c.conf" "$P" <<'PY'
import hashlib, json, sys
rec = json.loads(open(sys.argv[1]).read())
probe = dict(l.split("=", 1) for l in open(sys.argv[2]).read().splitlines() if "=" in l)
sha = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
checks = [
    ("event", rec["event"] == "osapi-launch.exec"),
    ("config hash", rec["config"]["sha256"] == sha(sys.argv[3])),
    ("binary hash", rec["binary"]["sha256"] == sha(sys.argv[4])),
    ("uid", "%d %d %d %d" % ((rec["uid"],) * 4) == probe["Uid"]),
    ("gid", "%d %d %d %d" % ((rec["gid"],) * 4) == probe["Gid"]),
    ("groups", rec["groups"] == [int(g) for g in probe["Groups"].split()]),
    ("ambient", rec["capabilities"]["ambient"]["mask"] == probe["CapAmb"]),
    ("inheritable", rec["capabilities"]["inheritable"]["mask"] == probe["CapInh"]),
    ("bounding", rec["capabilities"]["bounding"]["mask"] == probe["CapBnd"]),
    ("names", rec["capabilities"]["ambient"]["names"] == ["cap_net_raw"]),
    ("no_new_privs", rec["no_new_privs"] == (probe["NoNewPrivs"] == "1")),
    ("seccomp count", rec["seccomp"]["filters"] == int(probe["Seccomp_filters"])),
    ("seccomp mode", rec["seccomp"]["mode"] == "allow-list" and rec["seccomp"]["default_action"] == "errno:EPERM"),
    ("argv", rec["argv"] == [sys.argv[4]]),
    ("pid is the agent's", isinstance(rec["pid"], int)),
    ("sandbox backend", rec["sandbox_backend"] in ("mount", "landlock", "mount+landlock")),
    ("landlock", rec["landlock"] is None or isinstance(rec["landlock"]["abi"], int)),
    ("cgroup", "cgroup" in rec),
]
for name, good in checks:
    print(("#   ok " if good else "#   FAIL ") + name)
sys.exit(0 if all(g for _, g in checks) else 1)
PY
ok $? "the record matches the probe's /proc view and sha256sum of config and binary"

# The binary's hash is cached (by device, inode, size, mtime, ctime): a file
# rewritten in place must still be reported with its new hash.
"$OSAPI_LAUNCH" --policy-record=fd:7 -c "$SCRATCH/c.conf" 7>"$rec" >/dev/null 2>&1
first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["binary"]["sha256"])' "$rec")
printf '\0' >>"$P"
"$OSAPI_LAUNCH" --policy-record=fd:7 -c "$SCRATCH/c.conf" 7>"$rec" >/dev/null 2>&1
second=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["binary"]["sha256"])' "$rec")
is "$second" "$(sha256sum "$P" | cut -d' ' -f1)" "a binary changed in place is reported with its new hash"
ok "$([ "$first" != "$second" ] && echo 0 || echo 1)" "... which differs from the cached one"

# Nothing is sent when the launch is refused before the check.
conf "$SCRATCH/bad.conf" "ExecStart=$P" "User=no-such-user-here"
"$OSAPI_LAUNCH" --policy-record=fd:7 -c "$SCRATCH/bad.conf" 7>"$rec" 2>/dev/null
is "$(wc -c <"$rec")" 0 "a refused launch sends no record"
"$OSAPI_LAUNCH" --policy-record=bogus -c "$SCRATCH/c.conf" >/dev/null 2>&1
is "$?" 64 "an unknown target is a usage error"

# syslog: a datagram on /dev/log, authpriv.info, tagged.  A listener is put
# there for the test only when the host has none.
if [ ! -e /dev/log ]; then
	python3 - "$SCRATCH/c.conf" "$OSAPI_LAUNCH" <<'PY'
import os, socket, subprocess, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
try:
    subprocess.run([sys.argv[2], "-c", sys.argv[1]], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    s.settimeout(5)
    msg = s.recv(65536).decode()
finally:
    os.unlink("/dev/log")
ok = msg.startswith("<86>osapi-launch[") and '"event":"osapi-launch.exec"' in msg
print("#   syslog ok" if ok else "#   syslog FAIL: " + msg[:200])
sys.exit(0 if ok else 1)
PY
	ok $? "the default target sends the record to /dev/log as authpriv.info"
else
	diag "/dev/log exists here (a syslog daemon): the syslog case is left to it"
fi
done_testing
