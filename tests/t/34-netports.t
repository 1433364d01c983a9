#!/bin/bash
# RestrictNetworkPorts= (osapi-launch's own, Landlock ABI 4): TCP connect
# and bind by port, for real on loopback, each refusal with a control.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd perl
abi=$(perl -e 'print syscall(444, 0, 0, 1)') # landlock_create_ruleset(VERSION)
setup_launch
C=$SCRATCH/c.conf

# Two listeners on loopback, started by root outside the launcher.
p1=$((20000 + RANDOM % 10000))
p2=$((p1 + 1))
p3=$((p1 + 2))
listen='use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $ARGV[0], Listen => 5, ReuseAddr => 1) or die "$!"; sleep 120'
perl -e "$listen" $p1 &
l1=$!
perl -e "$listen" $p2 &
l2=$!
trap 'kill $l1 $l2 2>/dev/null; rm -rf "$SCRATCH"' EXIT
for _ in $(seq 50); do
	(: <>/dev/tcp/127.0.0.1/$p2) 2>/dev/null && break
	sleep 0.1
done

# The agent: one TCP socket per argument, "connect:PORT" or "bind:PORT".
cat >"$SCRATCH/net.pl" <<'EOF'
use Socket;
for my $a (@ARGV) {
	my ($op, $port) = split /:/, $a;
	socket(my $s, AF_INET, SOCK_STREAM, 0) or die "socket: $!";
	my $addr = pack_sockaddr_in($port, inet_aton("127.0.0.1"));
	my $r = $op eq "connect" ? connect($s, $addr) : bind($s, $addr);
	print "$a=", ($r ? "ok" : $!{EACCES} ? "EACCES" : "$!"), "\n";
	close $s;
}
socket(my $u, AF_INET, SOCK_DGRAM, 0) or die;
print "udp=", (connect($u, pack_sockaddr_in(53, inet_aton("127.0.0.1"))) ? "ok" : "$!"), "\n";
EOF
chmod 0644 "$SCRATCH/net.pl"
net() {
	conf "$C" "ExecStart=/usr/bin/perl $SCRATCH/net.pl connect:$p1 connect:$p2 bind:$p3" "User=osapi" "$@"
	run_launch -c "$C"
}
get() { printf '%s\n' "$OUTPUT" | awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }'; }

net
is "$(get connect:$p1):$(get connect:$p2):$(get bind:$p3)" ok:ok:ok "control: osapi connects to both listeners and binds a port"

if [ "${abi:-0}" -lt 4 ] 2>/dev/null; then
	net "RestrictNetworkPorts=connect:$p1"
	is "$RC" 226 "Landlock ABI ${abi:-0} < 4: RestrictNetworkPorts= fails closed (exit 226)"
	net "RestrictNetworkPorts=-connect:$p1"
	is "$RC" 0 "... and \"-\" skips it"
	done_testing
fi

net "RestrictNetworkPorts=connect:$p1"
is "$RC" 0 "RestrictNetworkPorts=connect:$p1: the agent runs"
is "$(get connect:$p1)" ok "connecting to the allowed loopback port works"
is "$(get connect:$p2):$(get bind:$p3)" EACCES:EACCES "another port, and any bind, are refused (EACCES)"
is "$(get udp)" ok "UDP is not restricted (Landlock ABI 4 knows TCP only)"
net "RestrictNetworkPorts=connect:$p1" "RestrictNetworkPorts=bind:$p3"
is "$(get connect:$p1):$(get connect:$p2):$(get bind:$p3)" ok:EACCES:ok "lines accumulate: bind:$p3 added"
net "RestrictNetworkPorts=none"
is "$(get connect:$p1):$(get bind:$p3)" EACCES:EACCES "RestrictNetworkPorts=none: no TCP connect or bind"
net "RestrictNetworkPorts=connect:$p1" "RestrictNetworkPorts="
is "$(get connect:$p2)" ok "an empty RestrictNetworkPorts= resets"
net "RestrictNetworkPorts=connect:$p1" "NoNewPrivileges=no"
is "$RC" 0 "RestrictNetworkPorts= works with NoNewPrivileges=no (Landlock implies it)"
conf "$C" "ExecStart=$P" "User=osapi" "RestrictNetworkPorts=connect:$p1"
run_launch -c "$C"
is "$(field NoNewPrivs):$(field FDS)" "1:0 1 2 " "no_new_privs set, no ruleset descriptor leaks"
# Also without CAP_SYS_ADMIN, and stacked with the file system sandbox.
if command -v capsh >/dev/null; then
	conf "$C" "ExecStart=/usr/bin/perl $SCRATCH/net.pl connect:$p1 connect:$p2" "User=osapi" \
		"RestrictNetworkPorts=connect:$p1" "ProtectSystem=strict"
	OUTPUT=$(capsh --drop=cap_sys_admin -- -c "$OSAPI_LAUNCH -c $C" 2>&1)
	is "$(get connect:$p1):$(get connect:$p2)" ok:EACCES "without CAP_SYS_ADMIN, with ProtectSystem= in the same ruleset"
fi
done_testing
