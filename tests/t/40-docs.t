#!/bin/bash
# The documentation matches the program: every directive the binary knows is
# in the man page and shown in conf/, every step's exit code is in the man
# page's and the README's tables, and the man pages build.
. "$(dirname "$0")/../lib/tap.sh"

man5=$SRC_DIR/docs/osapi-launch.conf.5.scd
man8=$SRC_DIR/docs/osapi-launch.8.scd
n=0
while IFS=$'\t' read -r name _; do
	grep -q "\*$name=\*" "$man5"
	ok $? "osapi-launch.conf(5) documents $name="
	grep -qE "^#? ?$name=" "$SRC_DIR"/conf/*.conf
	ok $? "conf/ shows $name="
	n=$((n + 1))
done < <("$OSAPI_LAUNCH" --list-directives)
ok "$([ "$n" -gt 20 ] && echo 0 || echo 1)" "the binary lists its directives ($n)"

while IFS=$'\t' read -r step code _; do
	grep -qE "^\|  $code\$" "$man8"
	ok $? "osapi-launch(8) lists exit code $code"
	grep -qE "^\| $code \| [^|]*$step" "$SRC_DIR/README.md"
	ok $? "README lists exit code $code for step $step"
done < <("$OSAPI_LAUNCH" --list-steps)

# Every example config is valid on this host (the agent binary itself is
# not installed here, so /bin/true stands in for it).
if [ "$(id -u)" -eq 0 ]; then
	id osapi >/dev/null 2>&1 ||
		useradd --system --no-create-home --shell /usr/sbin/nologin osapi
	scratch
	for f in "$SRC_DIR"/conf/*.conf; do
		install -m 0644 "$f" "$SCRATCH/c.conf"
		"$OSAPI_LAUNCH" --check -c "$SCRATCH/c.conf" -- /bin/true >/dev/null
		ok $? "conf/$(basename "$f") passes --check"
	done
else
	diag "not root: the example configs' --check is skipped (they must be root-owned)"
fi

for page in osapi-launch.8 osapi-launch.conf.5; do
	if [ -f "$BUILD_DIR/$page" ]; then
		man -l "$BUILD_DIR/$page" >/dev/null 2>&1
		ok $? "$page renders"
	else
		ok 1 "$page was not built (install scdoc)"
	fi
done
done_testing
