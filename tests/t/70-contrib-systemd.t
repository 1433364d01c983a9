#!/bin/bash
# The systemd units in contrib/systemd, checked by systemd itself:
#  - `systemd-analyze verify` loads each unit without a single complaint;
#  - `systemd-analyze security --offline=true` rates osapi-agent.service at
#    most 1.5 (the score is parsed from its "Overall exposure level" line).
#
# verify insists that ExecStart's binary exists.  Rather than install
# stand-ins on the host or rewrite the unit, each unit is verified
# unchanged inside a scratch root (--root=): a copy of the host's unit
# directory (for sysinit.target and friends), the unit under
# /etc/systemd/system, and an empty executable at the ExecStart path.  A
# run without the stand-in must fail, which shows verify really looked.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_cmd systemd-analyze "apt-get install systemd"

units=$SRC_DIR/contrib/systemd
max_score=1.5
host_units=
for d in /usr/lib/systemd/system /lib/systemd/system; do
	[ -e "$d/sysinit.target" ] && host_units=$d && break
done
[ -n "$host_units" ] || skip_all "no systemd unit directory with sysinit.target on this host"

scratch

# exec_path UNIT: the program ExecStart= runs.
exec_path() {
	sed -n 's/^ExecStart=[-@:+!]*\([^ ]*\).*/\1/p' "$1" | head -1
}

# make_root DIR UNIT [with-binary]: a root that verify can load UNIT from.
make_root() {
	local root=$1 unit=$2 bin
	mkdir -p "$root/usr/lib/systemd" "$root/etc/systemd/system"
	cp -a "$host_units" "$root/usr/lib/systemd/system"
	cp "$unit" "$root/etc/systemd/system/"
	if [ "${3:-}" = with-binary ]; then
		bin=$(exec_path "$unit")
		mkdir -p "$root$(dirname "$bin")"
		printf '#!/bin/sh\nexit 0\n' >"$root$bin"
		chmod 0755 "$root$bin"
	fi
}

for unit in osapi-agent.service osapi-agent-launch.service; do
	f=$units/$unit
	if [ ! -f "$f" ]; then
		ok 1 "$unit exists"
		continue
	fi
	ok 0 "$unit exists"

	root=$SCRATCH/root-$unit
	make_root "$root" "$f" with-binary
	out=$(systemd-analyze verify --man=no --root="$root" "$unit" 2>&1)
	st=$?
	is "$st" 0 "$unit: systemd-analyze verify exits 0"
	is "$out" "" "$unit: systemd-analyze verify prints nothing"

	# Negative control: without the stand-in, verify must complain about it.
	bare=$SCRATCH/bare-$unit
	make_root "$bare" "$f"
	out=$(systemd-analyze verify --man=no --root="$bare" "$unit" 2>&1)
	like "$out" "$(exec_path "$f") is not executable" \
		"$unit: verify does check ExecStart inside the scratch root"
done

# Negative control for the parser: a misspelt directive is reported.
bad=$SCRATCH/root-bad
make_root "$bad" "$units/osapi-agent.service" with-binary
sed -i 's/^ProtectHome=/ProtectHomes=/' "$bad/etc/systemd/system/osapi-agent.service"
out=$(systemd-analyze verify --man=no --root="$bad" osapi-agent.service 2>&1)
like "$out" "Unknown key 'ProtectHomes'" "verify reports a misspelt directive"

# The exposure score of the main unit.
out=$(systemd-analyze security --offline=true "$units/osapi-agent.service" 2>&1)
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9]*\.[0-9]\).*/\1/p')
like "$score" '^[0-9]+\.[0-9]$' "osapi-agent.service: security score parsed ($score)"
if [ -n "$score" ]; then
	# Compare in tenths, as integers.
	ok "$([ "${score/./}" -le "${max_score/./}" ] && echo 0 || echo 1)" \
		"osapi-agent.service: exposure $score <= $max_score"
	[ "${score/./}" -le "${max_score/./}" ] ||
		printf '%s\n' "$out" | grep '✗' | sed 's/^/# /'
fi
# These are what keep the score down; losing one is a regression even if
# the total still passes.
for good in NoNewPrivileges= ProtectSystem= ProtectHome= PrivateTmp= \
	PrivateDevices= ProtectKernelTunables= RestrictNamespaces=~user \
	'SystemCallFilter=~@privileged' 'SystemCallFilter=~@mount' \
	'RestrictAddressFamilies=~AF_PACKET' 'CapabilityBoundingSet=~CAP_SYS_ADMIN' \
	User=/DynamicUser= ProtectProc=; do
	like "$(printf '%s\n' "$out" | grep -F -- "$good" | head -1)" '^✓' \
		"osapi-agent.service: $good passes"
done

# The score must not come from dropping what the agent needs.
main=$units/osapi-agent.service
is "$(sed -n 's/^AmbientCapabilities=//p' "$main")" CAP_NET_RAW "osapi-agent.service keeps CAP_NET_RAW ambient"
is "$(sed -n 's/^CapabilityBoundingSet=//p' "$main")" CAP_NET_RAW "osapi-agent.service bounds capabilities to CAP_NET_RAW"
is "$(sed -n 's/^User=//p' "$main"):$(sed -n 's/^Group=//p' "$main")" osapi:osapi "osapi-agent.service runs as osapi:osapi"
families=$(sed -n 's/^RestrictAddressFamilies=//p' "$main")
for af in AF_INET AF_INET6 AF_UNIX AF_NETLINK; do
	like " $families " " $af " "osapi-agent.service allows $af"
done
ok "$(grep -Eq '^(PrivateNetwork|PrivateUsers)=(yes|true|1)' "$main" && echo 1 || echo 0)" \
	"osapi-agent.service keeps the host's network and users (CAP_NET_RAW must apply)"

# What the launcher variant scores is informative only: systemd cannot see
# the drop the launcher performs.
out=$(systemd-analyze security --offline=true "$units/osapi-agent-launch.service" 2>&1)
diag "osapi-agent-launch.service: $(printf '%s\n' "$out" | grep 'Overall exposure')"

done_testing
