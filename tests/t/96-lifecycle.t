#!/bin/bash
# Load and lifecycle: 1,000 sequential launches of the shipped config
# (ExecStart=/bin/true) leave nothing behind in the caller: no descriptor,
# no zombie, no mount, no cgroup; and a runit-style tight restart loop, each
# round exec'ing the launcher from a run script whose target exits at once,
# keeps working with exit 0 every time.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
n=${OSAPI_LIFECYCLE_LAUNCHES:-1000}
loops=${OSAPI_LIFECYCLE_RESTARTS:-200}
C=$SCRATCH/launch.conf
shipped_conf "" "$C"
sed -i 's|^ExecStart=.*|ExecStart=/bin/true|' "$C"

fds() { find "/proc/$$/fd" -mindepth 1 | wc -l; }
# Zombies this test could have caused: children of this shell.  Counting
# system-wide made the test fail on unrelated processes being reaped late.
zombies() { cat /proc/[0-9]*/stat 2>/dev/null | awk -v pp=$$ '$3 == "Z" && $4 == pp' | wc -l; }
# Mounts the launches added to this namespace: mount points and sources
# present now but not at the start (a mount another program removed
# meanwhile is not the launcher's doing).
# Container engines' own mounts (another job on a shared machine) are not
# the launcher's.
mounts() { awk '$5 !~ "^/(var/lib|run)/(docker|containers|netns)" {print $5, $9, $10}' /proc/self/mountinfo | sort -u; }
mounts_added() { comm -13 <(printf '%s\n' "$m0") <(mounts) | wc -l; }
cgroups() { find /sys/fs/cgroup -type d 2>/dev/null | grep -Ev '/(docker|libpod|machine\.slice)' | sort; }
cgroups_added() { comm -13 <(printf '%s\n' "$c0") <(cgroups) | wc -l; }

fd0=$(fds) z0=$(zombies) m0=$(mounts) c0=$(cgroups)
fails=0
start=$(date +%s%N)
for _ in $(seq "$n"); do
	"$OSAPI_LAUNCH" -c "$C" 2>/dev/null || fails=$((fails + 1))
done
ms=$((($(date +%s%N) - start) / 1000000))
diag "$n launches in ${ms} ms ($((ms * 1000 / n)) us each)"
is "$fails" 0 "$n sequential launches of the shipped config all exit 0"
is "$(fds)" "$fd0" "no descriptor leaked into the caller"
is "$(zombies)" "$z0" "no zombie process left"
is "$(mounts_added)" 0 "no mount left (no mount point added to the caller's namespace)"
is "$(cgroups_added)" 0 "no cgroup created"

# runit: runsv runs ./run, which execs the launcher, which execs the agent;
# when the agent exits runsv starts ./run again at once.  Each round must
# start from scratch and succeed.
cat >"$SCRATCH/run" <<EOF2
#!/bin/sh
exec 2>&1
exec "$OSAPI_LAUNCH" -c "$C"
EOF2
chmod 0755 "$SCRATCH/run"
fails=0
codes=""
for _ in $(seq "$loops"); do
	"$SCRATCH/run" >/dev/null
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fails=$((fails + 1))
		codes="$codes $rc"
	fi
done
is "$fails" 0 "a tight restart loop: $loops rounds of run -> osapi-launch -> /bin/true all exit 0${codes:+ (codes:$codes)}"
is "$(fds):$(zombies)" "$fd0:$z0" "the restart loop leaves no descriptor or zombie"
if command -v runsv >/dev/null; then
	# The real supervisor, for a few seconds: it restarts the service
	# every time the agent exits; count the rounds in supervise/stat.
	svc=$SCRATCH/svc
	mkdir -m 0755 "$svc"
	cp "$SCRATCH/run" "$svc/run"
	# shellcheck disable=SC2016 # $1 is for the finish script
	printf '#!/bin/sh\necho "$1" >>%s/finish.log\n' "$svc" >"$svc/finish"
	chmod 0755 "$svc/finish"
	runsv "$svc" >/dev/null 2>&1 &
	rs=$!
	sleep 3
	sv -w 5 force-stop "$svc" >/dev/null 2>&1 || true
	kill "$rs" 2>/dev/null
	wait "$rs" 2>/dev/null
	rounds=$(wc -l <"$svc/finish.log" 2>/dev/null || echo 0)
	bad=$(grep -cv '^0$' "$svc/finish.log" 2>/dev/null)
	diag "runsv restarted the service $rounds times in 3 s (runsv waits 1 s between rounds)"
	ok "$([ "$rounds" -ge 2 ] && echo 0 || echo 1)" "runsv: the service was restarted ($rounds rounds)"
	is "$bad" 0 "runsv: every round exited 0 (finish got exit code 0)"
else
	diag "runit is not installed: the runsv round was not run"
fi
is "$(mounts_added):$(cgroups_added)" "0:0" "nothing mounted, no cgroup after the loops"

done_testing
