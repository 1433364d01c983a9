#!/bin/bash
# Seccomp directives, for real: the probe makes the calls, the kernel
# answers.  Each check has a control without the directive, so a pass
# cannot come from something else refusing the call.
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
C=$SCRATCH/c.conf
base=("ExecStart=$P" "User=osapi" "NoNewPrivileges=yes")

# try_it EXPECT DESCRIPTION CONFIG-LINES... -- PROBE-ARGS
try_it() {
	local want=$1 desc=$2 lines=()
	shift 2
	while [ "$1" != "--" ]; do
		lines+=("$1")
		shift
	done
	shift
	conf "$C" "${base[@]}" "${lines[@]}"
	run_launch -c "$C" -- "$P" "$@"
}

# --- the shipped config ---------------------------------------------------
shipped_conf "" "$SCRATCH/shipped.conf"
run_launch -c "$SCRATCH/shipped.conf"
is "$(field Seccomp)" 2 "shipped config: Seccomp: 2 (filter mode)"
is "$(field NoNewPrivs)" 1 "shipped config: no_new_privs"
for call in mount ptrace kexec_load; do
	run_launch -c "$SCRATCH/shipped.conf" -- "$P" --try "$call"
	is "$(field "TRY_$call")" EPERM "shipped config: $call fails with the configured errno (EPERM)"
done
run_launch -c "$SCRATCH/shipped.conf" -- "$P" --try newer-than-table
is "$(field TRY_newer-than-table)" ENOSYS "a syscall newer than the table gets ENOSYS, not EPERM"
conf "$C" "${base[@]}"
run_launch -c "$C" -- "$P" --try newer-than-table
ok "$([ "$(field TRY_newer-than-table)" != ENOSYS ] && echo 0 || echo 1)" \
	"control: this kernel implements that syscall ($(field TRY_newer-than-table) without a filter)"
run_launch -c "$SCRATCH/shipped.conf" -- "$P" --try af-packet --try af-inet --try af-netlink
is "$(field TRY_af-packet)" EAFNOSUPPORT "shipped config: AF_PACKET socket fails with EAFNOSUPPORT"
is "$(field TRY_af-inet):$(field TRY_af-netlink)" ok:ok "shipped config: AF_INET and AF_NETLINK sockets work"
run_launch -c "$SCRATCH/shipped.conf" -- "$P" --try int80-getpid
is "$RC" 159 "shipped config: an i386 int 0x80 call is killed (SIGSYS, 128+31)"
conf "$C" "${base[@]}"
run_launch -c "$C" -- "$P" --try int80-getpid
like "$(field TRY_int80-getpid)" "^ok$" "control: without a filter the i386 ABI answers"

# --- third-party workloads under the shipped config -----------------------
run_launch -c "$SCRATCH/shipped.conf" -- /bin/sh -c \
	'printf "b\na\nc\n" | sort | head -n 2 | tr a-z A-Z | wc -l; ls / >/dev/null && echo ls-ok; date +%s | cut -c1-2'
is "$RC:$(echo $OUTPUT)" "0:2 ls-ok $(date +%s | cut -c1-2)" "/bin/sh -c runs a coreutils pipeline"
if command -v ping >/dev/null; then
	saved=$(cat /proc/sys/net/ipv4/ping_group_range)
	echo "1 0" >/proc/sys/net/ipv4/ping_group_range
	run_launch -c "$SCRATCH/shipped.conf" -- ping -c1 -W2 127.0.0.1
	is "$RC" 0 "iputils ping (raw socket, CAP_NET_RAW) works under the filter"
	echo "0 2147483647" >/proc/sys/net/ipv4/ping_group_range
	run_launch -c "$SCRATCH/shipped.conf" -- ping -c1 -W2 127.0.0.1
	is "$RC" 0 "iputils ping (ICMP datagram socket) works under the filter"
	echo "$saved" >/proc/sys/net/ipv4/ping_group_range
else
	ok 1 "iputils ping missing (apt-get install iputils-ping)"
fi
if command -v nats-server >/dev/null; then
	port=$((20000 + RANDOM % 20000))
	"$OSAPI_LAUNCH" -c "$SCRATCH/shipped.conf" -- "$(command -v nats-server)" -a 127.0.0.1 -p "$port" 2>"$SCRATCH/nats.err" &
	npid=$!
	reply=""
	for _ in $(seq 100); do
		if (: <>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			exec 3<>"/dev/tcp/127.0.0.1/$port"
			read -r -t 5 info <&3
			printf 'CONNECT {"verbose":false}\r\nPING\r\n' >&3
			read -r -t 5 reply <&3
			exec 3<&-
			break
		fi
		sleep 0.1
	done
	like "$info" '^INFO ' "nats-server (Go) serves a client on loopback under the filter"
	like "$reply" '^PONG' "nats-server answers PING with PONG"
	is "$(awk '/^Seccomp:/{print $2}' /proc/$npid/status)" 2 "nats-server runs with the filter"
	is "$(awk '/^Uid:/{print $2}' /proc/$npid/status)" "$(id -u osapi)" "nats-server runs as osapi"
	kill "$npid" 2>/dev/null
	wait "$npid" 2>/dev/null
	if grep -q . "$SCRATCH/nats.err" && grep -qiE 'bad system call|panic|fatal' "$SCRATCH/nats.err"; then
		ok 1 "nats-server stderr is clean"
		sed 's/^/#   /' "$SCRATCH/nats.err" | head -20
	fi
else
	ok 1 "nats-server missing (apt-get install nats-server)"
fi

# --- SystemCallFilter= semantics ------------------------------------------
try_it x "" "SystemCallFilter=@system-service" "SystemCallErrorNumber=EACCES" -- --try mount
is "$(field TRY_mount)" EACCES "SystemCallErrorNumber= sets the errno of denied calls"
try_it x "" "SystemCallFilter=@system-service" -- --try mount
is "$RC" 159 "without SystemCallErrorNumber= a denied call kills with SIGSYS"
try_it x "" "SystemCallFilter=@system-service" "SystemCallErrorNumber=kill" -- --try mount
is "$RC" 159 "SystemCallErrorNumber=kill kills"
try_it x "" "SystemCallFilter=~mount:EIO ptrace" "SystemCallErrorNumber=EACCES" -- --try mount --try ptrace --try chown-root-file
is "$(field TRY_mount):$(field TRY_ptrace)" EIO:EACCES "a ~ deny list: per-entry errno wins over SystemCallErrorNumber="
is "$(field TRY_chown-root-file)" EPERM "a ~ deny list lets unlisted calls through (chown gets the kernel's own EPERM)"
try_it x "" "SystemCallFilter=@system-service mount" "SystemCallFilter=~mount" "SystemCallErrorNumber=EACCES" -- --try mount
is "$(field TRY_mount)" EACCES "a ~ line after an allow list removes from it"
try_it x "" "SystemCallFilter=~@mount" "SystemCallFilter=mount" "SystemCallErrorNumber=EACCES" -- --try mount
ok "$([ "$(field TRY_mount)" != EACCES ] && echo 0 || echo 1)" "an allow line after a ~ deny list removes from the deny list"
try_it x "" "SystemCallFilter=@system-service" "SystemCallFilter=" "SystemCallErrorNumber=EACCES" -- --try mount
is "$(field Seccomp)" 0 "an empty SystemCallFilter= resets it (no filter)"
try_it x "" "SystemCallFilter=@system-service" "NoNewPrivileges=no" "SystemCallErrorNumber=EPERM" --
is "$(field NoNewPrivs)" 1 "SystemCallFilter= implies NoNewPrivileges= for a user without CAP_SYS_ADMIN"
try_it x "" "SystemCallFilter=@system-service" "SystemCallArchitectures=native x86" "SystemCallErrorNumber=EPERM" -- --try int80-getpid
like "$(field TRY_int80-getpid)" "^(ok|EPERM)$" "SystemCallArchitectures=native x86 lets the i386 ABI through the arch check"
try_it x "" "SystemCallArchitectures=native" -- --try int80-getpid
is "$RC" 159 "SystemCallArchitectures=native alone kills i386 calls"

# --- the restrictions -----------------------------------------------------
try_it x "" "RestrictAddressFamilies=AF_UNIX" -- --try af-inet --try af-netlink
is "$(field TRY_af-inet):$(field TRY_af-netlink)" EAFNOSUPPORT:EAFNOSUPPORT "RestrictAddressFamilies=AF_UNIX refuses AF_INET and AF_NETLINK"
try_it x "" "RestrictAddressFamilies=~AF_NETLINK" -- --try af-inet --try af-netlink
is "$(field TRY_af-inet):$(field TRY_af-netlink)" ok:EAFNOSUPPORT "RestrictAddressFamilies=~AF_NETLINK refuses only netlink"
try_it x "" "RestrictAddressFamilies=none" -- --try af-inet
is "$(field TRY_af-inet)" EAFNOSUPPORT "RestrictAddressFamilies=none refuses every family"

try_it x "" -- --try unshare-user
is "$(field TRY_unshare-user)" ok "control: the user may create a user namespace"
try_it x "" "RestrictNamespaces=yes" -- --try unshare-user
is "$(field TRY_unshare-user)" EPERM "RestrictNamespaces=yes refuses it"
try_it x "" "RestrictNamespaces=user" -- --try unshare-user
is "$(field TRY_unshare-user)" ok "RestrictNamespaces=user allows just that type"
try_it x "" "RestrictNamespaces=~user" -- --try unshare-user
is "$(field TRY_unshare-user)" EPERM "RestrictNamespaces=~user refuses just that type"

try_it x "" -- --try personality-linux32
is "$(field TRY_personality-linux32)" ok "control: personality(PER_LINUX32) works"
try_it x "" "LockPersonality=yes" -- --try personality-linux32
is "$(field TRY_personality-linux32)" EPERM "LockPersonality=yes refuses it"

try_it x "" -- --try chmod-suid
is "$(field TRY_chmod-suid)" ok "control: the user may set the setuid bit on its own file"
try_it x "" "RestrictSUIDSGID=yes" -- --try chmod-suid
is "$(field TRY_chmod-suid)" EPERM "RestrictSUIDSGID=yes refuses it"

try_it x "" -- --try mmap-wx
is "$(field TRY_mmap-wx)" ok "control: a writable+executable mapping works"
try_it x "" "MemoryDenyWriteExecute=yes" -- --try mmap-wx
is "$(field TRY_mmap-wx)" EPERM "MemoryDenyWriteExecute=yes refuses it"

# RestrictRealtime: only root may ask for SCHED_FIFO here, so the target
# runs as root with the filter, against a root control.
conf "$C" "ExecStart=$P"
run_launch -c "$C" -- "$P" --try sched-fifo
is "$(field TRY_sched-fifo)" ok "control: root may switch to SCHED_FIFO"
conf "$C" "ExecStart=$P" "RestrictRealtime=yes"
run_launch -c "$C" -- "$P" --try sched-fifo
is "$(field TRY_sched-fifo)" EPERM "RestrictRealtime=yes refuses it, even to root"

try_it x "" -- --try mount
control=$(field TRY_mount)
try_it x "" "SystemCallLog=mount" -- --try mount
is "$(field Seccomp_filters)" 2 "SystemCallLog= loads a logging filter (and the TIOCSTI rule)"
is "$(field TRY_mount)" "$control" "SystemCallLog= only logs: mount reaches the kernel as without it ($control)"

# TIOCSTI: not a systemd directive; any filter refuses terminal injection.
try_it x "" -- --try tiocsti
control=$(field TRY_tiocsti)
ok "$([ "$control" != EPERM ] && echo 0 || echo 1)" "control: without a filter TIOCSTI reaches the tty layer ($control)"
try_it x "" "LockPersonality=yes" -- --try tiocsti
is "$(field TRY_tiocsti)" EPERM "with any seccomp directive, ioctl(TIOCSTI) is refused"

# --- parse errors ---------------------------------------------------------
bad() {
	conf "$C" "${base[@]}" "$1"
	run_launch -c "$C"
	is "$RC" 78 "$2: exit 78"
	like "$ERR" "c\.conf:5: .*$3" "$2: message names file:line"
}
bad "SystemCallFilter=@system-service not_a_syscall" "unknown syscall" "SystemCallFilter=: unknown system call \"not_a_syscall\""
bad "SystemCallFilter=@nope" "unknown group" "SystemCallFilter=: unknown system call group \"@nope\""
bad "SystemCallFilter=mount:EPERM" "errno in an allow list" "only allowed in a \"~\" deny list"
bad "SystemCallFilter=~mount:EWHAT" "unknown errno" "\"EWHAT\" is not an errno name"
bad "SystemCallErrorNumber=EWHAT" "bad SystemCallErrorNumber=" "SystemCallErrorNumber=: \"EWHAT\""
bad "SystemCallArchitectures=vax" "unknown architecture" "unknown architecture \"vax\""
bad "RestrictAddressFamilies=AF_NOPE" "unknown address family" "unknown address family \"AF_NOPE\""
bad "RestrictNamespaces=ipc bogus" "unknown namespace type" "unknown namespace type \"bogus\""
bad "MemoryDenyWriteExecute=perhaps" "bad boolean" "not a boolean"

# --- what --check and --print-filter show ---------------------------------
run_launch --check -c "$SCRATCH/shipped.conf"
like "$OUTPUT" "seccomp arch    x86-64: allow list, default EPERM" "--check prints the mode and default per architecture"
like "$OUTPUT" " read " "--check lists the resolved syscalls"
ok "$(printf '%s\n' "$OUTPUT" | grep '^seccomp arch' -A1 | grep -cw mount)" "--check's list has no mount"
run_launch --print-filter -c "$SCRATCH/shipped.conf"
is "$RC" 0 "--print-filter exits 0"
like "$OUTPUT" "# filter for arch x86_64" "--print-filter prints libseccomp's PFC"
like "$OUTPUT" "action ERRNO\(38\)" "the PFC shows the ENOSYS rules"
# --- which rule fired: --explain-syscall ----------------------------------
ex() { "$OSAPI_LAUNCH" -c "$SCRATCH/shipped.conf" --explain-syscall "$1"; }
fl() { grep -n "^$1" "$SCRATCH/shipped.conf" | head -n1 | cut -d: -f1; }
like "$(ex read)" "^read: allowed by SystemCallFilter=@system-service at .*shipped\.conf:$(fl 'SystemCallFilter=@system-service')$" \
	"--explain-syscall read names the line and group that allow it"
like "$(ex mount)" "^mount: fails with EPERM: not in the allow list; the errno is SystemCallErrorNumber= at .*:$(fl SystemCallErrorNumber=)" \
	"--explain-syscall mount says it is refused with which errno, set where"
like "$(ex capset)" "allowed by SystemCallFilter=capset at .*:$(fl 'SystemCallFilter=capset')" \
	"--explain-syscall capset names the line that adds it back"
like "$(ex socket)" "also restricted by its arguments .*: RestrictAddressFamilies= at .*:$(fl RestrictAddressFamilies=)" \
	"--explain-syscall socket points at RestrictAddressFamilies="
conf "$C" "SystemCallFilter=~mount:EIO @debug" "SystemCallFilter=ptrace"
like "$("$OSAPI_LAUNCH" -c "$C" --explain-syscall mount)" "^mount: fails with EIO: denied by SystemCallFilter=~mount at .*c\.conf:2$" \
	"deny list: the per-entry errno and its line"
like "$("$OSAPI_LAUNCH" -c "$C" --explain-syscall ptrace)" "allowed: not in the deny list \(removed by SystemCallFilter=ptrace at .*c\.conf:3\)" \
	"deny list: a later allow line that removed it"
"$OSAPI_LAUNCH" -c "$C" --explain-syscall not_a_call >/dev/null
is $? 78 "--explain-syscall of an unknown call exits 78"

done_testing
