#!/bin/bash
# Every row of the guard tables (src/lib/seccomp_guards.c), attempted for real by
# the launched agent through every ABI this kernel runs (x86-64; i386 by
# int 0x80; x32 where the kernel has it): under the restriction the call meets
# the row's errno, and under a control config without it the same attempt
# gets something else, so a pass cannot come from the kernel refusing anyway.
# Files the attempts make are checked from outside: no set-id bit survives.
# The rows come from the tables themselves (test-guards --list): a new row
# without an attempt written in tests/abi-attempts.c fails here.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch

A=$SCRATCH/abi-attempts
install -m 0755 "$BUILD_DIR/tests/abi-attempts" "$A"
D=$SCRATCH/files
mkdir -m 1777 "$D"
R=$SCRATCH/restricted.conf
K=$SCRATCH/control.conf
# No SystemCallFilter=: the filters then cover every ABI (systemd's rule for
# a deny list), which is where a missing per-ABI rule would show.
conf "$R" "ExecStart=$A" "User=osapi" "NoNewPrivileges=yes" "AmbientCapabilities=CAP_SYS_NICE" \
	"RestrictSUIDSGID=yes" "MemoryDenyWriteExecute=yes" \
	"RestrictAddressFamilies=AF_INET AF_INET6" "RestrictNamespaces=yes" \
	"RestrictRealtime=yes" "LockPersonality=yes"
conf "$K" "ExecStart=$A" "User=osapi" "NoNewPrivileges=yes" "AmbientCapabilities=CAP_SYS_NICE"

abis=$("$A" --abis)
like "$abis" "x86-64" "the native ABI answers"
if grep -q "CONFIG_IA32_EMULATION=y" "/boot/config-$(uname -r)" 2>/dev/null ||
	[ -z "$(ls /boot/config-* 2>/dev/null)" ]; then
	like "$abis" "i386" "this kernel runs i386 code (int 0x80): those rows are attempted too"
fi
diag "ABIs attempted: $(echo $abis)"

rows=$("$BUILD_DIR/tests/test-guards" --list)
ok "$([ "$(printf '%s\n' "$rows" | wc -l)" -ge 30 ] && echo 0 || echo 1)" "the guard tables list their rows"

bit() { case $1 in x86-64) echo 1 ;; x32) echo 2 ;; i386) echo 4 ;; esac; }

# attempt CONFIG ABI CALL[:VARIANT]: sets GOT to the RESULT= value.
attempt() {
	run_launch -c "$1" -- "$A" "$2" "$3" "$D"
	GOT=$(field RESULT)
	[ -n "$GOT" ] || GOT="rc=$RC ${ERR//$'\n'/ }"
}

while IFS=$'\t' read -r dir call mask want variant; do
	[ "$dir" = SystemCallFilter ] && continue # exec rows: below
	for abi in $abis; do
		[ $((mask & $(bit "$abi"))) -ne 0 ] || continue
		for v in "" "$variant"; do
			[ "$v" = - ] && continue
			c=$call${v:+:$v}
			attempt "$K" "$abi" "$c"
			control=$GOT
			[ "$control" = absent ] && continue
			attempt "$R" "$abi" "$c"
			is "$GOT" "$want" "$dir=: $c through $abi meets $want"
			isnt_ok=$([ "$control" != "$want" ] && echo 0 || echo 1)
			ok "$isnt_ok" "control without $dir=: $c through $abi gives $control, not $want"
		done
	done
done <<<"$rows"

# From outside: the control made set-id files, the restricted runs none.
rm -rf "${D:?}"/*
for abi in $abis; do
	for c in chmod fchmodat2 mkdir creat open; do
		attempt "$R" "$abi" "$c"
	done
done
is "$(find "$D" -perm /6000 | wc -l)" 0 "restricted: no file or directory with a set-id bit exists after the attempts"
for abi in $abis; do
	attempt "$K" "$abi" fchmodat2
done
ok "$([ "$(find "$D" -perm /4000 -user osapi | wc -l)" -ge 1 ] && echo 0 || echo 1)" \
	"control: fchmodat2 really makes a setuid-osapi file without RestrictSUIDSGID="

# What the operator reads says the same as the attempts above.
run_launch --explain-syscall fchmodat2 -c "$R"
like "$OUTPUT" "fchmodat2: also restricted by its arguments \(every ABI\): RestrictSUIDSGID= at .*: fails with EPERM when the mode has S_ISUID" \
	"--explain-syscall fchmodat2 names RestrictSUIDSGID= (finding: it said only 'allowed')"
run_launch --explain-syscall mmap -c "$R"
like "$OUTPUT" "mmap: also restricted by its arguments \(i386, s390\): MemoryDenyWriteExecute=.*EPERM" \
	"--explain-syscall mmap says i386's old_mmap is refused whole"
run_launch --check -c "$R"
like "$OUTPUT" "mdwe +seccomp on every ABI the filters cover \(i386 old_mmap refused\)" \
	"--check says how MemoryDenyWriteExecute= covers the non-native ABIs"

# A filter that denies both exec calls cannot start anything: --check and
# the launch refuse it alike, as a config error, and nothing runs.
conf "$SCRATCH/noexec.conf" "ExecStart=$A" "User=osapi" "NoNewPrivileges=yes" \
	"SystemCallFilter=~execve execveat"
run_launch --check -c "$SCRATCH/noexec.conf"
is "$RC" 78 "--check refuses SystemCallFilter=~execve execveat (78)"
like "$ERR" "noexec.conf:5: SystemCallFilter= denies both execveat and execve" "and names the line"
run_launch -c "$SCRATCH/noexec.conf" -- "$A" x86-64 chmod "$D"
is "$RC:$OUTPUT" "78:" "the launch refuses it the same way, before running anything (no SIGSYS)"

# The launcher's exec: a denied exec call holds for the agent, and the
# launcher still starts it with the other call.
for call in execveat execve; do
	conf "$SCRATCH/exec.conf" "ExecStart=$A" "User=osapi" "NoNewPrivileges=yes" \
		"SystemCallFilter=~$call"
	for abi in $abis; do
		attempt "$SCRATCH/exec.conf" "$abi" "$call"
		is "$GOT:$RC" "killed:0" "SystemCallFilter=~$call: the agent's $call through $abi is killed, the launch itself worked"
	done
	run_launch --check -c "$SCRATCH/exec.conf"
	other=$([ $call = execve ] && echo execveat || echo execve)
	like "$OUTPUT" "seccomp exec +the launcher execs the agent with $other" \
		"--check says the launcher execs with $other when $call is denied"
done

# Fault-injection build: the two paths a release build on this host does not
# take.  (1) The seccomp half of MemoryDenyWriteExecute= alone, without the
# kernel's PR_SET_MDWE, must still refuse on every ABI.  (2) Calls the
# library does not know are matched by number in raw BPF.
fault=${FAULT_BUILD_DIR:-$SRC_DIR/build-fault}
if [ ! -f "$fault/build.ninja" ]; then
	meson setup "$fault" "$SRC_DIR" -Dfault_injection=true >/dev/null
fi
ninja -C "$fault" >/dev/null
ok $? "the fault-injection build compiles"
for abi in $abis; do
	for c in mmap mmap2 mprotect pkey_mprotect shmat ipc ipc:v2; do
		OUTPUT=$(OSAPI_LAUNCH_NO_KERNEL_MDWE=1 "$fault/osapi-launch" -c "$R" -- "$A" "$abi" "$c" "$D" 2>/dev/null)
		GOT=$(field RESULT)
		[ "$GOT" = absent ] && continue
		is "$GOT" EPERM "seccomp alone (no PR_SET_MDWE): $c through $abi fails with EPERM"
	done
done
forget=fchmodat2,openat2,io_uring_setup,io_uring_enter,io_uring_register,clone3
OUTPUT=$(OSAPI_LAUNCH_FORGET_SYSCALLS=$forget "$fault/osapi-launch" --check -c "$R" 2>&1)
like "$OUTPUT" "filter 1: restrictions" "with those calls unknown to the library the filter still builds"
for abi in $abis; do
	for c in fchmodat2:EPERM openat2:ENOSYS io_uring_setup:ENOSYS io_uring_enter:ENOSYS clone3:ENOSYS; do
		OUTPUT=$(OSAPI_LAUNCH_FORGET_SYSCALLS=$forget "$fault/osapi-launch" -c "$R" -- "$A" "$abi" "${c%%:*}" "$D" 2>/dev/null)
		is "$(field RESULT)" "${c##*:}" "by number, not name: ${c%%:*} through $abi fails with ${c##*:}"
	done
done
is "$(find "$D" -perm /6000 | wc -l)" 0 "by number: still no set-id file"
done_testing
