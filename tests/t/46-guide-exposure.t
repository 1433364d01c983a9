#!/bin/bash
# docs/agent-hardening.md quotes the exposure score of each shipped config
# (the table between <!-- exposure-scores:begin --> and
# <!-- exposure-scores:end -->): each line must be what `osapi-launch
# --check` prints for that file today, and every shipped config must have
# a line.  A unit is read with --unit --drop-unsupported, its agent path
# pointed at the probe so that the plan can be built here.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
guide=$SRC_DIR/docs/agent-hardening.md

rows=$(sed -n '/<!-- exposure-scores:begin -->/,/<!-- exposure-scores:end -->/p' "$guide" |
	grep -E '^\| [a-z]+/' | sed -E 's/^\| ([^ |]+)[^|]*\| ([^|]*[^ |]) *\|$/\1|\2/')
n=0
while IFS='|' read -r file quoted; do
	n=$((n + 1))
	case $file in
	*.service)
		sed "s|/usr/bin/osapi|$P|g" "$SRC_DIR/$file" >"$SCRATCH/u.service"
		chmod 0644 "$SCRATCH/u.service"
		run_launch --check --unit "$SCRATCH/u.service" --drop-unsupported
		;;
	*)
		install -m 0644 "$SRC_DIR/$file" "$SCRATCH/c.conf"
		run_launch --check -c "$SCRATCH/c.conf" -- /bin/true
		;;
	esac
	real=$(printf '%s\n' "$OUTPUT" | sed -n 's/^exposure  *\([0-9.]* [A-Z]*\)$/exposure \1/p')
	is "$quoted" "$real" "the guide quotes $file's --check score"
done <<<"$rows"

for f in "$SRC_DIR"/conf/*.conf "$SRC_DIR"/contrib/systemd/osapi-agent.service; do
	f=${f#"$SRC_DIR"/}
	grep -q "^$f|" <<<"$rows"
	ok $? "the guide's exposure table has $f"
done
ok "$([ "$n" -ge 3 ] && echo 0 || echo 1)" "the table has a line per shipped config ($n)"

done_testing
