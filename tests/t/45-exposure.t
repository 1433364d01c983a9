#!/bin/bash
# The exposure score (src/report/exposure.c) against its authority, the installed
# `systemd-analyze security --offline=true` (systemd 252): every check's
# badness and the overall score and level must be equal on every unit of a
# corpus: the project's unit and launch.conf files, a hand-written
# equivalent of the upstream OSAPI unit, each scored directive toggled on three bases, and random
# combinations with a fixed seed.  SYSTEMD_ANALYZE_DEBUG=1 makes systemd
# print its badness per check, so a disagreement names the check.
#
# Each unit is scored twice on our side: by `osapi-launch --check --verbose
# --unit` on the unit minus the directives the launcher does not implement
# yet (what --drop-unsupported would drop; systemd then scores the same
# reduced unit), and by tests/test-exposure on the whole unit, which feeds
# those directives to the scoring as the launcher's parser will once it
# takes them.  systemd-analyze runs once over all units (it takes many).
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd systemd-analyze "apt-get install systemd"
setup_launch
TEST_EXPOSURE=$BUILD_DIR/tests/test-exposure
U=$SCRATCH/units
mkdir "$U"

# The project's own unit, its agent path pointed at the probe so that the
# launcher's plan (ExecPaths=, ExecStart=) can be built here.
shipped() {
	sed -e "s|/usr/bin/osapi|$P|g" -e '/^WorkingDirectory=/d' \
		"$SRC_DIR/contrib/systemd/osapi-agent.service"
}

# unit NAME BASE LINE...: writes $U/NAME.service from a base and lines
# appended to [Service] (after the base's, so they override or add).
unit() {
	local name=$1 base=$2
	shift 2
	{
		case $base in
		root) printf '%s\n' "[Service]" "ExecStart=$P" ;;
		user) printf '%s\n' "[Service]" "ExecStart=$P" "User=osapi" ;;
		shipped) shipped | sed '/^\[Install\]/,$d' ;;
		esac
		# An [Install] section after the lines would end [Service].
		[ "$base" = shipped ] && echo "[Service]"
		printf '%s\n' "$@"
		# The launcher refuses ambient capabilities outside the bounding
		# set (systemd drops them); keep such units in both corpora.
		case " $* " in *" CapabilityBoundingSet="*) echo "AmbientCapabilities=" ;; esac
	} >"$U/$name.service"
	chmod 0644 "$U/$name.service"
}

unit shipped shipped
# The upstream OSAPI unit (docs/docs/sidebar/features/agent-hardening.md of
# osapi-io/osapi), written out from its directives.
unit upstream root "Type=simple" "User=osapi" "Group=osapi" \
	"Restart=always" "RestartSec=5" \
	"AmbientCapabilities=CAP_DAC_READ_SEARCH CAP_DAC_OVERRIDE CAP_CHOWN CAP_FOWNER CAP_KILL CAP_NET_ADMIN" \
	"CapabilityBoundingSet=CAP_DAC_READ_SEARCH CAP_DAC_OVERRIDE CAP_CHOWN CAP_FOWNER CAP_KILL CAP_NET_ADMIN" \
	"SecureBits=keep-caps" "NoNewPrivileges=no" "PrivateTmp=true"
unit bare-root root
# The shipped launch.conf files read as units: systemd warns about and
# skips osapi-launch's own directives, which score nothing.
for f in "$SRC_DIR"/conf/*.conf; do
	name=$(basename "$f" .conf)
	sed -e 's/^\[Launch\]/[Service]/' -e "s|^ExecStart=.*|ExecStart=$P|" \
		"$f" >"$U/$name.service"
	chmod 0644 "$U/$name.service"
done
unit bare-user user

# Every scored directive, each value that scores differently, on an
# unprivileged bare unit and on the project's unit.
toggles=(
	"User=osapi" "User=nobody" "User=root" "User=0" "DynamicUser=yes"
	"SupplementaryGroups=adm" "SupplementaryGroups="
	"PrivateDevices=yes" "PrivateDevices=no" "PrivateMounts=yes"
	"PrivateMounts=no" "PrivateNetwork=yes" "PrivateTmp=yes"
	"PrivateTmp=no" "PrivateUsers=yes" "ProtectControlGroups=yes"
	"ProtectControlGroups=no" "ProtectKernelModules=yes"
	"ProtectKernelModules=no" "ProtectKernelTunables=yes"
	"ProtectKernelTunables=no" "ProtectKernelLogs=yes"
	"ProtectKernelLogs=no" "ProtectClock=yes" "ProtectClock=no"
	"ProtectHome=yes" "ProtectHome=no" "ProtectHome=read-only"
	"ProtectHome=tmpfs" "ProtectHostname=yes" "ProtectHostname=no"
	"ProtectSystem=yes" "ProtectSystem=no" "ProtectSystem=full"
	"ProtectSystem=strict" "RootDirectory=/srv" "LockPersonality=yes"
	"LockPersonality=no" "MemoryDenyWriteExecute=yes"
	"MemoryDenyWriteExecute=no" "NoNewPrivileges=yes" "NoNewPrivileges=no"
	"CapabilityBoundingSet=" "CapabilityBoundingSet=~CAP_SYS_ADMIN"
	"UMask=0000" "UMask=0002" "UMask=0007" "UMask=0022" "UMask=0027"
	"UMask=0077" "KeyringMode=inherit" "KeyringMode=shared"
	"KeyringMode=private" "ProtectProc=noaccess" "ProtectProc=invisible"
	"ProtectProc=ptraceable" "ProtectProc=default" "ProcSubset=pid"
	"ProcSubset=all" "RemoveIPC=yes" "RemoveIPC=no"
	"RestrictRealtime=yes" "RestrictRealtime=no" "RestrictSUIDSGID=yes"
	"RestrictSUIDSGID=no" "RestrictNamespaces=yes" "RestrictNamespaces=no"
	"RestrictNamespaces=user" "RestrictNamespaces=~user"
	"RestrictNamespaces=mnt ipc" "RestrictNamespaces=~net uts"
	"RestrictNamespaces=cgroup pid"
	"RestrictAddressFamilies=AF_INET" "RestrictAddressFamilies=~AF_INET6"
	"RestrictAddressFamilies=AF_UNIX" "RestrictAddressFamilies=~AF_PACKET"
	"RestrictAddressFamilies=AF_NETLINK" "RestrictAddressFamilies=none"
	"RestrictAddressFamilies=~AF_BLUETOOTH"
	"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX"
	"SystemCallArchitectures=native" "SystemCallArchitectures=native x86"
	"SystemCallArchitectures=x86-64" "SystemCallArchitectures=native native"
	"SystemCallFilter=@system-service" "SystemCallFilter=~@mount"
	"SystemCallFilter=~@privileged @resources" "SystemCallFilter=@basic-io"
	"SystemCallFilter=~@clock @debug" "SystemCallFilter=write read"
	"SystemCallFilter=@known" "SystemCallFilter=~@default"
	"SystemCallFilter=~@swap @obsolete @clock @cpu-emulation @debug @mount @module @raw-io @reboot @privileged @resources"
	"SystemCallFilter=" "IPAddressDeny=any" "IPAddressDeny=0.0.0.0/0"
	"IPAddressDeny=0.0.0.0/0 ::/0" "IPAddressAllow=localhost"
	"IPAddressAllow=10.0.0.0/8" "IPAddressAllow=127.0.0.1"
	"IPAddressAllow=::1" "DevicePolicy=closed" "DevicePolicy=strict"
	"DevicePolicy=auto" "DeviceAllow=/dev/null rw"
	"AmbientCapabilities=CAP_NET_RAW" "AmbientCapabilities="
)
# Each capability the checks group, alone in the bounding set.
for cap in SYS_ADMIN SETUID SETGID SETPCAP SYS_PTRACE SYS_TIME NET_ADMIN \
	SYS_RAWIO SYS_MODULE AUDIT_CONTROL AUDIT_READ AUDIT_WRITE SYSLOG \
	SYS_NICE SYS_RESOURCE MKNOD CHOWN FSETID SETFCAP DAC_OVERRIDE \
	DAC_READ_SEARCH FOWNER IPC_OWNER KILL NET_BIND_SERVICE NET_BROADCAST \
	NET_RAW SYS_BOOT MAC_ADMIN MAC_OVERRIDE LINUX_IMMUTABLE IPC_LOCK \
	SYS_CHROOT BLOCK_SUSPEND WAKE_ALARM LEASE SYS_TTY_CONFIG SYS_PACCT BPF; do
	toggles+=("CapabilityBoundingSet=CAP_$cap")
done
i=0
for t in "${toggles[@]}"; do
	i=$((i + 1))
	bases="user shipped"
	# For root, what does not apply to it is left out of the weights.
	case $t in User=* | SupplementaryGroups=* | RemoveIPC=* | DynamicUser=*)
		bases="root $bases" ;;
	esac
	for base in $bases; do
		unit "t$i-$base" "$base" "$t"
	done
done
# A deny-all IP list with each kind of allow entry.
for a in localhost 10.0.0.0/8 127.0.0.1 ::1 "" ; do
	i=$((i + 1))
	unit "t$i-ip" user "IPAddressDeny=any" "IPAddressAllow=$a"
done

# Random combinations, the same on every run.  Directives whose repeated
# lines merge are among them; at most one line of the others.
RANDOM=4521
for n in $(seq 1 60); do
	lines=() seen=" "
	for _ in $(seq 1 $((3 + RANDOM % 10))); do
		t=${toggles[RANDOM % ${#toggles[@]}]}
		d=${t%%=*}
		case $d in
		SystemCallFilter | CapabilityBoundingSet | IPAddressAllow | RestrictAddressFamilies | RestrictNamespaces) ;;
		*) case $seen in *" $d "*) continue ;; esac ;;
		esac
		seen="$seen$d "
		lines+=("$t")
	done
	bases=(root user shipped)
	unit "r$n" "${bases[RANDOM % 3]}" "${lines[@]}"
done
total=$(find "$U" -name '*.service' | wc -l)
diag "$total units"

# systemd's verdicts: "UNIT CHECK BADNESS" lines and "UNIT = SCORE LEVEL".
sd_scores() { # DIR OUTFILE
	(cd "$1" && SYSTEMD_ANALYZE_DEBUG=1 SYSTEMD_COLORS=0 \
		systemd-analyze security --offline=true --no-pager ./*.service 2>/dev/null) |
		awk '
		/^→ Overall exposure level for / {
			u = $6; sub(/:$/, "", u); sub(/\.service$/, "", u)
			for (i = 0; i < n; i++) print u, row[i]
			print u, "=", $7, $8; n = 0; next }
		/=/ && / [0-9]+ +[0-9]+ +[0-9]+( +[0-9.]+)? *$/ {
			for (i = 1; i <= NF; i++) if ($i ~ /=/) { name = $i; break }
			b = ($NF ~ /\./) ? $(NF - 2) : $(NF - 1)
			if (b == "18446744073709551615") b = "n/a"
			row[n++] = name " " b }' | sort >"$2"
}

# Ours, from --check --verbose or test-exposure output on stdin.
our_scores() { # UNIT
	awk -v u="$1" '
		/^exposure  / { score = u " = " $2 " " $3; on = 1; next }
		on && / check +weight / { next }
		on && /^  (ok|BAD|n\/a) / { print u, $2, $4; next }
		on { on = 0 }
		END { print score }'
}

# The units the launcher takes as they are, and each other unit without
# the directives it drops (systemd scores those reduced units too).
R=$SCRATCH/reduced
mkdir "$R"
for f in "$U"/*.service; do
	name=$(basename "$f" .service)
	dropped=$("$OSAPI_LAUNCH" --unit "$f" --drop-unsupported --print-config 2>/dev/null |
		sed -n 's/^# DROPPED (not implemented): \([A-Za-z]*\)=.*/\1/p' | sort -u)
	cp "$f" "$R/$name.service"
	for d in $dropped; do
		sed -i "/^$d=/d" "$R/$name.service"
	done
	# Combinations the launcher refuses by design, each named in its
	# error (RemoveIPC= without the namespaces that make it true at
	# start; PrivateUsers= with ambient capabilities, a procfs mount or
	# device nodes): score the unit without that directive.
	for _ in 1 2 3; do
		d=$("$OSAPI_LAUNCH" --check --unit "$R/$name.service" 2>&1 |
			sed -n 's/.*service:[0-9]*: \(RemoveIPC\|PrivateUsers\)=yes: .*/\1/p' | head -n 1)
		[ -n "$d" ] || break
		sed -i "/^$d=/d" "$R/$name.service"
	done
done

sd_scores "$U" "$SCRATCH/sd-full"
sd_scores "$R" "$SCRATCH/sd-reduced"
is "$(grep -c ' = ' "$SCRATCH/sd-full")" "$total" "systemd-analyze scored every unit"
is "$(grep -c ' = ' "$SCRATCH/sd-reduced")" "$total" "and every reduced unit"

: >"$SCRATCH/ours-full"
: >"$SCRATCH/ours-reduced"
refused=
for f in "$U"/*.service; do
	name=$(basename "$f" .service)
	"$TEST_EXPOSURE" "$f" | our_scores "$name" >>"$SCRATCH/ours-full"
	out=$("$OSAPI_LAUNCH" --check --verbose --unit "$R/$name.service" 2>&1)
	grep -q '^exposure  ' <<<"$out" || {
		refused="$refused $name"
		diag "$name refused: $(grep 'osapi-launch:' <<<"$out" | head -n 2)"
	}
	our_scores "$name" <<<"$out" >>"$SCRATCH/ours-reduced"
done
is "$refused" "" "osapi-launch --check --unit takes every reduced unit and prints its exposure"

for kind in full reduced; do
	sort -o "$SCRATCH/ours-$kind" "$SCRATCH/ours-$kind"
	d=$(diff "$SCRATCH/sd-$kind" "$SCRATCH/ours-$kind")
	is "$d" "" "$kind units: every check and every score equal to systemd-analyze's"
	[ -z "$d" ] || diag "$(head -40 <<<"$d")"
done
is "$(grep -c ' = ' "$SCRATCH/ours-reduced")" "$total" "osapi-launch scored every unit"

# The verdict also covers units that differ: the corpus is not all alike.
scores=$(grep ' = ' "$SCRATCH/sd-full" | awk '{print $3}' | sort -u | wc -l)
ok $([ "$scores" -ge 20 ] && echo 0 || echo 1) "the corpus spans many scores ($scores distinct)"

# --check --json carries the same score, and each check.
run_launch --check --json --unit "$R/shipped.service"
score=$(grep ' = ' "$SCRATCH/sd-reduced" | awk '$1 == "shipped" {print $3}')
like "$OUTPUT" "\"exposure\": \{\"score\": $score, \"level\": \"[A-Z]+\", \"checks\": \[" \
	"--check --json: \"exposure\" with the score and level"
like "$OUTPUT" '\{"name": "PrivateNetwork=", "weight": 2500, "range": 1, "badness": 1, "exposure": 0\.[0-9]\}' \
	"--check --json: each check with its weight, range and badness"
run_launch --check --unit "$R/shipped.service"
like "$OUTPUT" "^exposure +$score [A-Z]+$|
exposure +$score [A-Z]+
" "--check prints the exposure line"
unlike "$OUTPUT" "CapabilityBoundingSet=~CAP_SYS_ADMIN" "the per-check table needs --verbose"
run_launch --verbose -c /dev/null
is "$RC" 64 "--verbose without --check is a usage error"

done_testing
