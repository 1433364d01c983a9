#!/bin/bash
# Bad input: each case exits with its documented code and a message naming
# the file:line or step, and the target never runs (it would create a
# marker file first thing).
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch

# refused NAME CODE REGEX [launcher args...]: the launch must fail with CODE,
# stderr must match REGEX, and no marker may appear.
refused() {
	local name=$1 code=$2 re=$3
	shift 3
	rm -f "$OUT/ran"
	run_launch "$@"
	is "$RC" "$code" "$name: exit $code"
	like "$ERR" "$re" "$name: message"
	ok "$([ -e "$OUT/ran" ] && echo 1 || echo 0)" "$name: the target never ran"
}

C=$SCRATCH/c.conf
base=("ExecStart=$P --marker $OUT/ran" "User=osapi" "Group=osapi"
	"AmbientCapabilities=CAP_NET_RAW" "CapabilityBoundingSet=CAP_NET_RAW"
	"NoNewPrivileges=yes")

conf "$C" "${base[@]}"
run_launch -c "$C"
is "$RC" 0 "control: the base config runs"
ok "$([ -e "$OUT/ran" ] && echo 0 || echo 1)" "control: the marker proves it ran"

conf "$C" "${base[@]}" "Foo=bar"
refused "unknown key" 78 "c\.conf:8: unknown directive Foo=" -c "$C"
conf "$C" "${base[@]}" "DynamicUser=yes"
refused "unimplemented systemd directive" 78 "c\.conf:8: DynamicUser= is a systemd directive" -c "$C"
conf "$C" "${base[@]}" "User=no-such-user-here"
refused "unknown user" 217 "c\.conf:8: User=: unknown user \"no-such-user-here\"" -c "$C"
conf "$C" "${base[@]}" "Group=no-such-group"
refused "unknown group" 216 "c\.conf:8: Group=: unknown group" -c "$C"
conf "$C" "${base[@]}" "SupplementaryGroups=root no-such-group"
refused "unknown supplementary group" 216 "c\.conf:8: SupplementaryGroups=: unknown group \"no-such-group\"" -c "$C"
conf "$C" "${base[@]}" "AmbientCapabilities=CAP_NET_RAW CAP_NOPE"
refused "unknown capability" 78 "c\.conf:8: AmbientCapabilities=: unknown capability \"CAP_NOPE\"" -c "$C"
conf "$C" "${base[@]}" "AmbientCapabilities=CAP_KILL"
refused "ambient outside the bounding set" 78 "AmbientCapabilities=: cap_kill is not in CapabilityBoundingSet=" -c "$C"
# A capability the launcher itself lacks (a container without --cap-add).
conf "$C" "${base[@]}" "CapabilityBoundingSet=CAP_KILL" "AmbientCapabilities=CAP_KILL"
rm -f "$OUT/ran"
ERR=$(setpriv --bounding-set -kill "$OSAPI_LAUNCH" -c "$C" 2>&1)
RC=$?
is "$RC" 78 "ambient capability missing from the launcher's bounding set: exit 78"
like "$ERR" "cap_kill is not in osapi-launch's own bounding set, so it cannot be granted \(in a container: start it with --cap-add kill\)" \
	"ambient capability missing from the launcher's bounding set: says what to do"
ok "$([ -e "$OUT/ran" ] && echo 1 || echo 0)" "ambient capability missing from the launcher's bounding set: the target never ran"
conf "$C" "ExecStart=$P --marker '$OUT/ran" "User=osapi"
refused "bad quoting" 78 "c\.conf:2: ExecStart=: unbalanced quoting" -c "$C"
conf "$C" "ExecStart=probe --marker $OUT/ran" "User=osapi"
refused "relative ExecStart=" 78 "c\.conf:2: ExecStart=: \"probe\" is not an absolute path" -c "$C"
conf "$C" "User=osapi"
refused "missing ExecStart=" 78 "no ExecStart= and no command given" -c "$C"
conf "$C" "ExecStart=$SCRATCH/nonexistent" "User=osapi"
refused "missing binary" 203 "c\.conf:2: .*nonexistent does not exist" -c "$C"
conf "$C" "${base[@]}" "NoNewPrivileges=sometimes"
refused "bad boolean" 78 "c\.conf:8: NoNewPrivileges=: \"sometimes\" is not a boolean" -c "$C"
conf "$C" "${base[@]}" "UMask=0999"
refused "bad umask" 78 "c\.conf:8: UMask=" -c "$C"
conf "$C" "${base[@]}" "LimitNOFILE=lots"
refused "bad limit" 78 "c\.conf:8: LimitNOFILE=: \"lots\": not a number" -c "$C"
conf "$C" "${base[@]}" "Foo=1" "Bar=2"
refused "several errors reported at once" 78 "c\.conf:8: unknown directive Foo=.*"$'\n'".*c\.conf:9: unknown directive Bar=" -c "$C"

# Trust checks on the config file itself.
conf "$C" "${base[@]}"
chmod 0666 "$C"
refused "world-writable config" 78 "c\.conf: is writable by group or others" -c "$C"
chmod 0644 "$C"
chown osapi "$C"
refused "config not owned by root" 78 "c\.conf: is not owned by root" -c "$C"
chown root "$C"
ln -s "$C" "$SCRATCH/link.conf"
refused "symlinked config" 78 "link\.conf: is a symlink" -c "$SCRATCH/link.conf"
mkdir -m 0775 "$SCRATCH/gw"
conf "$SCRATCH/gw/c.conf" "${base[@]}"
chmod 0775 "$SCRATCH/gw"
refused "config in a group-writable directory" 78 "a directory on the path is writable by group or others" -c "$SCRATCH/gw/c.conf"
mkdir -m 0755 "$SCRATCH/uo"
chown osapi "$SCRATCH/uo"
conf "$SCRATCH/uo/c.conf" "${base[@]}"
refused "config in a directory not owned by root" 78 "a directory on the path is not owned by root" -c "$SCRATCH/uo/c.conf"
refused "missing config" 78 "nope\.conf: cannot be opened \(ENOENT\)" -c "$SCRATCH/nope.conf"

# EnvironmentFile= is held to the same rules.
printf 'A=1\n' >"$SCRATCH/env"
chmod 0666 "$SCRATCH/env"
conf "$C" "${base[@]}" "EnvironmentFile=$SCRATCH/env"
refused "world-writable EnvironmentFile=" 78 "c\.conf:8: EnvironmentFile=.*: is writable by group or others" -c "$C"
conf "$C" "${base[@]}" "EnvironmentFile=$SCRATCH/missing-env"
refused "missing EnvironmentFile=" 78 "c\.conf:8: EnvironmentFile=.*missing-env: cannot be opened \(ENOENT\)" -c "$C"
printf 'NOT AN ASSIGNMENT\n' >"$SCRATCH/env"
chmod 0644 "$SCRATCH/env"
conf "$C" "${base[@]}" "EnvironmentFile=$SCRATCH/env"
refused "malformed EnvironmentFile=" 78 "env:1: not a NAME=VALUE assignment" -c "$C"

# Trust checks on the target binary.
install -m 0755 -o osapi "$PROBE" "$SCRATCH/probe-osapi"
conf "$C" "${base[@]/#ExecStart=$P/ExecStart=$SCRATCH/probe-osapi}"
refused "binary not owned by root" 203 "probe-osapi is not owned by root" -c "$C"
install -m 0775 "$PROBE" "$SCRATCH/probe-gw"
conf "$C" "${base[@]/#ExecStart=$P/ExecStart=$SCRATCH/probe-gw}"
refused "group-writable binary" 203 "probe-gw is writable by group or others" -c "$C"
install -m 0644 "$PROBE" "$SCRATCH/probe-nox"
conf "$C" "${base[@]/#ExecStart=$P/ExecStart=$SCRATCH/probe-nox}"
refused "non-executable binary" 203 "probe-nox is not executable" -c "$C"
conf "$C" "${base[@]}"
refused "command-line binary not owned by root" 203 "probe-osapi is not owned by root" -c "$C" -- "$SCRATCH/probe-osapi" --marker "$OUT/ran"

# Failures after the plan, during the launch itself, stop it too.
conf "$C" "${base[@]}" "WorkingDirectory=$SCRATCH/no-such-dir"
refused "missing WorkingDirectory=" 200 "^osapi-launch: workdir: chdir\(.*no-such-dir\) failed \(ENOENT\)" -c "$C"
mkdir -m 0700 "$SCRATCH/private"
conf "$C" "${base[@]}" "WorkingDirectory=$SCRATCH/private"
refused "WorkingDirectory= the user cannot enter" 200 "^osapi-launch: workdir: chdir\(.*private\) failed \(EACCES\)" -c "$C"

# MAC labels that cannot be applied stop the launch unless marked "-".
if [ ! -d /sys/kernel/security/apparmor ]; then
	conf "$C" "${base[@]}" "AppArmorProfile=osapi-agent"
	refused "AppArmorProfile= without AppArmor" 231 "c\.conf:8: AppArmorProfile=osapi-agent: .*not enabled|built without" -c "$C"
	conf "$C" "${base[@]}" "AppArmorProfile=-osapi-agent"
	run_launch -c "$C"
	is "$RC" 0 "AppArmorProfile=-name: launches without AppArmor"
	like "$ERR" "notice: AppArmorProfile=-osapi-agent skipped" "AppArmorProfile=-name: says it was skipped"
else
	diag "AppArmor is enabled here: its cases run in tests/t/60-apparmor-vm.t"
fi
if ! command -v selinuxenabled >/dev/null || ! selinuxenabled; then
	conf "$C" "${base[@]}" "SELinuxContext=system_u:system_r:osapi_agent_t:s0"
	refused "SELinuxContext= without SELinux" 229 "c\.conf:8: SELinuxContext=.*not enabled|built without" -c "$C"
	conf "$C" "${base[@]}" "SELinuxContext=-system_u:system_r:osapi_agent_t:s0"
	run_launch -c "$C"
	is "$RC" 0 "SELinuxContext=-context: launches without SELinux"
	like "$ERR" "notice: SELinuxContext=-.* skipped" "SELinuxContext=-context: says it was skipped"
fi

# --check reports the same errors with exit 78 and runs nothing.
conf "$C" "${base[@]}" "User=no-such-user-here"
refused "--check of an invalid config" 78 "unknown user" --check -c "$C"
conf "$C" "${base[@]}"
run_launch --check -c "$C"
is "$RC" 0 "--check of a valid config exits 0"
ok "$([ -e "$OUT/ran" ] && echo 1 || echo 0)" "--check runs nothing"

# Command line misuse.
refused "unknown option" 64 "unrecognized option" --bogus -c "$C"
refused "--json without --check" 64 "usage: --json goes with --check" --json -c "$C"

# Installed setuid, it refuses to run at all.
install -m 4755 "$OSAPI_LAUNCH" "$SCRATCH/osapi-launch-suid"
rm -f "$OUT/ran"
OUTPUT=$(setpriv --reuid=osapi --regid=osapi --clear-groups "$SCRATCH/osapi-launch-suid" -c "$C" 2>&1)
RC=$?
is "$RC" 77 "a setuid copy exits 77"
like "$OUTPUT" "startup: refusing to run setuid" "a setuid copy says why"
ok "$([ -e "$OUT/ran" ] && echo 1 || echo 0)" "a setuid copy runs nothing"

# Size: a config (and an EnvironmentFile=) may hold up to 1 MiB, systemd's
# LONG_LINE_MAX; one byte more is refused.  The reader sizes its buffer by
# the file, so both sides of the limit are checked.
pad() { # pad FILE BYTES: comment lines up to exactly BYTES bytes in all
	local have
	have=$(stat -c %s "$1")
	python3 -c 'import sys; n = int(sys.argv[1]); sys.stdout.write(("#" + "x" * 62 + "\n") * (n // 64) + ("#" + "x" * (n % 64 - 2) + "\n" if n % 64 > 1 else "\n" * (n % 64)))' \
		"$(($2 - have))" >>"$1"
}
# The last line of the largest config sets a variable the probe prints: a
# read that stopped short would lose it, not the comments before it.
conf "$C" "${base[@]}"
pad "$C" $((1024 * 1024 - 16))
printf 'Environment=Z=1\n' >>"$C"
is "$(stat -c %s "$C")" $((1024 * 1024)) "a config of exactly 1 MiB (the limit) ..."
rm -f "$OUT/ran"
run_launch -c "$C"
is "$RC" 0 "... runs"
ok "$(grep -qx 'ENV=Z=1' <<<"$OUTPUT" && echo 0 || echo 1)" \
	"... read whole: its last line, Environment=Z=1, reaches the agent"
conf "$C" "${base[@]}"
pad "$C" $((1024 * 1024 + 1))
refused "a config of 1 MiB + 1 byte" 78 'is too large \(EFBIG\)' -c "$C"
E=$SCRATCH/big.env
printf 'A=1\n' >"$E"
pad "$E" $((1024 * 1024 + 1))
conf "$C" "${base[@]}" "EnvironmentFile=$E"
refused "an EnvironmentFile= of 1 MiB + 1 byte" 78 'big\.env.*too large' -c "$C"
done_testing
