#!/bin/sh
# image-setup.sh INIT: run by tests/vm/build-image inside the image's tree
# (chroot) once Debian's packages and osapi-launch's are installed.  Only
# what a machine needs to boot from /dev/vda, plus the hook through which
# INIT starts the guest's tests (/usr/lib/osapi-vm/runner, laid over the
# root at every boot by tests/vm/image-init.sh) once it has booted.  Files
# named *.sh next to this script (for s6, the guide's PID 1 set-up) are run
# first, as the operator would run them.  Nothing of the agent's service is
# installed here: the guest does that with the guide's own commands.
set -eu
init=$1
here=$(dirname "$0")

echo "osapi-$init" >/etc/hostname
printf '%s\n' '/dev/vda / ext4 rw,errors=remount-ro 0 1' >/etc/fstab

for f in "$here"/*.sh; do
	[ "$f" = "$0" ] && continue
	[ "$(basename "$f")" = image-setup.sh ] && continue
	(cd /tmp && sh -eu "$f")
done

case $init in
systemd)
	cat >/etc/systemd/system/osapi-vm-runner.service <<'EOF'
[Unit]
Description=osapi-launch guest tests
After=multi-user.target

[Service]
Type=simple
ExecStart=/usr/lib/osapi-vm/runner systemd
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
EOF
	mkdir -p /etc/systemd/system/multi-user.target.wants
	ln -s /etc/systemd/system/osapi-vm-runner.service \
		/etc/systemd/system/multi-user.target.wants/
	# Nothing to log in on, and no periodic jobs: under TCG every unit
	# started costs boot time, and none of these touches the agent.
	for u in getty.target getty-static.service serial-getty@ttyS0.service \
		getty@tty1.service apt-daily.timer apt-daily-upgrade.timer \
		dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service \
		fstrim.timer systemd-tmpfiles-clean.timer; do
		ln -sf /dev/null "/etc/systemd/system/$u"
	done
	;;
openrc)
	cat >/etc/init.d/osapi-vm-runner <<'EOF'
#!/sbin/openrc-run
description="osapi-launch guest tests"
command=/usr/lib/osapi-vm/runner
command_args=openrc
command_background=yes
pidfile=/run/osapi-vm-runner.pid
depend() {
	after *
}
EOF
	chmod 0755 /etc/init.d/osapi-vm-runner
	rc-update add osapi-vm-runner default
	;;
runit)
	mkdir -p /etc/sv/osapi-vm-runner
	printf '%s\n' '#!/bin/sh' 'exec 2>&1' '/usr/lib/osapi-vm/runner runit' \
		'exec sleep infinity' >/etc/sv/osapi-vm-runner/run
	chmod 0755 /etc/sv/osapi-vm-runner/run
	mkdir -p /etc/service
	ln -s /etc/sv/osapi-vm-runner /etc/service/
	;;
s6)
	mkdir -p /etc/s6/service/osapi-vm-runner
	printf '%s\n' '#!/bin/sh' 'exec 2>&1' '/usr/lib/osapi-vm/runner s6' \
		'exec sleep infinity' >/etc/s6/service/osapi-vm-runner/run
	chmod 0755 /etc/s6/service/osapi-vm-runner/run
	;;
sysvinit)
	# After "l2:2:wait:/etc/init.d/rc 2": once the runlevel is up.
	echo 'ov:2345:once:/usr/lib/osapi-vm/runner sysvinit' >>/etc/inittab
	;;
esac
