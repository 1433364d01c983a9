# shellcheck shell=sh
# Guest half of tests/t/93-faults.t's restrict-filesystems case: this
# host's kernel refuses the BPF LSM program, so the plan stops before the
# step; Debian's kernel with "bpf" in lsm= reaches it.  The host puts the
# fault-injection build at /usr/sbin/osapi-launch and the probe at
# /usr/libexec/osapi-probe.
# shellcheck source=tests/vm/guest-tap.sh
. /etc/osapi-vm/tap.sh

mkdir -p /sys/fs/cgroup /etc/osapi-test
mount -t cgroup2 cgroup2 /sys/fs/cgroup
chmod 0755 /etc/osapi-test
c=/etc/osapi-test/fault.conf
printf '%s\n' "[Launch]" "User=osapi" "ExecStart=/usr/libexec/osapi-probe --marker /tmp/ran" \
	"RestrictFileSystems=~proc" >"$c"
chmod 0644 "$c"
# The probe's exit status is not looked at: it reads /proc/self/status
# itself, which ~proc refuses.
/usr/sbin/osapi-launch -c "$c" >/dev/null 2>&1
is "$(test -e /tmp/ran && echo ran)" "ran" "control: the fault build launches the target with RestrictFileSystems="
rm -f /tmp/ran
err=$(OSAPI_LAUNCH_FAULT=restrict-filesystems /usr/sbin/osapi-launch -c "$c" 2>&1 >/dev/null)
is "$?" 245 "fault in restrict-filesystems: exit 245"
like "$err" '^osapi-launch: restrict-filesystems: .*\(EIO\)$' "fault in restrict-filesystems: stderr names the step and EIO"
is "$(test -e /tmp/ran && echo ran)" "" "fault in restrict-filesystems: the target never ran"
echo "1..$n"
