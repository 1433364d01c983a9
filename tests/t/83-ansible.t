#!/bin/bash
# contrib/ansible's role, run for real with ansible-playbook against hosts
# without systemd: Debian 12 containers (tests/fleet/docker-target) whose
# PID 1 is runit's runsvdir, and one run by OpenRC.  For each host:
#   - the play converges (the project's .deb, built by
#     tests/fleet/build-packages; the osapi user; config and environment
#     file; ping_group_range; the init system's service);
#   - the agent then runs confined, read from this machine's /proc: the
#     osapi uid, cap_net_raw alone, no_new_privs, seccomp filters, under the
#     init system's supervisor;
#   - a second run reports changed=0;
#   - (runit) a config the launcher refuses fails the play with the
#     launcher's message and leaves the running agent alone.
# The agent is tests/probe.c built static (--sleep): the real agent cannot
# be built here (see docs/fleet.md).
# converge_and_check takes an inventory, so the booted guests of
# tests/vm (#14) can be targets too: see docs/fleet.md for what is left.
# Measured: ~2.5 min on a loaded 2-core machine with cached images (image
# builds add ~2.5 min each, the .deb ~1.5 min, on first run).
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd docker "the Docker engine"
need_cmd mmdebstrap "apt-get install mmdebstrap"
need_cmd ansible-playbook "apt-get install ansible-core ansible"
need_cmd dpkg-buildpackage "apt-get install dpkg-dev debhelper"
docker info >/dev/null 2>&1 || skip_all "the Docker engine is not running"
ansible-doc -t connection community.docker.docker >/dev/null 2>&1 ||
	skip_all "no community.docker connection plugin (apt-get install ansible)"
scratch
ROLE_DIR=$SRC_DIR/contrib/ansible
containers=()
cleanup() {
	local c
	for c in "${containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1; done
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

need_cmd ansible-lint "apt-get install ansible-lint"
lint=$(cd "$ROLE_DIR" && ansible-lint --nocolor roles/osapi_launch site.yml 2>&1)
ok $? "ansible-lint passes"
[ "$(printf '%s' "$lint" | grep -c 'Passed')" -gt 0 ] || printf '%s\n' "$lint" | tail -15 | sed 's/^/#   /'

pkgdir=$("$SRC_DIR/tests/fleet/build-packages" deb)
ok $? "the .deb is built"
deb=$(ls "$pkgdir"/osapi-launch_*.deb 2>/dev/null | head -n1)
cc -D_GNU_SOURCE -static -O2 -o "$SCRATCH/agent" "$SRC_DIR/tests/probe.c"
ok $? "a static stand-in agent (tests/probe.c)"
python3 -c 'import json,sys; json.dump({"osapi_launch_package": sys.argv[1], "osapi_agent_binary_src": sys.argv[2],
	"osapi_agent_args": "--sleep 100000", "osapi_nats_url": "nats://127.0.0.1:4222"}, open(sys.argv[3], "w"))' \
	"$deb" "$SCRATCH/agent" "$SCRATCH/vars.json"

# play INVENTORY LOG [EXTRA-VARS-FILE]: run the example playbook.
play() {
	ANSIBLE_CONFIG=$ROLE_DIR/ansible.cfg ANSIBLE_PIPELINING=true ANSIBLE_NOCOLOR=1 \
		ANSIBLE_HOST_KEY_CHECKING=false \
		ansible-playbook -i "$1" "$ROLE_DIR/site.yml" -e "@$SCRATCH/vars.json" ${3:+-e "@$3"} >"$2" 2>&1
}
recap() { sed -n "s/^$1 *: //p" "$2" | tr -s ' '; }

# How the agent is seen from outside, per kind of target: a container's
# processes are this machine's (docker top gives their pids here).  A
# booted guest would read its /proc over its console or ssh instead.
agent_pid() { docker top "$1" -eo pid,comm 2>/dev/null | awk '$2 == "osapi" {print $1; exit}'; }
parent_comm() { cat "/proc/$(awk '{print $4}' "/proc/$1/stat")/comm"; }
status_field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' '; }
in_target() { docker exec "$1" sh -c "$2"; }

# converge_and_check INVENTORY HOST SUPERVISOR: the play converges HOST to
# a confined running agent whose parent is SUPERVISOR, and is idempotent.
converge_and_check() {
	local inv=$1 host=$2 sup=$3 pid uid gid
	play "$inv" "$SCRATCH/$host.1.log"
	ok $? "$host: the play converges"
	like "$(recap "$host" "$SCRATCH/$host.1.log")" 'failed=0' "$host: ... with no failed task"
	[ $? -eq 0 ] || tail -25 "$SCRATCH/$host.1.log" | sed 's/^/#   /'
	for _ in $(seq 1 100); do
		pid=$(agent_pid "$host")
		[ -n "$pid" ] && break
		sleep 0.2
	done
	ok "$([ -n "$pid" ] && echo 0 || echo 1)" "$host: the agent runs (pid ${pid:-none} here)"
	[ -n "$pid" ] || return
	uid=$(in_target "$host" 'id -u osapi')
	gid=$(in_target "$host" 'id -g osapi')
	is "$(status_field "$pid" Uid)" "$uid $uid $uid $uid" "$host: as the osapi user"
	is "$(status_field "$pid" Gid)" "$gid $gid $gid $gid" "$host: in the osapi group"
	is "$(status_field "$pid" CapEff)" 0000000000002000 "$host: CapEff is cap_net_raw alone"
	is "$(status_field "$pid" CapBnd)" 0000000000002000 "$host: CapBnd is cap_net_raw alone"
	is "$(status_field "$pid" NoNewPrivs)" 1 "$host: no_new_privs"
	is "$(status_field "$pid" Seccomp)" 2 "$host: seccomp filter mode"
	like "$(status_field "$pid" Seccomp_filters)" '^[1-9]' "$host: the launcher's filters (the engine adds none)"
	is "$(parent_comm "$pid")" "$sup" "$host: supervised by $sup"
	is "$(in_target "$host" 'stat -c "%U:%G %a" /etc/osapi/launch.conf /etc/osapi/agent.env /usr/bin/osapi' | tr '\n' ' ')" \
		"root:root 644 root:root 600 root:root 755 " "$host: config, environment file and agent: owner and mode"
	like "$(in_target "$host" 'cat /etc/osapi/agent.env')" '^OSAPI_NATS_URL=nats://127\.0\.0\.1:4222$' \
		"$host: the NATS setting is in the environment file"
	like "$(tr '\n' ' ' <"/proc/$pid/environ" | tr '\0' ' ')" 'OSAPI_NATS_URL=nats://127.0.0.1:4222' \
		"$host: ... and in the agent's environment"
	is "$(in_target "$host" 'cat /proc/sys/net/ipv4/ping_group_range' | tr -s '\t ' ' ')" "$gid $gid" \
		"$host: ping_group_range is the osapi group's (it covered no group before)"
	like "$(in_target "$host" 'cat /etc/sysctl.d/60-osapi-ping.conf')" "ping_group_range = $gid $gid" \
		"$host: ... persistently"
	play "$inv" "$SCRATCH/$host.2.log"
	ok $? "$host: a second run succeeds"
	like "$(recap "$host" "$SCRATCH/$host.2.log")" 'changed=0 .*failed=0' "$host: ... with changed=0"
	[ $? -eq 0 ] || grep -B3 '^changed:' "$SCRATCH/$host.2.log" | sed 's/^/#   /'
	is "$(agent_pid "$host")" "$pid" "$host: ... and the agent was not restarted"
}

# A target: a container of tests/fleet/docker-target, as an inventory.
inventory_for() {
	local host=$1 inv=$SCRATCH/$1.inv
	printf '[agents]\n%s ansible_connection=community.docker.docker ansible_python_interpreter=/usr/bin/python3 ansible_become=false\n' \
		"$host" >"$inv"
	echo "$inv"
}

for init in runit openrc; do
	host=osapi-fleet-test-$init
	containers+=("$host")
	"$SRC_DIR/tests/fleet/docker-target" "$init" "$host" >/dev/null
	ok $? "$init: a Debian 12 host run by $init"
	case $init in
	runit) sup=runsv ;;
	openrc) sup=supervise-daemo ;; # comm is 15 characters: supervise-daemon
	esac
	converge_and_check "$(inventory_for "$host")" "$host" "$sup"
done

# A config --check refuses: the play fails with the launcher's message
# (file:line), the service is not restarted.
host=osapi-fleet-test-runit
pid=$(agent_pid "$host")
printf '{"osapi_launch_config_extra": ["NoSuchDirective=yes"]}\n' >"$SCRATCH/bad.json"
play "$SCRATCH/$host.inv" "$SCRATCH/bad.log" "$SCRATCH/bad.json"
is "$?" 2 "a refused config fails the play"
like "$(cat "$SCRATCH/bad.log")" 'osapi-launch --check refused /etc/osapi/launch.conf \(exit 78\): .*launch\.conf:[0-9]+' \
	"... with the launcher's message, file:line"
is "$(agent_pid "$host")" "$pid" "... and the running agent is left alone"
done_testing
