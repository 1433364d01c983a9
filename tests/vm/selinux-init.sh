#!/bin/sh
# shellcheck shell=sh
# /init of the SELinux guest's initramfs (tests/vm/run-selinux-guest), run
# by busybox as PID 1 before any policy exists.  Mounts the labelled image,
# copies the payload into it, loads the image's policy with its own
# `load_policy -i` (which reads /etc/selinux/config and the kernel's
# enforcing=1) and hands over to the image's /usr/sbin/init.  Any failure
# ends without a verdict, which the host counts as a failure.
PATH=/bin
export PATH
/bin/busybox --install -s /bin

fail() {
	echo "selinux-init: $*" >/dev/console
	poweroff -f
	exit 1
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

read -r order </modules/order
for m in $order; do
	insmod "/modules/$m.ko" || fail "insmod $m"
done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
mount -t ext4 /dev/vda /newroot || fail "cannot mount /dev/vda"

# Written before the policy is loaded, so these files carry no label yet:
# stage2 labels them with restorecon, as an operator's install would.
mkdir -p /newroot/usr/lib/osapi-vm
cp -a /payload/. /newroot/usr/lib/osapi-vm/ || fail "cannot copy the payload"

mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
chroot /newroot /usr/sbin/load_policy -i >/dev/console 2>&1 || fail "load_policy -i failed"

# The exec of the init_exec_t file moves PID 1 from kernel_t to init_t.
exec switch_root /newroot /usr/sbin/init
