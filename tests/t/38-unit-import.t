#!/bin/bash
# --unit: the project's own hardened unit read as the launcher's config.
# The probe launched from the unit must get exactly what it gets from the
# [Launch] config the same unit translates to (--print-config).
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
unit=$SCRATCH/osapi-agent.service
install -m 0644 "$SRC_DIR/contrib/systemd/osapi-agent.service" "$unit"

# A directive osapi-launch does not implement (DynamicUser=) in a copy of
# the unit: an error naming file:line, or dropped knowingly.
extra=$SCRATCH/extra.service
sed '/^\[Service\]/a DynamicUser=yes' "$unit" >"$extra"
chmod 0644 "$extra"
run_launch --check --unit "$extra" -- /bin/true
is "$RC" 78 "without --drop-unsupported, directives osapi-launch lacks are errors"
like "$ERR" "extra\.service:[0-9]+: DynamicUser= is a systemd directive that osapi-launch does not implement; remove it \(or pass --drop-unsupported" \
	"each names file:line and the way out"

run_launch --unit "$extra" --drop-unsupported --print-config
is "$RC" 0 "--print-config translates the unit"
like "$OUTPUT" "# ignored \(service manager\): Type=exec" "service-manager directives are listed as ignored"
like "$OUTPUT" "# DROPPED \(not implemented\): DynamicUser=yes" "unsupported exec directives are listed as dropped"
run_launch --unit "$unit" --print-config
is "$RC" 0 "the project's own unit translates with nothing dropped (issue #16)"
unlike "$OUTPUT" "DROPPED" "... no directive of it is dropped"
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
# Issue #16's check: the unit itself, by a relative path, every directive
# implemented, no --drop-unsupported.
OUTPUT=$(cd "$SRC_DIR" && "$OSAPI_LAUNCH" --check --unit contrib/systemd/osapi-agent.service 2>&1)
is "$?" 0 "--check --unit contrib/systemd/osapi-agent.service (relative, nothing dropped) exits 0"

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

# Drop-ins (finding 11): read as systemd reads them.  A unique unit name,
# so the files this puts under /etc and /usr/lib touch no other unit.
name=osapitest-$$-agent
svc=$name.service
etcd=/etc/systemd/system/$svc.d
libd=/usr/lib/systemd/system/$svc.d
trap '[ -n "$made_agent" ] && rm -f "$agent"; [ -n "$made_state" ] && rm -rf /var/lib/osapi; rm -rf "$SCRATCH" "$etcd" "$libd"' EXIT
mkdir -m 0755 "$etcd" "$libd" "$SCRATCH/$svc.d" "$SCRATCH/service.d" \
	"$SCRATCH/osapitest-$$-.service.d" "$SCRATCH/osapitest-.service.d"
dropin() { # dropin FILE LINE...: a [Service] drop-in, root's, mode 0644
	local f=$1
	shift
	printf '%s\n' "[Service]" "$@" >"$f"
	chmod 0644 "$f"
}
# The unit; [Unit] makes it loadable by systemd --test below.
printf '%s\n' "[Unit]" "DefaultDependencies=no" "[Service]" "ExecStart=$P" \
	"CapabilityBoundingSet=CAP_NET_RAW" "Environment=FROM_UNIT=1 KEEP=unit" \
	"UMask=0022" >"$SCRATCH/$svc"
chmod 0644 "$SCRATCH/$svc"
# Overrides, and a list reset by an empty assignment.
dropin "$SCRATCH/$svc.d/10-override.conf" "Environment=KEEP=dropin" \
	"CapabilityBoundingSet=" "CapabilityBoundingSet=CAP_KILL"
# Masks: the unit's own directory masks /usr/lib's file, /etc masks it too.
dropin "$libd/20-masked.conf" "Environment=MASKED_LIB=1"
ln -s /dev/null "$SCRATCH/$svc.d/20-masked.conf"
dropin "$libd/25-masked.conf" "Environment=MASKED_ETC=1"
ln -s /dev/null "$etcd/25-masked.conf"
# Order: by file name across directories, whatever their priority ...
dropin "$etcd/30-etc.conf" "UMask=0027" "Environment=ORDER=etc30"
dropin "$libd/40-lib.conf" "UMask=0077" "Environment=ORDER=lib40"
# ... and of equally named files the higher-priority directory's wins.
dropin "$etcd/50-same.conf" "Environment=SAME=etc"
dropin "$libd/50-same.conf" "Environment=SAME=lib"
# Prefix and type drop-ins: lower precedence than the unit's own name,
# the longer prefix over the shorter.
dropin "$SCRATCH/service.d/60-type.conf" "Environment=TYPE=service.d"
dropin "$SCRATCH/service.d/70-shadow.conf" "Environment=SHADOW=service.d"
dropin "$SCRATCH/osapitest-.service.d/70-shadow.conf" "Environment=SHADOW=short-prefix"
dropin "$SCRATCH/osapitest-$$-.service.d/70-shadow.conf" "Environment=SHADOW=long-prefix"
dropin "$SCRATCH/osapitest-.service.d/80-prefix.conf" "Environment=PREFIX=osapitest-"

run_launch --unit "$SCRATCH/$svc"
is "$RC" 0 "drop-ins: the unit and its drop-ins launch the probe"
env_of() { printf '%s\n' "$OUTPUT" | sed -n "s/^ENV=$1=//p" | tail -n 1; }
is "$(env_of FROM_UNIT)" 1 "the unit's own values stay"
is "$(env_of KEEP)" dropin "a drop-in overrides the unit"
is "$(field CapBnd)" 0000000000000020 "an empty CapabilityBoundingSet= in a drop-in resets the list (cap_kill only)"
is "$(env_of MASKED_LIB)$(env_of MASKED_ETC)" "" "drop-ins masked by /dev/null symlinks are not applied"
is "$(field UMASK)" 0077 "drop-ins apply in file-name order across directories (40-lib after 30-etc)"
is "$(env_of ORDER)" lib40 "... for lists too"
is "$(env_of SAME)" etc "an equally named drop-in in /etc masks /usr/lib's"
is "$(env_of TYPE)" service.d "the top-level service.d/ drop-in applies"
is "$(env_of SHADOW)" long-prefix "the longest dashed prefix wins over shorter ones and service.d/"
is "$(env_of PREFIX)" osapitest- "a dashed-prefix drop-in applies"

run_launch --check --unit "$SCRATCH/$svc"
like "$OUTPUT" "drop-in +$etcd/30-etc.conf" "--check lists the drop-ins read"
like "$OUTPUT" "drop-in masked +$SCRATCH/$svc.d/20-masked.conf" "... and the masks"
like "$OUTPUT" "applied +line 2 +UMask=0077  in $libd/40-lib.conf" "... and where each value came from"
run_launch --check --json --unit "$SCRATCH/$svc"
like "$OUTPUT" "\"UMask\": \{\"value\": \"0077\", \"source\": \"$libd/40-lib.conf:2\"\}" \
	"--check --json gives a drop-in value its own file:line"

# systemd 252 as the oracle: the same unit path, the same drop-ins in the
# same order (systemd --test lists them as "DropIn Path:").
if [ -x /lib/systemd/systemd ]; then
	mine=$("$OSAPI_LAUNCH" --check --unit "$SCRATCH/$svc" 2>/dev/null |
		sed -n 's/^  drop-in \{1,\}\(\/.*\)/\1/p')
	theirs=$( (cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env -i \
		SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_LEVEL=err \
		SYSTEMD_UNIT_PATH="$SCRATCH:/etc/systemd/system:/usr/lib/systemd/system" \
		/lib/systemd/systemd --test --system --unit="$svc" --no-pager 2>/dev/null) |
		awk -v u="$svc" '$0 ~ "^\t-> Unit " {f = ($3 == u ":")} f' |
		sed -n 's/^\t\tDropIn Path: //p' | while read -r f; do
			[ "$(readlink "$f")" = /dev/null ] || echo "$f"
		done)
	ok "$([ -n "$theirs" ] && [ "$mine" = "$theirs" ] && echo 0 || echo 1)" \
		"systemd --test reads the same drop-ins, in the same order"
	[ "$mine" = "$theirs" ] || diag "launcher:" "$mine" "systemd:" "$theirs"
elif [ "${CI:-}" = true ]; then
	ok 1 "systemd (the oracle) is installed: tools/install-deps --test"
fi

# Errors in a drop-in name the drop-in's file:line.
dropin "$etcd/90-bad.conf" "UMask=0027" "Bogus=1"
run_launch --check --unit "$SCRATCH/$svc"
is "$RC" 78 "a bad drop-in is a config error"
like "$ERR" "$etcd/90-bad.conf:3: unknown directive Bogus=" "... named by the drop-in's file:line"
rm -f "$etcd/90-bad.conf"
# The same trust rules as the config.
dropin "$etcd/90-untrusted.conf" "UMask=0027"
chmod 0664 "$etcd/90-untrusted.conf"
run_launch --check --unit "$SCRATCH/$svc"
like "$ERR" "$etcd/90-untrusted.conf: is writable by group or others" "a group-writable drop-in is refused"
rm -f "$etcd/90-untrusted.conf"
chmod 0775 "$SCRATCH/$svc.d"
run_launch --check --unit "$SCRATCH/$svc"
like "$ERR" "drop-in directory $SCRATCH/$svc.d is writable by group or others" "a group-writable drop-in directory is refused"
chmod 0755 "$SCRATCH/$svc.d"
ln -s "$etcd/30-etc.conf" "$libd/95-link.conf"
run_launch --check --unit "$SCRATCH/$svc"
like "$ERR" "95-link.conf: is a symlink" "a drop-in symlinked anywhere but /dev/null is refused"
rm -f "$libd/95-link.conf"

# Issue #16: a relative --unit path is resolved against the cwd.
OUTPUT=$(cd "$SCRATCH" && "$OSAPI_LAUNCH" --unit "$svc" 2>&1)
is "$(field CapBnd)" 0000000000000020 "--unit with a relative path works, drop-ins and all"
OUTPUT=$(cd "$SCRATCH/service.d" && "$OSAPI_LAUNCH" --check --unit "../$svc" 2>&1)
like "$OUTPUT" "drop-in +$etcd/30-etc.conf" "... also through .."
done_testing
