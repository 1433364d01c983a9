#!/bin/bash
# The shipped config, launched for real as root, checked from the outside:
# the probe reads /proc/self/status, and setpriv, capsh and iputils ping
# (programs nobody here wrote) must agree.
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
uid=$(id -u osapi)
gid=$(id -g osapi)

shipped_conf "hello" "$SCRATCH/launch.conf"
run_launch -c "$SCRATCH/launch.conf"
is "$RC" 0 "the shipped config launches the probe"
is "$(field ARG)" hello "ExecStart= arguments reach the target"
is "$(field Uid)" "$uid $uid $uid $uid" "real, effective, saved and fs uid are osapi's"
is "$(field Gid)" "$gid $gid $gid $gid" "all four gids are osapi's"
is "$(field Groups)" "" "no supplementary groups"
for set in CapInh CapPrm CapEff CapAmb CapBnd; do
	is "$(field $set)" 0000000000002000 "$set holds cap_net_raw only"
done
is "$(field NoNewPrivs)" 1 "no_new_privs is set"
is "$(field FDS)" "0 1 2 " "only fds 0-2 are open"
is "$(field UMASK)" 0027 "UMask=0027 applies"
is "$(field RLIMIT_NOFILE)" 16384:16384 "LimitNOFILE= applies"
is "$(field RLIMIT_CORE)" 0:0 "LimitCORE=0 applies"
is "$(field SIGMASK_EMPTY)" 1 "no signal is blocked"
is "$(printf '%s\n' "$OUTPUT" | grep '^ENV=' | sed 's/^ENV=//' | sort | tr '\n' ' ')" \
	"HOME=$(getent passwd osapi | cut -d: -f6) LOGNAME=osapi PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SHELL=$(getent passwd osapi | cut -d: -f7) STATE_DIRECTORY=/var/lib/osapi USER=osapi " \
	"the environment is clean: PATH, HOME, USER, LOGNAME, SHELL, and StateDirectory='s STATE_DIRECTORY only"

# A hostile caller environment and extra descriptors do not leak through.
exec 7</etc/hostname
OUTPUT=$(LD_PRELOAD=/nonexistent.so LD_LIBRARY_PATH=/tmp GCONV_PATH=/tmp IFS=x \
	"$OSAPI_LAUNCH" -c "$SCRATCH/launch.conf" 2>/dev/null)
exec 7<&-
ok "$(printf '%s\n' "$OUTPUT" | grep -cE '^ENV=(LD_|GCONV|IFS)')" "LD_PRELOAD, LD_LIBRARY_PATH, GCONV_PATH, IFS are dropped"
is "$(field FDS)" "0 1 2 " "a descriptor the caller left open does not reach the target"

# setpriv --dump, run as the target, agrees with the plan.
run_launch -c "$SCRATCH/launch.conf" -- /usr/bin/setpriv --dump
like "$OUTPUT" "(^|$'\n')uid: $uid" "setpriv: uid is osapi"
like "$OUTPUT" "Supplementary groups: \[none\]" "setpriv: no supplementary groups"
like "$OUTPUT" "no_new_privs: 1" "setpriv: no_new_privs"
like "$OUTPUT" "Inheritable capabilities: net_raw" "setpriv: inheritable is net_raw"
like "$OUTPUT" "Ambient capabilities: net_raw" "setpriv: ambient is net_raw"
like "$OUTPUT" "Capability bounding set: net_raw" "setpriv: bounding set is net_raw"

# capsh --print likewise.
run_launch -c "$SCRATCH/launch.conf" -- /usr/sbin/capsh --print
like "$OUTPUT" "Current: cap_net_raw=eip" "capsh: current set is cap_net_raw=eip"
like "$OUTPUT" "Bounding set =cap_net_raw$" "capsh: bounding set is cap_net_raw"
like "$OUTPUT" "Ambient set =cap_net_raw" "capsh: ambient set is cap_net_raw"
like "$OUTPUT" "no-new-privs=1" "capsh: no-new-privs"
like "$OUTPUT" "uid=$uid\(osapi\) euid=$uid\(osapi\)" "capsh: uid and euid are osapi"

# A real iputils ping: with ICMP datagram sockets closed to everyone
# (ping_group_range "1 0"), only CAP_NET_RAW lets it work.
need_ping=$(command -v ping)
if [ -n "$need_ping" ]; then
	saved=$(cat /proc/sys/net/ipv4/ping_group_range)
	trap 'echo "$saved" >/proc/sys/net/ipv4/ping_group_range; rm -rf "$SCRATCH"' EXIT
	echo "1 0" >/proc/sys/net/ipv4/ping_group_range
	run_launch -c "$SCRATCH/launch.conf" -- "$need_ping" -c1 -W2 127.0.0.1
	is "$RC" 0 "ping -c1 127.0.0.1 works with AmbientCapabilities=CAP_NET_RAW"
	sed 's/^AmbientCapabilities=.*/AmbientCapabilities=/' "$SCRATCH/launch.conf" >"$SCRATCH/noraw.conf"
	chmod 0644 "$SCRATCH/noraw.conf"
	run_launch -c "$SCRATCH/noraw.conf" -- "$need_ping" -c1 -W2 127.0.0.1
	is "$RC" 2 "ping fails without it (file capabilities are ignored under no_new_privs)"
	like "$ERR" "socket: Operation not permitted" "ping says its raw socket was refused"
	echo "$saved" >/proc/sys/net/ipv4/ping_group_range
else
	ok 1 "iputils ping is not installed (apt-get install iputils-ping)"
fi

# A setuid-root binary cannot bring root back.  The control run proves the
# setuid bit works where the copy lives (no nosuid mount), so the test can
# fail.
install -o root -g root -m 4755 "$PROBE" "$SCRATCH/suid-probe"
OUTPUT=$(setpriv --reuid="$uid" --regid="$gid" --clear-groups "$SCRATCH/suid-probe" 2>&1)
like "$(field Uid)" "^$uid 0 0 " "control: without the launcher the setuid copy gets euid 0"
run_launch -c "$SCRATCH/launch.conf" -- "$SCRATCH/suid-probe" --try setuid0
is "$(field Uid)" "$uid $uid $uid $uid" "under the launcher a setuid-root binary keeps the osapi uids"
is "$(field TRY_setuid0)" EPERM "setuid(0) is refused"
run_launch -c "$SCRATCH/launch.conf" -- "$P" --try ambient-raise-sys-admin --try chown-root-file
is "$(field TRY_ambient-raise-sys-admin)" EPERM "raising another ambient capability is refused"
is "$(field TRY_chown-root-file)" EPERM "a root-owned file cannot be chowned"

done_testing
