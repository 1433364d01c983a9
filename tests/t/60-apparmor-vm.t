#!/bin/bash
# AppArmorProfile= for real: this host's kernel has no AppArmor, so boot
# Debian 12's own kernel under QEMU (tests/vm/run-guest), load the profiles
# from contrib/apparmor there and run tests/vm/apparmor-guest.sh, relaying
# its TAP lines as ours.  Skips only when qemu cannot run at all.
#
# OSAPI_VM_LAUNCHER=auto|real|stand-in picks the launcher in the guest: auto
# uses $OSAPI_LAUNCH when it is built with AppArmorProfile= support, else the
# guest's stand-in (setpriv + attr/exec) so the VM side is proven anyway.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_root
need_cmd apt-get "Debian's apt: the kernel comes from the archive"

mode=${OSAPI_VM_LAUNCHER:-auto}
bins=(/usr/bin/setpriv /usr/bin/id /usr/bin/whoami /usr/bin/cat=/usr/bin/osapi)

# The launcher and probe go to fixed guest paths the guest script knows.
use_launcher=no
case $mode in
real) use_launcher=yes ;;
stand-in) ;;
auto)
	if [ -x "$OSAPI_LAUNCH" ] && grep -q AppArmorProfile "$OSAPI_LAUNCH"; then
		use_launcher=yes
	fi
	;;
*) skip_all "OSAPI_VM_LAUNCHER=$mode: want auto, real or stand-in" ;;
esac
if [ "$use_launcher" = yes ]; then
	[ -x "$OSAPI_LAUNCH" ] || skip_all "OSAPI_VM_LAUNCHER=real but no $OSAPI_LAUNCH (build first)"
	bins+=("$OSAPI_LAUNCH=/usr/sbin/osapi-launch")
	# Not /usr/bin/osapi: that path attaches to osapi-agent by itself and
	# would hide a launcher that never set the exec label.
	if [ -x "$PROBE" ]; then
		bins+=("$PROBE=/usr/libexec/osapi-probe")
	fi
fi

relay_guest "$SRC_DIR/tests/vm/apparmor-guest.sh" "${bins[@]}"
done_testing
