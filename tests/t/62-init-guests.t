#!/bin/bash
# The agent's service under each init system booted as PID 1: systemd (both
# units in contrib/systemd), OpenRC (openrc-init), runit (runit-init), s6
# (s6-svscan as PID 1: Debian 12 has no s6-linux-init) and sysvinit, each in
# its own QEMU TCG guest running Debian 12's own kernel.
#
# Each guest is a disk image (tests/vm/build-image: mmdebstrap, then
# mke2fs -d) of Debian's packages for that init system with the project's
# own .deb (tests/vm/build-deb) installed, cached by content hash under
# $BUILD_DIR/guests.  In the guest, tests/vm/init-guest.sh installs the
# service with the guide's own commands (the "<!-- guest: NAME -->" blocks
# of docs/agent-hardening.md, copied out here), checks the agent from
# outside, puts it through restart, kill, stop and a broken config, then
# reboots through the init system; the second boot of the same disk checks
# that the agent came back confined and stops cleanly.
#
# The agent is a static stand-in (tests/vm/agent-stand-in.c, installed as
# /usr/bin/osapi): the real OSAPI agent cannot be built here (its Go module
# is refused by the module proxy).
#
# OSAPI_INIT_GUESTS="systemd s6" runs a subset.  First run: about a minute
# per image (downloads, mmdebstrap) plus the .deb; cached runs boot only.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_root
need_cmd qemu-system-x86_64 "apt-get install qemu-system-x86"
need_cmd mmdebstrap "apt-get install mmdebstrap"
need_cmd mke2fs "apt-get install e2fsprogs"
need_cmd dpkg-buildpackage "apt-get install dpkg-dev debhelper"
need_cmd gcc "apt-get install gcc"
need_cmd apt-get "Debian's apt: the kernel and the guests' packages come from the archive"

vm=$SRC_DIR/tests/vm
guide=$SRC_DIR/docs/agent-hardening.md
gdir=${OSAPI_GUEST_DIR:-$BUILD_DIR/guests}
export OSAPI_GUEST_DIR=$gdir
# Each boot's console log stays in logs/ (the last run's) for whoever
# debugs a failure.
mkdir -p "$gdir/logs"
guests=${OSAPI_INIT_GUESTS:-systemd openrc runit s6 sysvinit}

work=$(mktemp -d "$gdir/.run.XXXXXX")
trap 'rm -rf "$work"' EXIT
now() { date +%s; }
t_all=$(now)

# --- what every guest gets ---------------------------------------------------

t=$(now)
deb=$("$vm/build-deb")
ok $? "the project's .deb: $(basename "${deb:-none}") ($(($(now) - t)) s)"
[ -f "$deb" ] || {
	done_testing
}

# The stand-in agent, static: ExecPaths=/usr/bin/osapi allows no loader.
standin=$gdir/stand-in-$(sha256sum "$vm/agent-stand-in.c" | cut -c1-16)
if [ ! -x "$standin" ]; then
	gcc -Wall -Wextra -Werror -O2 -static -o "$standin.tmp" "$vm/agent-stand-in.c" &&
		mv "$standin.tmp" "$standin"
fi
ok "$([ -x "$standin" ] && echo 0 || echo 1)" "the stand-in agent is built static"

# The guide's blocks, each ending with the line before its closing fence.
mkdir -p "$work/guide"
awk -v dir="$work/guide" '
	/^<!-- guest: [a-z0-9-]+ -->$/ { name = $3; next }
	name != "" && /^```sh$/ { out = dir "/" name ".sh"; printf "" > out; next }
	out != "" && /^```$/ { close(out); out = ""; name = ""; next }
	out != "" { print > out; next }
	/[^ \t]/ { name = "" }
' "$guide"
for b in user systemd systemd-launch openrc runit s6-boot s6 sysvinit; do
	ok "$([ -s "$work/guide/$b.sh" ] && echo 0 || echo 1)" "the guide has the block <!-- guest: $b -->"
done

# payload INIT DIR: the tree laid over the guest's root at every boot.
payload() {
	local p=$2
	mkdir -p "$p/usr/lib/osapi-vm/guide" "$p/usr/bin" "$p/root/osapi-launch/contrib"
	install -m 0755 "$vm/init-runner.sh" "$p/usr/lib/osapi-vm/runner"
	install -m 0644 "$vm/init-guest.sh" "$p/usr/lib/osapi-vm/init-guest.sh"
	install -m 0644 "$vm/guest-tap.sh" "$p/usr/lib/osapi-vm/tap.sh"
	install -m 0644 "$work"/guide/*.sh "$p/usr/lib/osapi-vm/guide/"
	install -m 0755 "$standin" "$p/usr/bin/osapi"
	# systemd's commands run from a source checkout: its contrib/systemd.
	cp -r "$SRC_DIR/contrib/systemd" "$p/root/osapi-launch/contrib/"
	chown -R 0:0 "$p"
	chmod -R go-w "$p"
}

# What the s6 guest cannot boot: the guide lists both as not in Debian 12.
for p in s6-linux-init s6-rc; do
	if apt-cache policy "$p" 2>/dev/null | grep -Eq 'Candidate: [0-9]'; then
		diag "$p is in this machine's archive now: the s6 guest still runs s6-svscan as PID 1"
	else
		diag "$p is not in this machine's archive (Debian 12): the s6 guest runs s6-svscan as PID 1, as docs/agent-hardening.md says"
	fi
done

# --- one guest per init system -----------------------------------------------

for init in $guests; do
	case $init in
	systemd) pid1=/sbin/init ;;
	openrc) pid1=/sbin/openrc-init ;;
	runit) pid1=/sbin/init ;; # runit-init's /sbin/init
	s6) pid1=/sbin/s6-init ;;
	sysvinit) pid1=/sbin/init ;;
	*)
		ok 1 "unknown init system $init in OSAPI_INIT_GUESTS"
		continue
		;;
	esac
	setup=()
	[ "$init" = s6 ] && setup=("$work/guide/s6-boot.sh")

	t=$(now)
	img=$("$vm/build-image" "$init" "$deb" "${setup[@]}")
	ok $? "$init: disk image $(basename "${img:-none}") ($(($(now) - t)) s)"
	[ -f "$img" ] || continue
	payload "$init" "$work/payload-$init"
	cp --sparse=always "$img" "$work/$init.img"

	t=$(now)
	OSAPI_VM_CONSOLE=$gdir/logs/$init.1.console \
		"$vm/run-image" --expect reboot --init "$pid1" "$work/$init.img" "$work/payload-$init" \
		>"$work/$init.1" 2>"$work/$init.1.err"
	rc=$?
	relay_tap "$init, boot 1: " <"$work/$init.1"
	ok $rc "$init: first boot ($pid1 as PID 1) passed and rebooted through the init system ($(($(now) - t)) s)"
	[ $rc -eq 0 ] || sed 's/^/#   /' "$work/$init.1.err"
	if [ $rc -ne 0 ]; then
		rm -f "$work/$init.img"
		continue
	fi

	t=$(now)
	OSAPI_VM_CONSOLE=$gdir/logs/$init.2.console \
		"$vm/run-image" --expect verdict --init "$pid1" "$work/$init.img" "$work/payload-$init" \
		>"$work/$init.2" 2>"$work/$init.2.err"
	rc=$?
	relay_tap "$init, boot 2: " <"$work/$init.2"
	ok $rc "$init: second boot of the same disk passed ($(($(now) - t)) s)"
	[ $rc -eq 0 ] || sed 's/^/#   /' "$work/$init.2.err"
	rm -f "$work/$init.img"
done

diag "all guests: $(($(now) - t_all)) s"
done_testing
