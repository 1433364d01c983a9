#!/bin/bash
# systemd's syscall groups, as held in src/lib/syscall_groups.c, against the
# oracle: systemd-analyze on this machine.  Every group, both ways, direct
# members and full expansion; any difference fails.
. "$(dirname "$0")/../lib/tap.sh"
need_cmd systemd-analyze "apt-get install systemd"

# The table is tools/syscall-groups' output, as checked in.
is "$("$SRC_DIR/tools/syscall-groups")" "$(cat "$SRC_DIR/src/lib/syscall_groups.c")" \
	"src/lib/syscall_groups.c is what tools/syscall-groups writes from the installed systemd"

theirs_groups=$(systemd-analyze syscall-filter --no-pager 2>/dev/null | grep '^@' | sort)
ours_groups=$("$OSAPI_LAUNCH" --syscall-filter | grep '^@' | sort)
is "$ours_groups" "$theirs_groups" "the same group names as systemd-analyze ($(echo "$theirs_groups" | wc -l) groups)"

# systemd-analyze's direct members of one group, sorted.
theirs() { systemd-analyze syscall-filter --no-pager "$1" 2>/dev/null | sed -n 's/^    \([^#]\)/\1/p' | sort; }
ours() { "$OSAPI_LAUNCH" --syscall-filter "$1" | sed -n 's/^    \([^#]\)/\1/p' | sort; }
# Full expansion on systemd's side, resolving nested groups recursively.
theirs_expanded() {
	local m
	for m in $(theirs "$1"); do
		case $m in
		@*) theirs_expanded "$m" ;;
		*) echo "$m" ;;
		esac
	done
}

for g in $theirs_groups; do
	is "$(ours "$g" | tr '\n' ' ')" "$(theirs "$g" | tr '\n' ' ')" "$g: same direct members"
	is "$("$OSAPI_LAUNCH" --syscall-filter --expand "$g" | sed -n 's/^    //p' | tr '\n' ' ')" \
		"$(theirs_expanded "$g" | sort -u | tr '\n' ' ')" "$g: same full expansion"
	help=$(systemd-analyze syscall-filter --no-pager "$g" | sed -n 's/^    # //p' | head -n1)
	like "$("$OSAPI_LAUNCH" --syscall-filter "$g")" "    # $help" "$g: same description"
done

# bsearch() relies on the order.
is "$("$OSAPI_LAUNCH" --syscall-filter | grep '^@' | tr '\n' ' ')" \
	"$("$OSAPI_LAUNCH" --syscall-filter | grep '^@' | LC_ALL=C sort | tr '\n' ' ')" \
	"the table is sorted by name"
"$OSAPI_LAUNCH" --syscall-filter @no-such-group >/dev/null 2>&1
is $? 78 "an unknown group is an error"
done_testing
