#!/bin/bash
# SELinuxContext= and contrib/selinux for real, enforcing: this host's
# kernel has no SELinux, so tests/vm/run-selinux-guest boots Debian 12's own
# kernel under QEMU TCG with security=selinux selinux=1 enforcing=1 on a
# disk image holding Debian's reference policy (selinux-policy-default) with
# the module installed by `semodule -i`, the NATS port labelled by
# `semanage port -a` and every file labelled by `setfiles`
# (tests/vm/build-selinux-image, cached under $BUILD_DIR/vm-images by
# content hash), and relays tests/vm/selinux-guest.sh's TAP lines as ours.
# The real agent cannot be built here (common notes): the target is
# tests/vm/selinux-agent.c, static, installed in the guest as /usr/bin/osapi.
# Skips only when qemu cannot run at all.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_root
need_cmd apt-get "Debian's apt: the kernel comes from the archive"
need_cmd mmdebstrap "apt-get install mmdebstrap"
need_cmd setfiles "apt-get install policycoreutils"
need_cmd getfattr "apt-get install attr"
[ -f /usr/share/selinux/devel/Makefile ] || skip_all "no selinux-policy-dev"
[ -x "$OSAPI_LAUNCH" ] || skip_all "no $OSAPI_LAUNCH (build first)"
grep -q 'libselinux.so.1' "$OSAPI_LAUNCH" ||
	skip_all "$OSAPI_LAUNCH was built without SELinux (libselinux1-dev)"

SCRATCH=$(mktemp -d /tmp/osapi-selinux-vm.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
cc -static -O2 -Wall -Wextra -Werror -o "$SCRATCH/selinux-agent" "$SRC_DIR/tests/vm/selinux-agent.c"
ok $? "the stand-in agent builds static"

out=$("$SRC_DIR/tests/vm/run-selinux-guest" "$SRC_DIR/tests/vm/selinux-guest.sh" \
	"$OSAPI_LAUNCH=osapi-launch" "$SCRATCH/selinux-agent=selinux-agent")
rc=$?
case $out in
"1..0 # SKIP"*)
	echo "$out"
	exit 0
	;;
esac
relay_tap "" <<<"$out"
ok "$rc" "guest booted enforcing, ran the script and reported a clean pass"
done_testing
