#!/bin/busybox sh
# shellcheck shell=sh
# /init of the boot initramfs built by tests/vm/run-image: what Debian's
# initramfs-tools does for a plain ext4 root on a virtio disk, and no more.
# Loads the virtio and ext4 modules (Debian builds them as modules), mounts
# /dev/vda read-write, lays the test payload over it, moves /dev, /proc and
# /sys into it and hands over to the init= of the kernel command line, which
# then runs as PID 1 exactly as on an installed system.
#
# Anything wrong here powers the guest off without a verdict, which the host
# counts as a failure.

/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin /proc /sys /dev /newroot
/bin/busybox --install -s
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

fail() {
	echo "image-init: $*"
	poweroff -f
}

while read -r m; do
	insmod "/modules/$m.ko" || fail "insmod $m failed"
done </modules/order

i=0
while [ ! -b /dev/vda ]; do
	i=$((i + 1))
	[ "$i" -le 50 ] || fail "no /dev/vda after 5 s"
	sleep 0.1
done
mount -t ext4 -o rw /dev/vda /newroot || fail "cannot mount /dev/vda"

# The payload is a tree laid over the root: test scripts, the stand-in agent,
# the guide's commands.  Copied at every boot, so a second boot of the same
# image runs the same scripts.
cp -a /payload/. /newroot/ || fail "cannot copy the payload"
sync

# A guest booted with a network card (tests/vm/boot-target: QEMU's
# user-mode network) gets the addresses QEMU's DHCP server would hand out:
# the images hold no network configuration and no DHCP client.
if [ -e /sys/class/net/eth0 ]; then
	if ! { ip link set lo up && ip link set eth0 up &&
		ip addr add 10.0.2.15/24 dev eth0 &&
		ip route add default via 10.0.2.2; }; then
		fail "cannot configure eth0"
	fi
fi

init=/sbin/init
read -r cmdline </proc/cmdline
# shellcheck disable=SC2086 # the command line, split into its words
for arg in $cmdline; do
	case $arg in
	init=*) init=${arg#init=} ;;
	esac
done
[ -x "/newroot$init" ] || [ -L "/newroot$init" ] || fail "no $init in the image"

mount --move /dev /newroot/dev
mount --move /sys /newroot/sys
mount --move /proc /newroot/proc
exec switch_root /newroot "$init"
