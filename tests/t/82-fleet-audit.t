#!/bin/bash
# contrib/fleet/osapi-launch-audit on records made by real launches: six
# "hosts" (each launch in a UTS namespace of its own, so the record's host
# field is the host's name), one per file as a fleet collects them:
#   web1, web2  the approved config                       -> matches
#   web3        a weakened config (a capability more, no
#               seccomp filter)                           -> differs, weaker
#   web4        web1's record with the binary hash edited  -> differs (binary)
#   web5        the approved config, launched before the
#               host's last boot                          -> stale
#   web6        an empty file; web7 no file at all         -> no record
# Measured: ~3 s (11 s on a loaded machine).
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd unshare "util-linux"
[ -e "$OSAPI_LAUNCH" ] || skip_all "launcher not built ($OSAPI_LAUNCH is missing)"
AUDIT=$SRC_DIR/contrib/fleet/osapi-launch-audit
setup_launch
fleet=$SCRATCH/fleet
mkdir "$fleet"

good=$SCRATCH/good.conf
weak=$SCRATCH/weak.conf
conf "$good" "ExecStart=$P" User=osapi Group=osapi AmbientCapabilities=CAP_NET_RAW \
	CapabilityBoundingSet=CAP_NET_RAW NoNewPrivileges=yes SystemCallFilter=@system-service \
	SystemCallErrorNumber=EPERM
conf "$weak" "ExecStart=$P" User=osapi Group=osapi AmbientCapabilities="CAP_NET_RAW CAP_KILL" \
	"CapabilityBoundingSet=CAP_NET_RAW CAP_KILL" NoNewPrivileges=yes

# launch_as HOST CONF: one real launch whose record is appended to HOST's
# file, with HOST as the kernel's hostname.
launch_as() {
	unshare --uts sh -c 'hostname "$1" && exec "$2" --policy-record=fd:7 -c "$3" 7>>"$4" >/dev/null 2>&1' \
		- "$1" "$OSAPI_LAUNCH" "$2" "$fleet/$1.jsonl"
}
launch_as approved "$good"
mv "$fleet/approved.jsonl" "$SCRATCH/approved.jsonl"
launch_as web5 "$good"
sleep 1
boot=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sleep 1
# Two launches on web1: the newest is what counts.
launch_as web1 "$weak"
launch_as web1 "$good"
launch_as web2 "$good"
launch_as web3 "$weak"
launch_as web4 "$good"
python3 - "$fleet/web4.jsonl" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["binary"]["sha256"] = "0" * 64
open(sys.argv[1], "w").write(json.dumps(r) + "\n")
PY
: >"$fleet/web6.jsonl"
is "$(cat "$fleet"/web[1-5].jsonl | wc -l)" 6 "six records from real launches"
like "$(cat "$fleet/web3.jsonl")" '"host":"web3"' "a record names its host"
printf '{"web5": "%s"}\n' "$boot" >"$SCRATCH/boots.json"

out=$("$AUDIT" --json --approved "$SCRATCH/approved.jsonl" --boot-times "$SCRATCH/boots.json" \
	--host web7 "$fleet")
rc=$?
is "$rc" 1 "exit 1: a host differs"
printf '%s\n' "$out" >"$SCRATCH/audit.json"
st() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([h for h in d["hosts"] if h["host"]==sys.argv[2]][0][sys.argv[3]])' "$SCRATCH/audit.json" "$@"; }
fields() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); h=[h for h in d["hosts"] if h["host"]==sys.argv[2]][0]; print(" ".join(x["field"] + ("!" if x["weaker"] else "") for x in h["differences"]))' "$SCRATCH/audit.json" "$1"; }
is "$(st web1 status)" matches "web1 (newest of two records) matches"
is "$(st web1 records)" 2 "... both records were read"
is "$(st web2 status)" matches "web2 matches"
is "$(st web3 status)" differs "web3 (weakened) differs"
like "$(fields web3)" 'capabilities\.bounding\.mask!' "... a larger bounding set, marked weaker"
like "$(fields web3)" 'capabilities\.ambient\.names!' "... cap_kill ambient, marked weaker"
like "$(fields web3)" 'seccomp\.filters!' "... no seccomp filter, marked weaker"
like "$(fields web3)" 'config\.sha256' "... another config hash"
unlike "$(fields web3)" 'binary\.sha256' "... the same binary"
is "$(st web3 weaker)" True "web3 is flagged weaker"
is "$(st web4 status)" differs "web4 (tampered record) differs"
is "$(fields web4)" "binary.sha256" "... in the binary hash alone"
is "$(st web4 weaker)" False "... which is not called weaker"
is "$(st web5 status)" stale "web5 (launched before its last boot) is stale"
is "$(st web6 status)" no-record "web6 (empty file) has no record"
is "$(st web7 status)" no-record "web7 (expected, no file) has no record"
is "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"])' "$SCRATCH/audit.json")" \
	"{'matches': 2, 'differs': 2, 'stale': 1, 'no-record': 2}" "summary counts"

# Text output names the weaker fields.
text=$("$AUDIT" --approved "$SCRATCH/approved.jsonl" "$fleet")
like "$text" 'web3 +differs' "text: web3 differs"
like "$text" 'seccomp\.filters: approved [0-9]+, running null WEAKER' "text: the missing filter is WEAKER"

# By policy hash: only the matching hosts pass; exit 0 when all match.
hash=$("$AUDIT" --hash "$SCRATCH/approved.jsonl")
like "$hash" '^[0-9a-f]{64}$' "--hash prints a SHA-256"
"$AUDIT" --approved-hash "$hash" "$fleet/web1.jsonl" "$fleet/web2.jsonl" >/dev/null
is "$?" 0 "exit 0: every host matches the approved hash"
"$AUDIT" --approved-hash "$hash" "$fleet/web2.jsonl" "$fleet/web6.jsonl" >/dev/null
is "$?" 2 "exit 2: none differs, one has no record"
"$AUDIT" --approved-hash "$hash" --approved-at "$boot" "$fleet/web5.jsonl" >/dev/null
is "$?" 2 "exit 2: a record older than the approval is stale"
"$AUDIT" --approved-hash "$hash" "$fleet/web3.jsonl" >/dev/null
is "$?" 1 "exit 1: a weakened host against the hash"
# A per-host field left out: the host's uid may differ, the policy not.
is "$("$AUDIT" --hash "$fleet/web2.jsonl" --ignore uid,gid)" "$("$AUDIT" --hash "$SCRATCH/approved.jsonl" --ignore uid,gid)" \
	"--ignore leaves fields out of the hash"

# Syslog and journal forms of the same record.
rec=$(cat "$fleet/web2.jsonl")
printf 'Nov 30 10:00:00 web8 sshd[1]: unrelated\nNov 30 10:00:01 web8 osapi-launch[42]: %s\n' "$rec" >"$SCRATCH/web8.log"
python3 -c 'import json,sys; print(json.dumps({"MESSAGE": open(sys.argv[1]).read().strip(), "SYSLOG_IDENTIFIER": "osapi-launch"}))' \
	"$fleet/web2.jsonl" >"$SCRATCH/web9.json"
"$AUDIT" --approved "$SCRATCH/approved.jsonl" "$SCRATCH/web8.log" "$SCRATCH/web9.json" >/dev/null
is "$?" 0 "syslog lines and journal JSON are read"

# ssh:HOST through --rsh: a stand-in remote shell that runs the command
# here, as ssh would there (BTIME from /proc/stat, then the records).
cp "$fleet/web2.jsonl" /tmp/osapi-audit-remote.$$.jsonl
rsh=$SCRATCH/rsh
printf '#!/bin/sh\nshift\nexec sh -c "$1"\n' >"$rsh"
chmod 0755 "$rsh"
out=$("$AUDIT" --json --approved "$SCRATCH/approved.jsonl" --rsh "$rsh" \
	--remote-command "awk '/^btime/ {print \"BTIME\", \$2}' /proc/stat; cat /tmp/osapi-audit-remote.$$.jsonl" ssh:web2)
is "$?" 0 "ssh:HOST: the remote records are audited"
like "$out" '"boot_time": "[0-9]{4}-' "... with the host's boot time"
rm -f /tmp/osapi-audit-remote.$$.jsonl
"$AUDIT" --approved "$SCRATCH/approved.jsonl" --rsh false ssh:web2 >/dev/null 2>&1
is "$?" 2 "an unreachable host has no record (exit 2)"

# Bad input.
"$AUDIT" "$fleet" >/dev/null 2>&1
is "$?" 64 "no approval: usage error"
"$AUDIT" --approved "$fleet/web1.jsonl" "$fleet" >/dev/null 2>&1
is "$?" 65 "an approval of two records is refused"
"$AUDIT" --approved-hash xyz "$fleet" >/dev/null 2>&1
is "$?" 65 "a malformed hash is refused"
done_testing
