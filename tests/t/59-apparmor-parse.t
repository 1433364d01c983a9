#!/bin/bash
# The shipped AppArmor profiles compile with Debian's apparmor_parser and
# its default feature set, without a single warning.  Needs no AppArmor in
# the kernel (-S: compile to stdout, load nothing); the VM test loads them
# for real.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_cmd apparmor_parser "apt-get install apparmor"
[ -d /etc/apparmor.d/abstractions ] || skip_all "no /etc/apparmor.d/abstractions (apt-get install apparmor)"

dir=$SRC_DIR/contrib/apparmor
for profile in "$dir"/*; do
	[ -f "$profile" ] || continue
	name=${profile##*/}
	# contrib/apparmor first, so its tunables/ and abstractions/ are the
	# ones under test, not copies installed earlier.  Without a kernel the
	# parser always says "Cache read/write disabled"; anything else counts.
	err=$(apparmor_parser -S -W -I "$dir" -I /etc/apparmor.d "$profile" 2>&1 >/dev/null)
	rc=$?
	err=$(printf '%s\n' "$err" | grep -v '^Cache read/write disabled: interface file missing' || true)
	is "$rc:$err" "0:" "$name compiles without errors or warnings"
done

# The allow-list the VM test relies on: id in, whoami out.
like "$(grep -E '^@\{OSAPI_EXEC\} \+?=' "$dir/tunables/osapi-agent")" '/usr/bin/id( |$)' "/usr/bin/id is in @{OSAPI_EXEC}"
if grep -E '^@\{OSAPI_EXEC\}' "$dir/tunables/osapi-agent" | grep -q whoami; then
	ok 1 "/usr/bin/whoami is not in @{OSAPI_EXEC}"
else
	ok 0 "/usr/bin/whoami is not in @{OSAPI_EXEC}"
fi

# Only CAP_NET_RAW in the read-only profile's rules.
caps=$(grep -hE '^\s*capability' "$dir/abstractions/osapi-agent" | tr -d ' ,' | sort -u | tr '\n' ' ')
is "$caps" "capabilitynet_raw " "read-only rules grant capability net_raw only"

done_testing
