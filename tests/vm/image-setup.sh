#!/bin/sh
# image-setup.sh INIT: run by tests/vm/build-image inside the image's tree
# (chroot) once Debian's packages and osapi-launch's are installed.  Only
# what a machine needs to boot from /dev/vda, plus the hook through which
# INIT starts the guest's tests (/usr/lib/osapi-vm/runner, laid over the
# root at every boot by tests/vm/image-init.sh) once it has booted.  Files
# named *.sh next to this script (for s6, the guide's PID 1 set-up) are run
# first, as the operator would run them.  Nothing of the agent's service is
# installed here: the guest does that with the guide's own commands.
#
# With "target" (build-image --target): no test hook; instead INIT starts
# sshd, and rsyslogd where it is installed (the launcher's applied-policy
# record goes to syslog), each as that init system's own service.
set -eu
init=$1
mode=${2:-tests}
here=$(dirname "$0")

echo "osapi-$init" >/etc/hostname
printf '%s\n' '/dev/vda / ext4 rw,errors=remount-ro 0 1' >/etc/fstab

for f in "$here"/*.sh; do
	[ "$f" = "$0" ] && continue
	[ "$(basename "$f")" = image-setup.sh ] && continue
	(cd /tmp && sh -eu "$f")
done

# quiet_systemd: nothing to log in on, and no periodic jobs: under TCG
# every unit started costs boot time, and none of these touches the agent.
quiet_systemd() {
	for u in getty.target getty-static.service serial-getty@ttyS0.service \
		getty@tty1.service apt-daily.timer apt-daily-upgrade.timer \
		dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service \
		fstrim.timer systemd-tmpfiles-clean.timer; do
		ln -sf /dev/null "/etc/systemd/system/$u"
	done
}

# target_services: sshd, and rsyslogd where it is installed, the way each
# init system runs its services.
target_services() {
	daemons="ssh:/usr/sbin/sshd -D -e"
	if [ -x /usr/sbin/rsyslogd ]; then
		daemons="$daemons
rsyslog:/usr/sbin/rsyslogd -n -iNONE"
	fi
	case $init in
	systemd)
		# Debian's own units, enabled by the packages; journald keeps
		# the records.
		quiet_systemd
		;;
	openrc)
		# Native OpenRC services rather than Debian's LSB scripts run
		# through OpenRC's compatibility.  The host name too (the
		# applied-policy record names its host): Debian's comes with
		# initscripts, which this image leaves out (see build-image).
		rm -f /etc/runlevels/*/ssh /etc/runlevels/*/rsyslog
		printf '%s\n' '#!/sbin/openrc-run' 'start() { hostname -F /etc/hostname; }' \
			>/etc/init.d/osapi-vm-hostname
		chmod 0755 /etc/init.d/osapi-vm-hostname
		rc-update add osapi-vm-hostname sysinit
		printf '%s\n' "$daemons" | while IFS=: read -r name cmd; do
			{
				echo '#!/sbin/openrc-run'
				echo "command=${cmd%% *}"
				echo "command_args=\"${cmd#* }\""
				echo 'supervisor=supervise-daemon'
				echo "pidfile=/run/osapi-vm-$name.pid"
				echo 'start_pre() { mkdir -p /run/sshd; }'
			} >"/etc/init.d/osapi-vm-$name"
			chmod 0755 "/etc/init.d/osapi-vm-$name"
			rc-update add "osapi-vm-$name" default
		done
		;;
	runit)
		# A service directory named like the LSB script keeps runit's
		# sysv emulation (run_sysv_scripts) from starting it a second
		# time.  The host name is set by runit's stage 1, which runs
		# /etc/rcS.d (no initscripts here for its hostname.sh).
		printf '%s\n' '#!/bin/sh' 'hostname -F /etc/hostname' >/etc/init.d/osapi-vm-hostname
		chmod 0755 /etc/init.d/osapi-vm-hostname
		mkdir -p /etc/rcS.d
		ln -sf ../init.d/osapi-vm-hostname /etc/rcS.d/S01osapi-vm-hostname
		mkdir -p /etc/service
		printf '%s\n' "$daemons" | while IFS=: read -r name cmd; do
			mkdir -p "/etc/sv/$name"
			printf '%s\n' '#!/bin/sh' 'exec 2>&1' 'mkdir -p /run/sshd' "exec $cmd" >"/etc/sv/$name/run"
			chmod 0755 "/etc/sv/$name/run"
			ln -sf "/etc/sv/$name" /etc/service/
		done
		;;
	sysvinit)
		# Debian's LSB scripts (rsyslog's from orphan-sysvinit-scripts).
		;;
	*)
		echo "image-setup.sh: no Ansible target for $init" >&2
		exit 1
		;;
	esac
}

if [ "$mode" = target ]; then
	target_services
	exit 0
fi

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
	quiet_systemd
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
