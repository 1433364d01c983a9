#!/bin/bash
# Behaviour of each core directive, as root, read back by the probe.
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
C=$SCRATCH/c.conf
uid=$(id -u osapi)
gid=$(id -g osapi)

# User= by number, Group= override, SupplementaryGroups= by name and number.
getent group osapi-test-a >/dev/null || groupadd --system osapi-test-a
getent group osapi-test-b >/dev/null || groupadd --system osapi-test-b
ga=$(getent group osapi-test-a | cut -d: -f3)
gb=$(getent group osapi-test-b | cut -d: -f3)
conf "$C" "ExecStart=$P" "User=$uid" "Group=osapi-test-a" \
	"SupplementaryGroups=osapi-test-b" "SupplementaryGroups=$gid"
run_launch -c "$C"
is "$(field Uid)" "$uid $uid $uid $uid" "User= takes a numeric uid"
is "$(field Gid)" "$ga $ga $ga $ga" "Group= overrides the user's primary group"
is "$(printf '%s\n' $(field Groups) | sort -n | tr '\n' ' ')" "$(printf '%s\n' "$gb" "$gid" | sort -n | tr '\n' ' ')" \
	"SupplementaryGroups= accumulates names and numbers"
conf "$C" "ExecStart=$P" "User=osapi" "SupplementaryGroups=osapi-test-b" "SupplementaryGroups="
run_launch -c "$C"
is "$(field Groups)" "" "an empty SupplementaryGroups= resets the list"

# The user's own memberships come along, as initgroups(3) under systemd.
usermod -a -G osapi-test-a osapi
conf "$C" "ExecStart=$P" "User=osapi"
run_launch -c "$C"
is "$(echo $(field Groups))" "$ga" "the user's group memberships are kept"
gpasswd -d osapi osapi-test-a >/dev/null

# Capabilities: merge rules, unset bounding set, "~".
conf "$C" "ExecStart=$P" "User=osapi" "CapabilityBoundingSet=CAP_NET_RAW" \
	"CapabilityBoundingSet=CAP_KILL CAP_NET_BIND_SERVICE" \
	"AmbientCapabilities=CAP_NET_RAW" "AmbientCapabilities=CAP_KILL"
run_launch -c "$C"
is "$(field CapBnd)" 0000000000002420 "CapabilityBoundingSet= lines merge by OR"
is "$(field CapAmb)" 0000000000002020 "AmbientCapabilities= lines merge"
is "$(field CapEff)" 0000000000002020 "the effective set after exec is the ambient set"
conf "$C" "ExecStart=$P" "User=osapi" "CapabilityBoundingSet=~CAP_SYS_ADMIN" "AmbientCapabilities="
run_launch -c "$C"
want=$(printf '%016x' $(( 0x$(grep CapBnd /proc/self/status | awk '{print $2}') & ~(1 << 21) )))
is "$(field CapBnd)" "$want" "CapabilityBoundingSet=~CAP_SYS_ADMIN drops only that one"
is "$(field CapAmb)" 0000000000000000 "an empty AmbientCapabilities= keeps none"
is "$(field CapPrm)" 0000000000000000 "no ambient: nothing permitted after exec"
conf "$C" "ExecStart=$P" "User=osapi"
run_launch -c "$C"
is "$(field CapBnd)" "$(grep CapBnd /proc/self/status | awk '{print $2}')" \
	"no CapabilityBoundingSet=: the bounding set is left as inherited (systemd)"
is "$(field NoNewPrivs)" 0 "NoNewPrivileges= defaults to no"

# A root target (no User=) keeps what the bounding set allows.
conf "$C" "ExecStart=$P" "CapabilityBoundingSet=CAP_NET_RAW CAP_CHOWN" "NoNewPrivileges=yes"
run_launch -c "$C"
is "$(field Uid)" "0 0 0 0" "no User=: runs as root, as under systemd"
is "$(field CapEff)" 0000000000002001 "root keeps only the bounding set"
is "$(field CapBnd)" 0000000000002001 "root's bounding set is cut"

# SecureBits=.
conf "$C" "ExecStart=/usr/bin/setpriv --dump" "User=osapi" "SecureBits=noroot noroot-locked"
run_launch -c "$C"
like "$OUTPUT" "Securebits: noroot,noroot_locked" "SecureBits= reaches the target (setpriv)"

# UMask= and WorkingDirectory=.
mkdir -m 0755 "$SCRATCH/wd"
conf "$C" "ExecStart=$P" "User=osapi" "UMask=0077" "WorkingDirectory=$SCRATCH/wd"
run_launch -c "$C"
is "$(field UMASK)" 0077 "UMask= applies"
is "$(field CWD)" "$SCRATCH/wd" "WorkingDirectory= applies"
conf "$C" "ExecStart=$P" "User=osapi" "WorkingDirectory=-$SCRATCH/missing"
run_launch -c "$C"
is "$RC:$(field CWD)" "0:/" "WorkingDirectory=-missing falls back to /"
conf "$C" "ExecStart=$P" "User=root" "WorkingDirectory=~"
run_launch -c "$C"
is "$(field CWD)" "$(getent passwd root | cut -d: -f6)" "WorkingDirectory=~ is the user's home"
conf "$C" "ExecStart=$P" "User=osapi"
run_launch -c "$C"
is "$(field UMASK):$(field CWD)" "0022:/" "defaults: UMask=0022, WorkingDirectory=/"

# Limit*=.
conf "$C" "ExecStart=$P" "User=osapi" "LimitNOFILE=512:1024" "LimitCORE=1M" "LimitNPROC=4096"
run_launch -c "$C"
is "$(field RLIMIT_NOFILE)" 512:1024 "LimitNOFILE=soft:hard"
is "$(field RLIMIT_CORE)" 1048576:1048576 "LimitCORE= with a size suffix"
is "$(field RLIMIT_NPROC)" 4096:4096 "LimitNPROC= a count"

# Environment.
printf '# comment\nFROM_FILE=yes\nOVERRIDE=file\nQUOTED="a b"\n' >"$SCRATCH/env"
chmod 0644 "$SCRATCH/env"
conf "$C" "ExecStart=$P" "User=osapi" "Environment=A=1 \"B=two words\" OVERRIDE=env" \
	"EnvironmentFile=$SCRATCH/env" "EnvironmentFile=-$SCRATCH/missing" \
	"PassEnvironment=PASSED NOT_SET" "UnsetEnvironment=SHELL A=2"
OUTPUT=$(PASSED=p NOT_PASSED=x "$OSAPI_LAUNCH" -c "$C" 2>&1)
envs=$(printf '%s\n' "$OUTPUT" | sed -n 's/^ENV=//p')
like "$envs" "^A=1$" "Environment= sets A"
like "$envs" "^B=two words$" "Environment= honours quoting"
like "$envs" "^FROM_FILE=yes$" "EnvironmentFile= is read"
like "$envs" "^QUOTED=a b$" "EnvironmentFile= unquotes"
like "$envs" "^OVERRIDE=file$" "EnvironmentFile= overrides Environment= (systemd's order)"
like "$envs" "^PASSED=p$" "PassEnvironment= passes a set variable"
ok "$(printf '%s\n' "$envs" | grep -cE '^(NOT_PASSED|NOT_SET|SHELL)=')" \
	"unlisted, unset and UnsetEnvironment= variables are absent"

# ExecStart= forms: argv[0] override, variable expansion, command line.
conf "$C" "ExecStart=@$P custom-name \$WORDS \${ONE}x \$\$literal" "User=osapi" \
	"Environment=\"WORDS=w1 w2\" ONE=1"
run_launch -c "$C"
is "$(printf '%s\n' "$OUTPUT" | sed -n 's/^ARG=//p' | tr '\n' ' ')" "w1 w2 1x \$literal " \
	"\$VAR splits into words, \${VAR} substitutes in place, \$\$ is \$"
conf "$C" "ExecStart=/bin/sh -c 'echo \$0'" "User=osapi"
run_launch -c "$C"
is "$OUTPUT" "/bin/sh" "argv[0] defaults to the path"
conf "$C" "ExecStart=@/bin/sh osapi-agent -c 'echo \$0'" "User=osapi"
run_launch -c "$C"
is "$OUTPUT" "osapi-agent" "ExecStart=@ sets argv[0]"
conf "$C" "ExecStart=$P from-config" "User=osapi"
run_launch -c "$C" -- "$P" from-cmdline
is "$(field ARG)" from-cmdline "a command line replaces ExecStart="
run_launch -c "$C" -- id -un
is "$OUTPUT" osapi "a bare command name is found in the target's PATH"

# A #! script runs through its checked descriptor.
printf '#!/bin/sh\necho "script as $(id -un)"\n' >"$SCRATCH/script"
chmod 0755 "$SCRATCH/script"
conf "$C" "ExecStart=$SCRATCH/script" "User=osapi"
run_launch -c "$C"
is "$OUTPUT" "script as osapi" "a #! script target runs"

done_testing
