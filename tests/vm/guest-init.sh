#!/usr/lib/osapi-vm/busybox sh
# shellcheck shell=sh
# /init of the test guest built by tests/vm/run-guest.  Runs as PID 1 from
# the initramfs: mounts what AppArmor and the result channel need, loads the
# profiles from contrib/apparmor, runs the guest script and reports a
# verdict through isa-debug-exit.
#
# Channels: /dev/ttyS1 carries only the script's TAP lines plus one summary
# line; kernel messages and stderr go to the console (ttyS0), which the host
# keeps as a log.  A PID 1 that exits panics the kernel, and panic=-1 plus
# qemu -no-reboot turns that into "qemu exited 0": no verdict = failure.

bb=/usr/lib/osapi-vm/busybox
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/usr/lib/osapi-vm/bin
export PATH

# Busybox applets live in their own directory so that the binaries under
# test (copied from the host to /usr/bin etc.) are never shadowed by them.
$bb mkdir -p /usr/lib/osapi-vm/bin
$bb --install -s /usr/lib/osapi-vm/bin

mkdir -p /proc /sys /dev /run /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# devtmpfs: /dev/ttyS1 (results) and /dev/port (verdict) without mknod.
mount -t devtmpfs devtmpfs /dev
# apparmor_parser loads policy through securityfs.
mount -t securityfs securityfs /sys/kernel/security
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp

exec 2>/dev/console

# verdict 0|1: isa-debug-exit makes qemu exit with (BYTE << 1) | 1, so
# 1 for pass and 3 for fail.
verdict() {
	if [ "$1" -eq 0 ]; then
		printf '\000'
	else
		printf '\001'
	fi | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	# Only reached if the device is missing: end without a verdict.
	poweroff -f
}

report() { echo "$*" >/dev/ttyS1; }

failed=0
if [ ! -e /sys/kernel/security/apparmor/profiles ]; then
	report "not ok - guest kernel has no AppArmor (securityfs apparmor missing)"
	failed=1
fi

# Load every profile shipped in contrib/apparmor (listed by the host).  -W:
# a warning here means the profile uses something this kernel cannot
# enforce; it counts as a failure, like a parse error.
while read -r profile; do
	[ -n "$profile" ] || continue
	if ! out=$(apparmor_parser -r -W "/etc/apparmor.d/$profile" 2>&1) || [ -n "$out" ]; then
		report "not ok - apparmor_parser -r -W $profile"
		printf '%s\n' "$out" | sed 's/^/# /' >/dev/ttyS1
		failed=1
	fi
done </etc/osapi-vm/profiles

pass=0
fail=0
if [ "$failed" -eq 0 ]; then
	# The script's stdout is the TAP stream; keep a copy to count it.
	{
		sh /etc/osapi-vm/guest-script </dev/null
		echo $? >/tmp/script-rc
	} | tee /tmp/script-out >/dev/ttyS1
	pass=$(grep -c '^ok ' /tmp/script-out)
	fail=$(grep -c '^not ok ' /tmp/script-out)
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' /tmp/script-out | tail -n 1)
	rc=$(cat /tmp/script-rc)
	if [ "$rc" -ne 0 ]; then
		report "# guest script exited $rc"
		failed=1
	fi
	if [ -z "$plan" ] || [ "$plan" -ne $((pass + fail)) ]; then
		report "# plan '${plan:-none}' does not match $((pass + fail)) results"
		failed=1
	fi
	[ "$fail" -eq 0 ] || failed=1
fi

report "# $pass passed, $fail failed"
sync
verdict "$failed"
