# shellcheck shell=sh
# Guest half of tests/t/61-guest-kernel.t: what this host's kernel cannot
# show, on Debian 12's own (6.1): cgroup v2 (the host is v1 hybrid) and a
# Landlock ABI below 4 (the host has 7).  Run by tests/vm/run-guest's /init
# as root; prints TAP on stdout.
#
# The host puts the launcher at /usr/sbin/osapi-launch and the probe at
# /usr/libexec/osapi-probe.  Targets are `sh -c SCRIPT` with busybox.
# shellcheck source=tests/vm/guest-tap.sh
. /etc/osapi-vm/tap.sh

launcher=/usr/sbin/osapi-launch
sh=/usr/bin/sh
dir=/etc/osapi-test
mkdir -p "$dir" /var/lib/osapi
chmod 0755 "$dir"

# conf NAME LINE...: a root-owned config for the osapi user.
conf() {
	f=$dir/$1.conf
	shift
	{
		echo "[Launch]"
		echo "User=osapi"
		echo "NoNewPrivileges=yes"
		for l in "$@"; do echo "$l"; done
	} >"$f"
	chmod 0644 "$f"
	echo "$f"
}

echo "# kernel $(uname -r); LSMs $(cat /sys/kernel/security/lsm)"

# --- cgroup v2 ------------------------------------------------------------------
mkdir -p /sys/fs/cgroup
mount -t cgroup2 cgroup2 /sys/fs/cgroup
ok $? "cgroup2 mounted on /sys/fs/cgroup (the unified hierarchy)"

# shellcheck disable=SC2016 # expanded by the launched shell
c=$(conf limits "ExecStart=$sh -c 'read -r l </proc/self/cgroup; echo CG=\$l'" \
	MemoryMax=64M MemoryHigh=48M TasksMax=8 CPUQuota=50%)
check=$("$launcher" --check -c "$c" 2>&1)
like "$check" 'cgroup +v2 /sys/fs/cgroup/osapi-launch/limits' "--check plans cgroup v2 /osapi-launch/limits"
out=$("$launcher" -c "$c" 2>&1)
rc=$?
is "$rc:$(value CG "$out")" "0:0::/osapi-launch/limits" "the agent is born in 0::/osapi-launch/limits"
g=/sys/fs/cgroup/osapi-launch/limits
is "$(cat $g/memory.max)" 67108864 "MemoryMax=64M: memory.max reads 67108864"
is "$(cat $g/memory.high)" 50331648 "MemoryHigh=48M: memory.high reads 50331648 (v2 has it)"
is "$(cat $g/pids.max)" 8 "TasksMax=8: pids.max reads 8"
is "$(cat $g/cpu.max)" "50000 100000" "CPUQuota=50%: cpu.max reads 50000 100000"

# Enforced, not just written: past TasksMax= fork fails, and the kernel
# counts it in pids.events; past MemoryMax= the kernel kills the agent.
c=$(conf tasks "ExecStart=$sh -c 'i=0; while [ \$i -lt 8 ]; do sleep 1 & i=\$((i+1)); done; wait'" \
	TasksMax=4)
out=$("$launcher" -c "$c" 2>&1)
like "$out" "can't fork" "TasksMax=4: the agent's fifth process cannot be forked"
like "$(cat /sys/fs/cgroup/osapi-launch/tasks/pids.events)" '^max [1-9]' "... and pids.events counts it"
c=$(conf memory "ExecStart=$sh -c 'dd if=/dev/zero of=/dev/null bs=96M count=1 2>/dev/null && echo survived'" \
	MemoryMax=32M)
out=$("$launcher" -c "$c" 2>&1)
rc=$?
ok "$([ "$rc" -ne 0 ] && ! printf '%s' "$out" | grep -q survived && echo 0 || echo 1)" \
	"MemoryMax=32M: the agent's 96M buffer is killed (exit $rc)"
like "$(cat /sys/fs/cgroup/osapi-launch/memory/memory.events)" 'oom_kill [1-9]' "... memory.events counts the OOM kill"
c=$(conf memory-ok "ExecStart=$sh -c 'dd if=/dev/zero of=/dev/null bs=8M count=1 2>/dev/null && echo survived'" \
	MemoryMax=32M)
out=$("$launcher" -c "$c" 2>&1)
is "$?:$out" "0:survived" "control: an 8M buffer under the same limit survives"

# --- Landlock ABI below 4 -------------------------------------------------------
abi=$("$launcher" --check -c "$c" 2>&1 | sed -n 's/.*Landlock *ABI \([0-9]*\) available.*/\1/p')
echo "# Landlock ABI $abi"
ok "$([ -n "$abi" ] && [ "$abi" -lt 4 ] && echo 0 || echo 1)" "this kernel's Landlock ABI ($abi) has no network rules"
rm -f /tmp/osapi-marker
c=$(conf ports "ExecStart=$sh -c 'echo x >/tmp/osapi-marker'" RestrictNetworkPorts=bind:8080)
out=$("$launcher" -c "$c" 2>&1)
rc=$?
is "$rc" 226 "RestrictNetworkPorts= on ABI $abi fails closed with 226"
like "$out" "needs Landlock ABI 4 .*offers ABI $abi" "... saying which ABI it needs"
[ ! -e /tmp/osapi-marker ]
ok $? "... and the target never ran"
c=$(conf ports-optional "ExecStart=$sh -c 'echo ran'" RestrictNetworkPorts=-bind:8080)
out=$("$launcher" -c "$c" 2>&1)
is "$?" 0 "RestrictNetworkPorts=-bind:8080 on ABI $abi runs"
like "$("$launcher" --check -c "$c" 2>&1)" "RestrictNetworkPorts= skipped: Landlock ABI $abi < 4" "... and --check says it is skipped"

# The file system policy through Landlock on this ABI: denied outside the
# writable paths, allowed inside, with a control run without it.
chown osapi /var/lib/osapi
# shellcheck disable=SC2016 # expanded by the launched shell
w='for f in /tmp/osapi-ll /var/lib/osapi/ll; do if echo x >$f; then echo W=$f:ok; else echo W=$f:denied; fi; done'
c=$(conf ll-none "ExecStart=$sh -c '$w'")
out=$("$launcher" -c "$c" 2>/dev/null)
like "$out" 'W=/tmp/osapi-ll:ok' "control: without the sandbox osapi writes /tmp"
c=$(conf ll "ExecStart=$sh -c '$w'" SandboxBackend=landlock ProtectSystem=strict ReadWritePaths=/var/lib/osapi)
out=$("$launcher" -c "$c" 2>/dev/null)
like "$out" 'W=/tmp/osapi-ll:denied' "ProtectSystem=strict through Landlock ABI $abi: /tmp is not writable"
like "$out" 'W=/var/lib/osapi/ll:ok' "... ReadWritePaths=/var/lib/osapi is"

echo "1..$n"
