#!/bin/bash
# contrib/ansible's role rolled out for real to a fleet of booted machines:
# Debian 12 QEMU TCG guests whose PID 1 is systemd, OpenRC (openrc-init),
# runit (runit-init) and sysvinit, reached by ansible-playbook over ssh on
# a loopback-forwarded port, the way an operator reaches hosts.
#
# The guests (tests/vm/build-image --target, cached by content hash under
# $BUILD_DIR/guests) hold Debian's init system, openssh-server, python3
# and osapi-launch's run-time libraries, but not osapi-launch: the role
# installs the project's .deb (tests/vm/build-deb).  The systemd guest has
# Debian's apparmor package and is booted with apparmor=1
# security=apparmor, so the role's AppArmor task runs there; the others
# have rsyslog, where the launcher's applied-policy record goes.  Root's
# ssh key is made for this run and laid over the guests at boot.
#
#   - one play converges the whole fleet; each agent is then read from
#     outside, through ssh, in the guest's /proc: the osapi uid and gid,
#     cap_net_raw alone (effective, bounding, ambient), no_new_privs, the
#     seccomp filters, its parent the init system's supervisor, the files'
#     owners and modes, ping_group_range; the service enabled as that init
#     system enables services; one launch, one applied-policy record;
#   - systemd: the package's osapi-agent-launch.service, the AppArmor
#     profile loaded by the role and the agent's label osapi-agent;
#   - the sysvinit host is the fleet's deliberately weakened one: its
#     inventory line gives the role one more capability
#     (osapi_launch_config_extra), which its agent then holds;
#   - a second play reports changed=0 on every host and no agent restarts;
#   - contrib/fleet/osapi-launch-audit, reading every host's records over
#     ssh against the runit host's record as the approved policy, finds the
#     weakened host and names what differs.
#
# The agent is tests/probe.c built static (--sleep): the real agent cannot
# be built here.  OSAPI_ANSIBLE_GUESTS="systemd runit" runs a subset (the
# audit needs runit and sysvinit).  Measured: see docs/fleet.md.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd qemu-system-x86_64 "apt-get install qemu-system-x86"
need_cmd mmdebstrap "apt-get install mmdebstrap"
need_cmd mke2fs "apt-get install e2fsprogs"
need_cmd dpkg-buildpackage "apt-get install dpkg-dev debhelper"
need_cmd ansible-playbook "apt-get install ansible-core"
need_cmd ssh "apt-get install openssh-client"
need_cmd ssh-keygen "apt-get install openssh-client"
need_cmd apt-get "Debian's apt: the kernel and the guests' packages come from the archive"
scratch
vm=$SRC_DIR/tests/vm
gdir=${OSAPI_GUEST_DIR:-$BUILD_DIR/guests}
export OSAPI_GUEST_DIR=$gdir
mkdir -p "$gdir/logs"
guests=${OSAPI_ANSIBLE_GUESTS:-systemd openrc runit sysvinit}
weak_caps='[AmbientCapabilities=CAP_NET_BIND_SERVICE, CapabilityBoundingSet=CAP_NET_BIND_SERVICE]'
hosts=()
SSH_CONFIG=$SCRATCH/ssh_config
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	local h f
	for h in "${hosts[@]}"; do ssh -F "$SSH_CONFIG" -O exit "$h" >/dev/null 2>&1; done
	for f in "$SCRATCH"/*/qemu.pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
TARGET_KIND=ssh
# shellcheck source=tests/lib/ansible.sh
. "$SRC_DIR/tests/lib/ansible.sh"
t_all=$(now)

# --- what every guest gets ---------------------------------------------------

deb=$("$vm/build-deb")
ok $? "the project's .deb: $(basename "${deb:-none}")"
cc -D_GNU_SOURCE -static -O2 -o "$SCRATCH/agent" "$SRC_DIR/tests/probe.c"
ok $? "a static stand-in agent (tests/probe.c)"
python3 -c 'import json,sys; json.dump({"osapi_launch_package": sys.argv[1], "osapi_agent_binary_src": sys.argv[2],
	"osapi_agent_args": "--sleep 100000", "osapi_nats_url": "nats://127.0.0.1:4222"}, open(sys.argv[3], "w"))' \
	"$deb" "$SCRATCH/agent" "$SCRATCH/vars.json"

ssh-keygen -q -t ed25519 -N '' -C "osapi-launch test $$" -f "$SCRATCH/id"
ok $? "an ssh key for this run"
payload=$SCRATCH/payload
install -d -m 0700 "$payload/root/.ssh"
install -m 0600 "$SCRATCH/id.pub" "$payload/root/.ssh/authorized_keys"
chown -R 0:0 "$payload"

# What an operator's ssh_config would say for a host on a forwarded port.
# The guests' host keys are made with their images: not checked.
cat >"$SSH_CONFIG" <<EOF
Host osapi-*
	HostName 127.0.0.1
	User root
	IdentityFile $SCRATCH/id
	IdentitiesOnly yes
	BatchMode yes
	StrictHostKeyChecking no
	UserKnownHostsFile /dev/null
	LogLevel ERROR
	ConnectTimeout 20
	ControlMaster auto
	ControlPath $SCRATCH/cm-%C
	ControlPersist 600
EOF
# The inventory (YAML, as in the guide's section 11): written once every
# guest has its port.
fleet=$SCRATCH/inventory.yml
inv_hosts=

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# --- boot the fleet ----------------------------------------------------------

# Booted all at once: qemu returns once the guest runs, and the boots share
# the machine's cores.
declare -A sup port caps
for init in $guests; do
	pid1=/sbin/init with=() append='' hostvars=''
	case $init in
	systemd)
		with=(--with apparmor)
		append="apparmor=1 security=apparmor"
		sup[$init]=systemd
		;;
	openrc)
		pid1=/sbin/openrc-init
		with=(--with rsyslog)
		sup[$init]=supervise-daemo # comm is 15 characters: supervise-daemon
		;;
	runit)
		with=(--with rsyslog)
		sup[$init]=runsv
		;;
	sysvinit)
		with=(--with rsyslog --with orphan-sysvinit-scripts)
		sup[$init]=init # start-stop-daemon --background: the daemon is init's
		# The weakened host: one more capability, as an operator's
		# override for one host would give it.
		hostvars="osapi_launch_config_extra: $weak_caps"
		caps[$init]=0000000000002400
		;;
	*)
		ok 1 "unknown init system $init in OSAPI_ANSIBLE_GUESTS"
		continue
		;;
	esac
	host=osapi-$init
	t=$(now)
	img=$("$vm/build-image" --target "${with[@]}" "$init" "$deb")
	ok $? "$host: disk image $(basename "${img:-none}") ($(($(now) - t)) s)"
	[ -f "$img" ] || continue
	mkdir -p "$SCRATCH/$init"
	cp --sparse=always "$img" "$SCRATCH/$init/disk.img"
	port[$init]=$(free_port)
	"$vm/boot-target" --init "$pid1" ${append:+--append "$append"} \
		"$SCRATCH/$init/disk.img" "$payload" "${port[$init]}" "$SCRATCH/$init"
	ok $? "$host: booting ($pid1 as PID 1, ssh on 127.0.0.1:${port[$init]})"
	[ -s "$SCRATCH/$init/qemu.pid" ] || continue
	printf 'Host %s\n\tPort %s\n' "$host" "${port[$init]}" >>"$SSH_CONFIG"
	inv_hosts+="    $host:
      ansible_host: 127.0.0.1
      ansible_port: ${port[$init]}
${hostvars:+      $hostvars
}"
	hosts+=("$host")
done
cat >"$fleet" <<EOF
agents:
  hosts:
$inv_hosts  vars:
    ansible_user: root
    ansible_become: false
    ansible_python_interpreter: /usr/bin/python3
    ansible_connection: ssh
    ansible_ssh_private_key_file: $SCRATCH/id
    ansible_ssh_common_args: -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no
EOF
# ssh_config takes the first value it reads: the Host osapi-* block above
# comes first for everything but Port, which only the per-host blocks set.

t=$(now)
up=()
for host in "${hosts[@]}"; do
	init=${host#osapi-}
	for _ in $(seq 1 120); do
		in_target "$host" true 2>/dev/null && break
		sleep 2
	done
	if in_target "$host" true 2>/dev/null; then
		ok 0 "$host: sshd answers ($(($(now) - t)) s after the boots began)"
		up+=("$host")
	else
		ok 1 "$host: sshd answers"
		tr -d '\r' <"$SCRATCH/$init/console.log" | tail -n 20 | sed 's/^/#   /'
	fi
	cp "$SCRATCH/$init/console.log" "$gdir/logs/ansible-$init.console" 2>/dev/null
done
hosts=("${up[@]}")
[ ${#hosts[@]} -gt 0 ] || done_testing

# records HOST: the applied-policy records on HOST, one a line, where the
# launcher's syslog target puts them: journald on systemd, rsyslog's
# auth.log (authpriv) elsewhere.
records() {
	in_target "$1" 'if [ -d /run/systemd/system ]; then journalctl -q -o cat -t osapi-launch --no-pager;
		else grep -h "osapi-launch\[" /var/log/auth.log | sed "s/^[^{]*//"; fi'
}
# json_get FIELD: FIELD (dotted) of the JSON document on stdin.
json_get() { python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[k]
print(v if not isinstance(v, (dict, list)) else json.dumps(v))' "$1"; }

# --- converge ----------------------------------------------------------------

t=$(now)
play "$fleet" "$SCRATCH/fleet.1.log"
rc=$?
ok $rc "the play converges the fleet: ${hosts[*]} ($(($(now) - t)) s)"
[ $rc -eq 0 ] || tail -40 "$SCRATCH/fleet.1.log" | sed 's/^/#   /'
declare -A agent
for host in "${hosts[@]}"; do
	init=${host#osapi-}
	check_converged "$host" "$SCRATCH/fleet.1.log" "${sup[$init]}" "" "${caps[$init]:-}"
	agent[$host]=$PID
	[ -n "$PID" ] || continue
	recs=$(records "$host")
	is "$(printf '%s\n' "$recs" | grep -c '^{')" 1 "$host: launched once: one applied-policy record"
	last=$(printf '%s\n' "$recs" | grep '^{' | tail -n 1)
	is "$(json_get pid <<<"$last")" "$PID" "$host: ... the running agent's"
	is "$(json_get host <<<"$last")" "$host" "$host: ... naming its host"
	case $init in
	systemd)
		like "$(in_target "$host" 'systemctl show -p FragmentPath --value osapi-agent-launch.service')" \
			'^(/usr)?/lib/systemd/system/osapi-agent-launch\.service$' "$host: the unit is the package's"
		is "$(in_target "$host" 'sha256sum </lib/systemd/system/osapi-agent-launch.service')" \
			"$(sha256sum <"$SRC_DIR/contrib/systemd/osapi-agent-launch.service")" \
			"$host: ... which is contrib/systemd/osapi-agent-launch.service"
		is "$(in_target "$host" 'systemctl is-enabled osapi-agent-launch.service')" enabled "$host: enabled"
		is "$(in_target "$host" 'systemctl show -p NRestarts --value osapi-agent-launch.service')" 0 \
			"$host: systemd never had to restart it"
		like "$(in_target "$host" 'cat /sys/kernel/security/apparmor/profiles')" '^osapi-agent \(enforce\)' \
			"$host: the role loaded the AppArmor profile osapi-agent, enforcing"
		is "$(proc_file "$host" "$PID" attr/current)" "osapi-agent (enforce)" \
			"$host: the agent runs under it (/proc/PID/attr/current)"
		is "$(json_get lsm.apparmor <<<"$last")" osapi-agent "$host: ... as its record says"
		;;
	openrc)
		like "$(in_target "$host" 'rc-update show default')" '^ *osapi-agent \| default' "$host: in the default runlevel"
		;;
	runit)
		is "$(in_target "$host" 'readlink /etc/service/osapi-agent')" /etc/sv/osapi-agent "$host: linked into /etc/service"
		like "$(in_target "$host" 'sv status /etc/service/osapi-agent')" "^run: /etc/service/osapi-agent: \\(pid $PID\\)" \
			"$host: sv status says it runs"
		;;
	sysvinit)
		like "$(in_target "$host" 'ls /etc/rc2.d')" 'S[0-9]+osapi-agent' "$host: started in runlevel 2"
		is "$(in_target "$host" 'cat /run/osapi-agent.pid')" "$PID" "$host: its pid file names the agent"
		;;
	esac
done

# --- idempotence -------------------------------------------------------------

t=$(now)
play "$fleet" "$SCRATCH/fleet.2.log"
ok $? "a second run succeeds ($(($(now) - t)) s)"
for host in "${hosts[@]}"; do
	[ -n "${agent[$host]}" ] || continue
	check_idempotent "$host" "$SCRATCH/fleet.2.log" "${agent[$host]}"
done

# --- the fleet audit ---------------------------------------------------------

# The approved policy: the runit host's record, as the role left it, read
# as the guide reads it.
if [ -n "${agent[osapi-runit]:-}" ] && [ -n "${agent[osapi-sysvinit]:-}" ]; then
	in_target osapi-runit "grep -h 'osapi-launch\[' /var/log/auth.log" | tail -n 1 >"$SCRATCH/approved.jsonl"
	audit=$SRC_DIR/contrib/fleet/osapi-launch-audit
	sources=()
	for host in "${hosts[@]}"; do sources+=("ssh:$host"); done
	# uid and gid: each host allocated the osapi user its own.
	t=$(now)
	"$audit" --approved "$SCRATCH/approved.jsonl" --ignore uid,gid --rsh "ssh -F $SSH_CONFIG" \
		--json "${sources[@]}" >"$SCRATCH/audit.json"
	is $? 1 "the audit of the fleet over ssh exits 1: a host differs ($(($(now) - t)) s)"
	"$audit" --approved "$SCRATCH/approved.jsonl" --ignore uid,gid --rsh "ssh -F $SSH_CONFIG" \
		"${sources[@]}" >"$SCRATCH/audit.txt"
	sed 's/^/#   /' "$SCRATCH/audit.txt"
	verdict() { # verdict HOST: status, weaker or not, the differing fields
		python3 -c 'import json, sys
for h in json.load(open(sys.argv[1]))["hosts"]:
    if h["host"] == sys.argv[2]:
        print(h["status"], "weaker" if h.get("weaker") else "not-weaker",
              " ".join(sorted(d["field"] for d in h["differences"])))' "$SCRATCH/audit.json" "$1"
	}
	like "$(verdict osapi-sysvinit)" '^differs weaker ' "osapi-sysvinit: the audit finds the weakened host, marked weaker"
	like "$(verdict osapi-sysvinit)" 'capabilities\.ambient\.mask .*capabilities\.bounding\.mask.*capabilities\.effective\.mask' \
		"osapi-sysvinit: ... naming the capability sets"
	like "$(verdict osapi-sysvinit)" 'config\.sha256' "osapi-sysvinit: ... and its config, which is not the approved one"
	log_like "$SCRATCH/audit.txt" 'capabilities\.ambient\.names: approved \["cap_net_raw"\], running \["cap_net_bind_service", "cap_net_raw"\] WEAKER' \
		"... in words: cap_net_bind_service added, WEAKER"
	is "$(verdict osapi-runit)" "matches not-weaker " "osapi-runit: matches the approval"
	[ -z "${agent[osapi-openrc]:-}" ] ||
		is "$(verdict osapi-openrc)" "matches not-weaker " "osapi-openrc: matches the approval"
	# systemd's launcher runs without CAP_SYS_ADMIN (the unit bounds it), so
	# Landlock, not a mount namespace, enforces the file-system directives,
	# and the AppArmor label is one more: it differs, none of it weaker.
	[ -z "${agent[osapi-systemd]:-}" ] ||
		like "$(verdict osapi-systemd)" '^differs not-weaker .*lsm\.apparmor.*sandbox_backend' \
			"osapi-systemd: differs (its AppArmor label, Landlock for the file system), none of it weaker"
else
	ok 1 "the audit needs the runit and sysvinit guests (OSAPI_ANSIBLE_GUESTS=$guests)"
fi

diag "all: $(($(now) - t_all)) s"
done_testing
