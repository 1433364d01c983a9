#!/bin/sh
# shellcheck shell=sh
# Run by the SELinux guest's busybox init (sysinit, domain init_t): runs the
# guest script and reports a verdict through isa-debug-exit, as
# tests/vm/guest-init.sh does for the AppArmor guest.  TAP goes to ttyS1,
# everything else to the console.
exec 2>/dev/console
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

verdict() {
	if [ "$1" -eq 0 ]; then
		printf '\000'
	else
		printf '\001'
	fi | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	busybox poweroff -f
}
report() { echo "$*" >/dev/ttyS1; }

mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp

failed=0
{
	sh /usr/lib/osapi-vm/guest-script </dev/null
	echo $? >/run/script-rc
} | tee /run/script-out >/dev/ttyS1
pass=$(grep -c '^ok ' /run/script-out)
fail=$(grep -c '^not ok ' /run/script-out)
plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' /run/script-out | tail -n 1)
rc=$(cat /run/script-rc)
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
sync
verdict "$failed"
