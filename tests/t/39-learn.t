#!/bin/bash
# --learn: the target runs with SystemCallFilter= only observing (a
# supervising parent answers every call), then osapi-launch says what the
# filter would have refused, which configured groups went unused, and
# proposes a change that makes the refused calls pass.
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
C=$SCRATCH/c.conf
conf "$C" "ExecStart=$P" "User=osapi" \
	"SystemCallFilter=@basic-io @file-system @io-event @process @signal @timer @network-io @keyring @aio" \
	"SystemCallErrorNumber=EPERM"

run_launch --policy-record=none -c "$C" -- "$P" --try mount --try ptrace
is "$(field TRY_mount):$(field TRY_ptrace)" "EPERM:EPERM" "control: the filter refuses mount and ptrace"

run_launch --policy-record=none --learn -c "$C" -- "$P" --try mount --try ptrace
is "$RC" 0 "--learn exits with the target's status"
is "$(field Uid)" "$(id -u osapi) $(id -u osapi) $(id -u osapi) $(id -u osapi)" "the target still runs as osapi"
ok "$([ "$(field TRY_mount)" != EPERM ] && echo 0 || echo 1)" "under --learn mount reaches the kernel ($(field TRY_mount))"
like "$ERR" "would have been refused by SystemCallFilter=:.* mount" "the report names mount"
like "$ERR" "would have been refused by SystemCallFilter=:.* ptrace" "the report names ptrace"
like "$ERR" "configured groups never needed:.*@keyring \(line 4\)" "the report names an unused group with its line"
like "$ERR" "configured groups never needed:.*@aio" "... and another"
like "$ERR" $'proposed change:\n--- .*c\\.conf\n\\+\\+\\+ ' "the proposal is a diff against the config"
proposed=$(printf '%s\n' "$ERR" | sed -n 's/^+\(SystemCallFilter=.*\)$/\1/p')
like "$proposed" "mount" "the proposed line allows mount"

# The proposal works: with it, the calls pass the filter.
conf "$SCRATCH/learned.conf" "ExecStart=$P" "User=osapi" \
	"SystemCallFilter=@basic-io @file-system @io-event @process @signal @timer @network-io @keyring @aio" \
	"$proposed" "SystemCallErrorNumber=EPERM"
run_launch --policy-record=none -c "$SCRATCH/learned.conf" -- "$P" --try mount --try ptrace
ok "$([ "$(field TRY_mount)" != EPERM ] && [ "$(field TRY_ptrace)" != EPERM ] && echo 0 || echo 1)" \
	"with the proposed line the filter lets mount and ptrace through"

conf "$SCRATCH/exit.conf" "ExecStart=/bin/sh -c 'exit 3'" "User=osapi" "SystemCallFilter=@system-service"
run_launch --policy-record=none --learn -c "$SCRATCH/exit.conf"
is "$RC" 3 "the target's exit status comes back through the supervising parent"
done_testing
