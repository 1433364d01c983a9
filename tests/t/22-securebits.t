#!/bin/bash
# SecureBits=: what --check accepts, the launch does, and the agent ends with
# exactly the configured bits (setpriv --dump as the agent, an outside tool).
# The shipped management config locks keep-caps; libcap-ng's uid change
# toggles keep-caps, which the lock refuses, so before the fix the launch
# died at change-id (217) after --check had accepted it.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd setpriv "apt-get install util-linux"
setup_launch
C=$SCRATCH/c.conf

sed "s#^ExecStart=.*#ExecStart=$(command -v setpriv) --dump#" \
	"$SRC_DIR/conf/osapi-launch.management.conf" >"$C"
chmod 0644 "$C"
run_launch --check -c "$C"
is "$RC" 0 "--check accepts the shipped management config"
run_launch -c "$C"
is "$RC" 0 "and the launch runs it (it exited 217 at change-id before)"
is "$(printf '%s\n' "$OUTPUT" | sed -n 's/^Securebits: //p')" \
	"noroot,noroot_locked,no_setuid_fixup_locked,keep_caps_locked" \
	"the agent's securebits are the configured ones, keep-caps locked (and cleared by execve)"
like "$(printf '%s\n' "$OUTPUT" | sed -n 's/^Ambient capabilities: //p')" "net_raw" \
	"the ambient capabilities survived the uid change made under locked keep-caps"

# Every lock with keep-caps, for a user that keeps capabilities: --check and
# the launch agree, and the bits read back are the configured ones.
for bits in "keep-caps-locked" "keep-caps keep-caps-locked" \
	"keep-caps-locked no-setuid-fixup no-setuid-fixup-locked" \
	"noroot noroot-locked keep-caps-locked"; do
	conf "$C" "ExecStart=$(command -v setpriv) --dump" "User=osapi" \
		"AmbientCapabilities=CAP_NET_RAW" "SecureBits=$bits"
	run_launch --check -c "$C"
	check=$RC
	run_launch -c "$C"
	is "$check:$RC" "0:0" "SecureBits=$bits: --check and the launch both succeed"
	want=$(printf '%s\n' $bits | grep -v '^keep-caps$' | tr - _ | sort | paste -sd,)
	got=$(printf '%s\n' "$OUTPUT" | sed -n 's/^Securebits: //p' | tr , '\n' | sort | paste -sd,)
	is "$got" "$want" "SecureBits=$bits: the agent reads back $want (execve clears keep-caps itself)"
done

# keep-caps alone: the kernel clears it at exec; --check says so.
conf "$C" "ExecStart=$(command -v setpriv) --dump" "User=osapi" "SecureBits=keep-caps"
run_launch --check -c "$C"
like "$OUTPUT" "keep-caps: execve\(2\) always clears it" "--check says keep-caps does not reach the agent"
done_testing
