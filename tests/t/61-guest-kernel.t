#!/bin/bash
# What this host's kernel (6.18, cgroup v1 hybrid, Landlock ABI 7) cannot
# show: boot Debian 12's own kernel (6.1: cgroup v2 mounted by the guest,
# Landlock ABI 2) under QEMU (tests/vm/run-guest) and run
# tests/vm/kernel-guest.sh there, relaying its TAP lines as ours.  Skips
# only when qemu cannot run at all.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_root
need_cmd apt-get "Debian's apt: the kernel comes from the archive"
[ -x "$OSAPI_LAUNCH" ] || skip_all "no $OSAPI_LAUNCH (build first)"

relay_guest "$SRC_DIR/tests/vm/kernel-guest.sh" \
	"$OSAPI_LAUNCH=/usr/sbin/osapi-launch" "$PROBE=/usr/libexec/osapi-probe"
done_testing
