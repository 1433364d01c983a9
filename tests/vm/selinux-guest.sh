# shellcheck shell=sh
# Guest half of tests/t/66-selinux-vm.t, run by tests/vm/selinux-stage2.sh
# (dash, root) in an enforcing guest whose
# image has contrib/selinux's module installed and the NATS port labelled
# (tests/vm/build-selinux-image).  Prints TAP on stdout.
#
# From the host, in /usr/lib/osapi-vm (unlabelled until restorecon below):
#   osapi-launch    the launcher under test
#   selinux-agent   the stand-in agent (tests/vm/selinux-agent.c, static):
#                   the real agent cannot be built here
#
# The agent runs as uid 0 with no capability but CAP_NET_RAW: DAC lets root
# open root's files (/etc/shadow is 0640 root:shadow, /etc is 0755 root), so
# every refusal below is SELinux's, and a control run outside the domain
# shows the same operation succeeding.
#
# The shell runs in initrc_t: busybox init (init_exec_t, so init_t) starts
# it with /bin/sh, and the reference policy moves init_t to initrc_t on
# executing a shell.  That is where a launcher started from an init script
# (sysvinit, OpenRC, runit, s6) runs; systemd's init_t case is granted by
# the same interface and checked in the linked policy by 65-selinux-module.t.

v=/usr/lib/osapi-vm
launcher=/usr/sbin/osapi-launch
agent=/usr/bin/osapi
dir=/run/osapi-test
res=/var/lib/osapi/result
ctx=system_u:system_r:osapi_agent_t:s0
# shellcheck source=tests/vm/guest-tap.sh
. $v/tap.sh

label_of() { stat -c %C "$1"; }
avc() { dmesg | grep 'avc: *denied' | grep "$1"; }

# --- the guest -------------------------------------------------------------------
# Without auditd the kernel prints each AVC (with its SYSCALL and PROCTITLE
# records) through printk_ratelimit(): 10 per 5 s would drop the denials
# this test looks for.
echo 0 >/proc/sys/kernel/printk_ratelimit
is "$(cat /sys/fs/selinux/enforce)" 1 "SELinux is enforcing (security=selinux selinux=1 enforcing=1)"
self=$(tr -d '\0' </proc/self/attr/current)
is "$self" "system_u:system_r:initrc_t:s0" \
	"the test shell runs in initrc_t, as an init script does"
like "$(semodule -l)" '^osapi_agent$' "semodule -l lists osapi_agent (installed with semodule -i)"
like "$(semanage port -l | grep '^osapi_agent_nats_port_t')" 'tcp +4222$' \
	"semanage port -l: 4222/tcp is osapi_agent_nats_port_t"
for b in osapi_agent_exec_commands osapi_agent_manage; do
	is "$(getsebool $b)" "$b --> off" "boolean $b exists and is off"
done

# --- install as an operator would: copy, restorecon ---------------------------------
restorecon -R $v
install -m 0755 $v/osapi-launch $launcher
# cp, not install(1): install sets the file_contexts label itself, and
# this shows what restorecon is for.
cp $v/selinux-agent $agent
chmod 0755 $agent
mkdir -p /etc/osapi /var/lib/osapi
echo "nats: {}" >/etc/osapi/osapi.yaml
is "$(label_of $agent)" "system_u:object_r:bin_t:s0" "a freshly installed /usr/bin/osapi is bin_t"
out=$(restorecon -Rv $agent /usr/local/bin /etc/osapi /var/lib/osapi)
diag "$out"
is "$(label_of $agent)" "system_u:object_r:osapi_agent_exec_t:s0" "restorecon: /usr/bin/osapi is osapi_agent_exec_t"
is "$(label_of /etc/osapi/osapi.yaml)" "system_u:object_r:osapi_agent_conf_t:s0" "restorecon: /etc/osapi is osapi_agent_conf_t"
is "$(label_of /var/lib/osapi)" "system_u:object_r:osapi_agent_var_lib_t:s0" "restorecon: /var/lib/osapi is osapi_agent_var_lib_t"
is "$(label_of $launcher)" "system_u:object_r:bin_t:s0" "osapi-launch keeps bin_t (not confined by the module)"

# Loopback, a NATS stand-in on 4222 and an unlabelled listener on 5555
# (unreserved_port_t), and ICMP datagram sockets for gid 0.
busybox ip link set lo up
echo "0 0" >/proc/sys/net/ipv4/ping_group_range
# Their stdout is not the TAP pipe: stage2 reads that to its end.
listeners=
for port in 4222 5555; do
	busybox nc -ll -p $port -e /bin/true </dev/null >/dev/null 2>&1 &
	listeners="$listeners $!"
done
# Wait until both listen (busybox nc binds IPv6, dual stack): ports 4222
# and 5555 are 107E and 15B3, state 0A is LISTEN.
i=0
while [ "$(cat /proc/net/tcp /proc/net/tcp6 | grep -cE ':(107E|15B3) 0+:0000 0A')" -lt 2 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done

mkdir -p $dir
chmod 0755 $dir
# config NAME [DIRECTIVE...]: a launcher config, root-owned as it must be.
config() {
	name=$1
	shift
	{
		echo "[Launch]"
		echo "ExecStart=$agent label"
		echo "NoNewPrivileges=yes"
		echo "CapabilityBoundingSet=CAP_NET_RAW"
		echo "AmbientCapabilities=CAP_NET_RAW"
		for d in "$@"; do echo "$d"; done
	} >"$dir/$name.conf"
	chmod 0644 "$dir/$name.conf"
	echo "$dir/$name.conf"
}
# launch CONFIG OP...: run the agent through the launcher; its report is in $res.
launch() {
	cfg=$1
	shift
	rm -f $res
	$launcher --policy-record=none -c "$cfg" -- "$@" 2>$dir/stderr
}
result() { cat $res 2>/dev/null; }

confined=$(config confined "SELinuxContext=$ctx")

# --- the domain, seen from outside --------------------------------------------------
rm -f $res
$launcher --policy-record=none -c "$confined" -- $agent out:$res label sleep:30 2>$dir/stderr &
pid=$!
i=0
while ! grep -q LABEL $res 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
is "$(tr -d '\0' </proc/$pid/attr/current)" "$ctx" "/proc/PID/attr/current of the launched agent: osapi_agent_t"
is "$(awk '/^NoNewPrivs/ {print $2}' /proc/$pid/status)" 1 "... with no_new_privs set (nnp_transition)"
is "$(readlink /proc/$pid/exe)" "$agent" "... and it is the agent, exec'd in place of the launcher"
kill $pid
wait $pid 2>/dev/null

# --- allowed and refused -----------------------------------------------------------
launch "$confined" $agent out:$res label read:/proc/loadavg read:/etc/osapi/osapi.yaml \
	write:/var/lib/osapi/state connect:4222 ping
rc=$?
r=$(result)
is "$rc" 0 "the confined agent ran"
is "$(value LABEL "$r")" "$ctx" "it reports osapi_agent_t itself"
is "$(echo "$r" | grep -E '^(READ|WRITE|CONNECT|PING)=' | tr '\n' ' ')" \
	"READ=ok READ=ok WRITE=ok CONNECT=ok PING=ok " \
	"allowed: /proc, its config, its state dir, NATS on the labelled port, datagram ping"

for op in read:/etc/shadow write:/etc/osapi-denied write:/etc/osapi/osapi.yaml connect:5555; do
	launch "$confined" $agent out:$res $op
	is "$(result | grep -E '^(READ|WRITE|CONNECT)=')" \
		"$(echo "${op%%:*}" | tr '[:lower:]' '[:upper:]')=EACCES" "refused in osapi_agent_t: $op"
done
[ ! -e /etc/osapi-denied ]
ok $? "no file was created in /etc"
like "$(avc 'scontext=system_u:system_r:osapi_agent_t:s0 tcontext=system_u:object_r:shadow_t:s0 tclass=file permissive=0')" \
	'denied  \{ read \}' "AVC logged: read of /etc/shadow (shadow_t)"
like "$(avc 'name="osapi.yaml".*scontext=system_u:system_r:osapi_agent_t:s0 tcontext=system_u:object_r:osapi_agent_conf_t:s0 tclass=file')" \
	'denied  \{ write \}' "AVC logged: write of its own config (osapi_agent_conf_t)"
like "$(avc 'name="etc".*scontext=system_u:system_r:osapi_agent_t:s0 tcontext=system_u:object_r:etc_t:s0 tclass=dir')" \
	'denied  \{ write \}' "AVC logged: creating a file in /etc (etc_t)"
# The launcher's stderr here is a file of the caller's domain in /run: the
# kernel hands the agent /dev/null instead, and says so.
like "$(avc 'comm="osapi" path="/run/osapi-test/stderr".*scontext=system_u:system_r:osapi_agent_t:s0')" \
	'denied  \{ write \}' "AVC logged: the inherited stderr the domain may not write"
like "$(avc 'dest=5555.*scontext=system_u:system_r:osapi_agent_t:s0 tcontext=system_u:object_r:unreserved_port_t:s0 tclass=tcp_socket')" \
	'denied  \{ name_connect \}' "AVC logged: connect to 5555 (unreserved_port_t)"

# Control: the same binary, not entering the domain, does all of it.
control=$(config control)
cp $v/selinux-agent /run/agent-unconfined
launch "$control" /run/agent-unconfined out:$res label read:/etc/shadow connect:5555
is "$(result | tr '\n' ' ')" "LABEL=$self READ=ok CONNECT=ok " \
	"control: without the domain the same reads and connects succeed"

# --- osapi_agent_exec_commands --------------------------------------------------------
launch "$confined" $agent out:$res exec:/usr/bin/id
is "$(result)" "EXEC=EACCES" "boolean off: exec of /usr/bin/id (bin_t) is refused"
# Refused one step earlier than the execute check: the domain may not even
# search the bin_t directory /usr/bin.
like "$(avc 'comm="osapi" name="bin".*scontext=system_u:system_r:osapi_agent_t:s0 tcontext=system_u:object_r:bin_t:s0 tclass=dir')" \
	'denied  \{ search \}' "AVC logged: search of /usr/bin (bin_t)"
setsebool osapi_agent_exec_commands on
is "$(getsebool osapi_agent_exec_commands)" "osapi_agent_exec_commands --> on" "setsebool osapi_agent_exec_commands on"
launch "$confined" $agent out:$res exec:/usr/bin/id
like "$(result)" '^uid=0\(root\)' "boolean on: /usr/bin/id runs"
launch "$confined" $agent out:$res exec:/usr/sbin/load_policy
is "$(result)" "EXEC=EACCES" "boolean on: a tool outside bin_t (/usr/sbin/load_policy) is still refused"
like "$(avc 'scontext=system_u:system_r:osapi_agent_t:s0 tcontext=system_u:object_r:load_policy_exec_t:s0')" \
	'denied  \{ execute \}' "AVC logged: execute of load_policy_exec_t"
setsebool osapi_agent_exec_commands off

# --- osapi_agent_manage -----------------------------------------------------------------
sleep 60 >/dev/null 2>&1 &
victim=$!
launch "$confined" $agent out:$res write:/etc/osapi-managed kill:$victim
is "$(result | tr '\n' ' ')" "WRITE=EACCES KILL=EACCES " \
	"boolean off: no write to /etc, no signal to another domain (initrc_t)"
setsebool osapi_agent_manage on
is "$(getsebool osapi_agent_manage)" "osapi_agent_manage --> on" "setsebool osapi_agent_manage on"
launch "$confined" $agent out:$res write:/etc/osapi-managed kill:$victim
is "$(result | tr '\n' ' ')" "WRITE=ok KILL=ok " "boolean on: the agent writes /etc and signals initrc_t"
launch "$confined" $agent out:$res read:/etc/shadow
is "$(result)" "READ=EACCES" "boolean on: /etc/shadow stays refused (shadow_t is not etc_t)"
setsebool osapi_agent_manage off
kill $victim
rm -f /etc/osapi-managed

# --- a context the policy does not know ---------------------------------------------------
unknown=$(config unknown "SELinuxContext=system_u:system_r:osapi_nonexistent_t:s0")
launch "$unknown" $agent out:$res label
is "$?" 229 "SELinuxContext= unknown to the policy: exit 229"
[ ! -e $res ]
ok $? "... and the agent never ran"
like "$(cat $dir/stderr)" 'SELinuxContext=system_u:system_r:osapi_nonexistent_t:s0: context is not valid' "... naming the context"

optional=$(config optional "SELinuxContext=-system_u:system_r:osapi_nonexistent_t:s0")
launch "$optional" /run/agent-unconfined out:$res label
rc=$?
is "$rc:$(value LABEL "$(result)")" "0:$self" "SELinuxContext=- with an unknown context: runs without it"
like "$(cat $dir/stderr)" 'notice: .*osapi_nonexistent_t' "... with a notice"

# --- the module not installed ---------------------------------------------------------------
# The reference policy as it was before `semodule -i` (kept by the image
# build), loaded in place of the current one, then the current one back.
# One write(2): selinuxfs takes the whole policy at once.
dd if=/root/policy.no-osapi of=/sys/fs/selinux/load bs=64M 2>/dev/null
ok $? "loaded the policy without the module"
launch "$confined" $agent out:$res label
is "$?" 229 "module not installed: SELinuxContext=...osapi_agent_t fails with 229"
[ ! -e $res ]
ok $? "... and the agent never ran"
load_policy
ok $? "load_policy: the policy with the module is back"

# --- permissive -------------------------------------------------------------------------------
setenforce 0
check=$($launcher --check -c "$confined" 2>&1)
like "$check" 'SELinux.*permissive' "--check reports SELinux permissive"
launch "$confined" $agent out:$res label read:/etc/shadow
rc=$?
r=$(result)
is "$rc:$(value LABEL "$r"):$(value READ "$r")" "0:$ctx:ok" \
	"permissive: the agent runs in osapi_agent_t, the denial is not enforced"
like "$(avc 'tcontext=system_u:object_r:shadow_t:s0 tclass=file permissive=1')" 'osapi_agent_t' \
	"... and logged with permissive=1"
setenforce 1

# --- without libselinux -------------------------------------------------------------------------
so=/usr/lib/x86_64-linux-gnu/libselinux.so.1
real=$(readlink -f $so)
busybox mv "$real" "$real.hidden"
launch "$confined" $agent out:$res label
rc=$?
is "$rc" 229 "without libselinux.so.1, SELinuxContext= fails closed with 229"
like "$(cat $dir/stderr)" 'cannot load libselinux\.so\.1' "... naming the library"
busybox mv "$real.hidden" "$real"

# shellcheck disable=SC2086 # a list of pids
kill $listeners
echo "1..$n"
