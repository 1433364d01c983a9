#!/bin/bash
# --check must never accept what the launch refuses, nor refuse what it runs.
# Every config we ship or document is run both ways on this host, as root,
# for real: --check, then a launch with ExecStart= pointed at the probe.
#
#   conf/*.conf                  the shipped configs
#   contrib                      the Docker image's config (the shipped one
#                                without AppArmorProfile=), and
#                                contrib/systemd/osapi-agent.service read
#                                with --unit --drop-unsupported
#   tests/configs/*.conf         a corpus covering every directive, the
#                                refusals, and the seccomp exec cases
#   SecureBits=                  every combination of the six flags, for a
#                                root target and for a non-root one with
#                                ambient capabilities
#
# The two agree when --check exits 0 and the probe runs and exits 0, or
# when --check exits non-zero and the probe never runs.  A launch "refuses"
# when the probe never ran (a launcher exit code) or when it died by a
# signal (exit 129-192: no launcher exit code is in that range).
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
D=$SCRATCH/configs
mkdir -m 0755 "$D"
cleanup() {
	local d
	for d in /sys/fs/cgroup/osapi-launch-agree /sys/fs/cgroup/*/osapi-launch-agree; do
		[ -d "$d" ] || continue
		rmdir "$d"/* "$d" 2>/dev/null
	done
	[ -n "$made_statedir" ] && rm -rf /var/lib/osapi
	# tests/configs/directories.conf's, created by its launch.
	rm -rf /run/osapi-agree /var/lib/osapi-agree /var/cache/osapi-agree \
		/var/log/osapi-agree /etc/osapi-agree
	rm -rf "$SCRATCH"
}
made_statedir=
trap cleanup EXIT
printf 'AGREE_FROM_FILE=1\n' >"$SCRATCH/agree.env"
chmod 0644 "$SCRATCH/agree.env"

# agree NAME ARGS...: --check and a launch with the same ARGS (a -c or
# --unit option); one TAP line.
agreed=0 both_ran=0 both_refused=0
agree() {
	local name=$1 crc lrc ran=no verdict=
	shift
	run_launch --check "$@"
	crc=$RC
	local cerr=$ERR
	run_launch --policy-record=none "$@" </dev/null
	lrc=$RC
	printf '%s\n' "$OUTPUT" | grep -q '^Uid=' && ran=yes
	if [ "$crc" -eq 0 ] && [ $ran = yes ] && [ "$lrc" -eq 0 ]; then
		both_ran=$((both_ran + 1))
	elif [ "$crc" -ne 0 ] && [ $ran = no ]; then
		both_refused=$((both_refused + 1))
		[ "$lrc" -gt 128 ] && [ "$lrc" -le 192 ] &&
			diag "$name: both refuse, but the launch died of signal $((lrc - 128))"
	elif [ "$crc" -eq 0 ] && [ $ran = no ]; then
		verdict="--check exits 0, the launch refuses before exec: exit $lrc"
		[ "$lrc" -gt 128 ] && [ "$lrc" -le 192 ] && verdict="--check exits 0, the launch dies of signal $((lrc - 128)) before exec"
	elif [ "$crc" -eq 0 ]; then
		verdict="--check exits 0, the target ran but the launch ended with $lrc"
	else
		verdict="--check exits $crc, yet the launch runs the target (exit $lrc)"
	fi
	if [ -z "$verdict" ]; then
		agreed=$((agreed + 1))
		ok 0 "$name: --check and the launch agree (check $crc, launch $lrc, target ran: $ran)"
		return
	fi
	ok 1 "$name: $verdict"
	{
		echo "config ($*):"
		grep -v '^#' "${@: -1}" | grep .
		echo "--check stderr:"
		printf '%s\n' "$cerr" | head -n 3
		echo "launch stderr:"
		printf '%s\n' "$ERR" | head -n 3
	} | sed 's/^/#   /'
}

# The shipped configs, ExecStart= pointed at the probe.
for f in "$SRC_DIR"/conf/*.conf; do
	n=conf-$(basename "$f" .conf)
	sed "s|^ExecStart=.*|ExecStart=$P|" "$f" >"$D/$n.conf"
	chmod 0644 "$D/$n.conf"
	agree "$n" -c "$D/$n.conf"
done

# contrib: the Docker image's config, and the systemd unit as a config.
n=contrib-docker
sed -e "s|^ExecStart=.*|ExecStart=$P|" -e '/^AppArmorProfile=/d' "$SRC_DIR/conf/osapi-launch.conf" >"$D/$n.conf"
chmod 0644 "$D/$n.conf"
like "$(grep 'conf/osapi-launch.conf' "$SRC_DIR/contrib/docker/Dockerfile")" "sed '/\^AppArmorProfile=/d' conf/osapi-launch.conf" \
	"contrib/docker derives its config from conf/osapi-launch.conf by dropping AppArmorProfile= (as done here)"
agree "$n" -c "$D/$n.conf"
n=contrib-systemd-osapi-agent
# The agent's binary is the probe here, in ExecPaths= too.
sed -e "s|^ExecStart=.*|ExecStart=$P|" -e "/^ExecPaths=/s|/usr/bin/osapi |$P |" \
	"$SRC_DIR/contrib/systemd/osapi-agent.service" >"$D/$n.service"
chmod 0644 "$D/$n.service"
[ -e /var/lib/osapi ] || made_statedir=1
agree "$n" --drop-unsupported --unit "$D/$n.service"
# Again, with the directory its StateDirectory= created now in place.
agree "$n-statedir" --drop-unsupported --unit "$D/$n.service"

# The corpus: @PROBE@ and @SCRATCH@ stand for this run's probe and scratch
# directory.
ncorpus=0
for f in "$SRC_DIR"/tests/configs/*.conf; do
	n=corpus-$(basename "$f" .conf)
	sed -e "s|@PROBE@|$P|g" -e "s|@SCRATCH@|$SCRATCH|g" "$f" >"$D/$n.conf"
	chmod 0644 "$D/$n.conf"
	agree "$n" -c "$D/$n.conf"
	ncorpus=$((ncorpus + 1))
done

# Every directive appears in the corpus at least once.
missing=
for d in $("$OSAPI_LAUNCH" --list-directives | cut -f1); do
	grep -q "^$d=" "$SRC_DIR"/tests/configs/*.conf || missing="$missing $d"
done
is "$missing" "" "the corpus (tests/configs, $ncorpus files) uses every directive"

# SecureBits=: all 64 combinations of the six flags, for a root target and
# for osapi with the management profile's capabilities.
flags=(keep-caps keep-caps-locked no-setuid-fixup no-setuid-fixup-locked noroot noroot-locked)
for who in root osapi; do
	for ((m = 1; m < 64; m++)); do
		bits=
		for ((i = 0; i < 6; i++)); do
			((m & (1 << i))) && bits="$bits ${flags[i]}"
		done
		n=securebits-$who-$m
		if [ $who = root ]; then
			conf "$D/$n.conf" "ExecStart=$P" "SecureBits=${bits# }"
		else
			conf "$D/$n.conf" "ExecStart=$P" "User=osapi" \
				"AmbientCapabilities=CAP_NET_RAW CAP_KILL" \
				"CapabilityBoundingSet=CAP_NET_RAW CAP_KILL" \
				"SecureBits=${bits# }"
		fi
		agree "$n" -c "$D/$n.conf"
	done
done

diag "$agreed configs agree: $both_ran run both ways, $both_refused refused both ways"
# The corpus must exercise both outcomes, or agreement proves nothing.
ok "$([ "$both_ran" -ge 20 ] && [ "$both_refused" -ge 5 ] && echo 0 || echo 1)" \
	"both outcomes are exercised ($both_ran run, $both_refused refused)"
done_testing
