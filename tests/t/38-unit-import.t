#!/bin/bash
# --unit: the project's own hardened unit read as the launcher's config.
# The probe launched from the unit must get exactly what it gets from the
# [Launch] config the same unit translates to (--print-config).
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
unit=$SCRATCH/osapi-agent.service
install -m 0644 "$SRC_DIR/contrib/systemd/osapi-agent.service" "$unit"

run_launch --check --unit "$unit" -- /bin/true
is "$RC" 78 "without --drop-unsupported, directives osapi-launch lacks are errors"
like "$ERR" "osapi-agent\.service:[0-9]+: ProtectClock= is a systemd directive that osapi-launch does not implement; remove it \(or pass --drop-unsupported" \
	"each names file:line and the way out"

run_launch --unit "$unit" --drop-unsupported --print-config
is "$RC" 0 "--print-config translates the unit"
like "$OUTPUT" "# ignored \(service manager\): Type=exec" "service-manager directives are listed as ignored"
like "$OUTPUT" "# DROPPED \(not implemented\): ProtectClock=yes" "unsupported exec directives are listed as dropped"
like "$OUTPUT" "^\[Launch\]" "the output is a [Launch] config"
like "$OUTPUT" "SystemCallFilter=~@privileged @resources" "directives are carried over as written"
printf '%s\n' "$OUTPUT" >"$SCRATCH/translated.conf"
chmod 0644 "$SCRATCH/translated.conf"
# The unit allows exec only of the agent's path and lives in /var/lib/osapi:
# the probe stands in for the agent there, unless a real agent is installed.
agent=/usr/bin/osapi
made_agent=
made_state=
if [ ! -e "$agent" ]; then
	install -m 0755 "$PROBE" "$agent"
	made_agent=1
fi
if [ ! -d /var/lib/osapi ]; then
	install -d -o osapi -g osapi -m 0700 /var/lib/osapi
	made_state=1
fi
trap '[ -n "$made_agent" ] && rm -f "$agent"; [ -n "$made_state" ] && rm -rf /var/lib/osapi; rm -rf "$SCRATCH"' EXIT
run_launch --check -c "$SCRATCH/translated.conf" -- "$agent"
is "$RC" 0 "the translated config passes --check"

run_launch --check --unit "$unit" --drop-unsupported -- "$agent"
like "$OUTPUT" "unit translation:" "--check --unit prints the translation"
like "$OUTPUT" "applied +line [0-9]+ +User=osapi" "... line by line"

if [ -n "$made_agent" ]; then
	keys='^(Uid|Gid|Groups|Cap[A-Za-z]+|NoNewPrivs|Seccomp|Seccomp_filters|UMASK|CWD|RLIMIT_[A-Z]+|ENV)='
	a=$("$OSAPI_LAUNCH" --unit "$unit" --drop-unsupported -- "$agent" 2>"$SCRATCH/a.err" | grep -E "$keys")
	rc_a=$?
	b=$("$OSAPI_LAUNCH" -c "$SCRATCH/translated.conf" -- "$agent" 2>"$SCRATCH/b.err" | grep -E "$keys")
	ok "$rc_a" "the probe runs from the unit"
	like "$a" "^Uid=$(id -u osapi) " "... as osapi"
	like "$a" "CapAmb=0000000000002000" "... with CAP_NET_RAW ambient"
	like "$a" "Seccomp=2" "... under the unit's seccomp filters"
	is "$a" "$b" "the unit and its translation give the probe the same confinement"
else
	diag "$agent exists on this host: the side-by-side launch is left out rather than replacing it"
fi
done_testing
