#!/bin/bash
# KeyringMode=, for real: the caller (the probe, before it execs the
# launcher) joins a session keyring of its own holding a "user" key, as an
# administrator's login session would; the agent (the probe again) reports
# its session keyring's serial and whether it can find that key.  systemd's
# default for system services, private, is the launcher's default too.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd setpriv "apt-get install util-linux"
setup_launch
C=$SCRATCH/c.conf
got() { printf '%s\n' "$OUTPUT" | awk -v k="$1=" 'index($0, k) == 1 { print substr($0, length(k) + 1); exit }'; }

# run CONFIG-LINES...: the caller's keyring and key, then the launch.
run() {
	conf "$C" "ExecStart=$P --try session-keyring --try find-key" "$@"
	OUTPUT=$("$P" --try join-add-key --try session-keyring --exec "$OSAPI_LAUNCH" -c "$C" 2>&1)
	RC=$?
	CALLER=$(printf '%s\n' "$OUTPUT" | sed -n 's/^SESSION_KEYRING=//p' | head -n 1)
	AGENT=$(printf '%s\n' "$OUTPUT" | sed -n 's/^SESSION_KEYRING=//p' | sed -n 2p)
}

for user in "" User=osapi; do
	who=${user:-User=root}
	run $user KeyringMode=inherit
	is "$RC:$(got TRY_join-add-key)" 0:ok "$who KeyringMode=inherit (control): the caller holds its key"
	is "$AGENT:$(got TRY_find-key)" "$CALLER:ok" "$who KeyringMode=inherit: the caller's keyring, and its key, reach the agent"
	run $user
	ok "$([ -n "$AGENT" ] && [ "$AGENT" != "$CALLER" ] && [ "$AGENT" -gt 0 ] && echo 0 || echo 1)" "$who default (private): a session keyring of its own ($AGENT, caller's $CALLER)"
	is "$(got TRY_find-key)" ENOKEY "$who default (private): the caller's key is out of reach"
	run $user KeyringMode=shared
	is "$RC:$(got TRY_find-key)" 0:ENOKEY "$who KeyringMode=shared: a new session keyring, not the caller's"
	ok "$([ "$AGENT" != "$CALLER" ] && echo 0 || echo 1)" "$who KeyringMode=shared: the agent's keyring differs"
done

# From outside: the agent's keyring is owned by the agent's user, and
# holds the user keyring only with "shared".
conf "$C" "ExecStart=$P --try session-keyring --sleep 30" User=osapi KeyringMode=shared
"$P" --try join-add-key --exec "$OSAPI_LAUNCH" -c "$C" >"$SCRATCH/state" 2>&1 &
PID=$!
wait_ready "$SCRATCH/state" "$PID"
id=$(sed -n 's/^SESSION_KEYRING=//p' "$SCRATCH/state")
hex=$(printf '%08x' "$id")
# /proc/keys lists what its reader may view: read as osapi, the owner.
line=$(setpriv --reuid=osapi --regid=osapi --clear-groups cat /proc/keys | grep "^$hex ")
diag "$line"
like "$line" " $(id -u osapi) +$(id -g osapi) keyring +_ses: 1$" "shared: /proc/keys shows the agent's session keyring, owned by osapi, with one link (the user keyring)"
kill "$PID"
wait "$PID" 2>/dev/null

run KeyringMode=public
is "$RC" 78 "KeyringMode=public: a config error"
like "$OUTPUT" 'KeyringMode=: "public" is not one of private, inherit, shared' "... with the values"

done_testing
