#!/bin/sh
# /usr/lib/osapi-vm/runner INIT: started by the guest's init system once it
# has booted (the hook tests/vm/image-setup.sh installs), it runs
# /usr/lib/osapi-vm/init-guest.sh for this boot's phase and reports to the
# host through the second serial port, /dev/ttyS1, read by tests/vm/run-image.
#
# Phase 1 (first boot): the service is installed with the guide's commands
# and put through its lifecycle; on a clean pass the runner asks the init
# system to reboot (qemu -no-reboot then exits) and the host boots the same
# disk again.  Phase 2: the service must be back, confined, and stop
# cleanly; the runner then ends the guest with a verdict (isa-debug-exit).
init=$1
state=/var/lib/osapi-vm
mkdir -p "$state"
phase=$(cat "$state/phase" 2>/dev/null || echo 1)

report() { echo "$*" >/dev/ttyS1; }

# verdict 0|1: isa-debug-exit makes qemu exit with (BYTE << 1) | 1.
verdict() {
	sync
	if [ "$1" -eq 0 ]; then
		printf '\000'
	else
		printf '\001'
	fi | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	echo "runner: no isa-debug-exit device" >&2
	exit 1
}

report "# $init, boot $phase: the runner started $(cut -d' ' -f1 /proc/uptime) s after the kernel"
out=$state/out.$phase
{
	sh /usr/lib/osapi-vm/init-guest.sh "$init" "$phase" </dev/null 2>&1
	echo "$?" >"$state/rc.$phase"
} | tee "$out" >/dev/ttyS1
pass=$(grep -c '^ok ' "$out")
fail=$(grep -c '^not ok ' "$out")
plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$out" | tail -n 1)
failed=0
rc=$(cat "$state/rc.$phase")
if [ "$rc" -ne 0 ]; then
	report "# guest script exited $rc"
	failed=1
fi
if [ -z "$plan" ] || [ "$plan" -ne $((pass + fail)) ]; then
	report "# plan '${plan:-none}' does not match $((pass + fail)) results"
	failed=1
fi
[ "$fail" -eq 0 ] || failed=1
report "# $pass passed, $fail failed"

if [ "$phase" = 1 ] && [ "$failed" -eq 0 ]; then
	echo 2 >"$state/phase"
	sync
	report "# rebooting"
	# Each init system's own way; init-guest.sh defines it.
	sh /usr/lib/osapi-vm/init-guest.sh "$init" reboot >/dev/console 2>&1
	sleep 120
	report "not ok - the reboot did not happen within 120 s"
fi
verdict "$failed"
