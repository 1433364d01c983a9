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
#     launcher's message and leaves the running agent alone;
#   - (OpenRC) --check and --check --diff on a converged host, and the
#     SELinux tasks with stand-in selinuxenabled, semodule and restorecon.
# The agent is tests/probe.c built static (--sleep): the real agent cannot
# be built here (see docs/fleet.md).
# converge_and_check and the ways of reading a target from outside are
# tests/lib/ansible.sh's, shared with 84-ansible-guests.t (booted guests).
# Measured: ~2.3 min on a 2-core machine with cached images (image builds
# add ~2.5 min each, the .deb ~1.5 min, on first run).
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
containers=()
cleanup() {
	local c
	for c in "${containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1; done
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

need_cmd ansible-lint "apt-get install ansible-lint"
lint=$(cd "$SRC_DIR/contrib/ansible" && ansible-lint --nocolor roles/osapi_launch site.yml 2>&1)
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

TARGET_KIND=docker
# shellcheck source=tests/lib/ansible.sh
. "$SRC_DIR/tests/lib/ansible.sh"

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
log_like "$SCRATCH/bad.log" 'osapi-launch --check refused /etc/osapi/launch.conf \(exit 78\): .*launch\.conf:[0-9]+' \
	"... with the launcher's message, file:line"
is "$(agent_pid "$host")" "$pid" "... and the running agent is left alone"

# --check (a dry run) on a converged host: the role's probes still run, so
# it completes, reports nothing to change and changes nothing; with a new
# config line it reports the config task as the one change, and the host
# keeps its config and agent.
host=osapi-fleet-test-openrc
pid=$(agent_pid "$host")
conf_sum=$(in_target "$host" 'sha256sum </etc/osapi/launch.conf')
play "$SCRATCH/$host.inv" "$SCRATCH/dry.log" "" --check
ok $? "--check on a converged host completes"
like "$(recap "$host" "$SCRATCH/dry.log")" 'changed=0 .*failed=0' "... with changed=0"
[ "$(recap "$host" "$SCRATCH/dry.log" | grep -c 'changed=0 .*failed=0')" = 1 ] || tail -20 "$SCRATCH/dry.log" | sed 's/^/#   /'
printf '{"osapi_launch_config_extra": ["AmbientCapabilities=CAP_NET_BIND_SERVICE", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE"]}\n' >"$SCRATCH/more.json"
play "$SCRATCH/$host.inv" "$SCRATCH/dry2.log" "$SCRATCH/more.json" --check --diff
ok $? "--check --diff with one more capability completes"
task_log "$SCRATCH/dry2.log" "Install the launcher's config" >"$SCRATCH/dry2.task"
log_like "$SCRATCH/dry2.task" "^changed: \[$host\]" "... and reports the config as changed"
log_like "$SCRATCH/dry2.task" '^\+CapabilityBoundingSet=CAP_NET_BIND_SERVICE$' "... with the line it would add"
is "$(in_target "$host" 'sha256sum </etc/osapi/launch.conf')" "$conf_sum" "... and leaves the config as it was"
is "$(agent_pid "$host")" "$pid" "... and the agent running"

# The SELinux tasks (lsm.yml) where this machine has no SELinux: the
# host's selinuxenabled, semodule and restorecon are stand-ins that say
# SELinux is on and log what the role asks of them.  The role must load
# the module it was given once, relabel the config and the agent, name
# the SELinux context in the config, and then, as the kernel here has no
# SELinux, stop the play at --check with the launcher's message, the
# running agent left alone.  (Enforcing SELinux itself is 66-selinux-vm.t's;
# see docs/fleet.md for why the role is not run in that guest.)
in_target "$host" 'cat >/usr/local/sbin/selinuxenabled <<EOF
#!/bin/sh
exit 0
EOF
cat >/usr/local/sbin/semodule <<EOF
#!/bin/sh
echo "semodule \$*" >>/run/se-stub.log
case \$1 in
-l) cat /run/se-stub.modules 2>/dev/null || true ;;
-i) cp "\$2" /run/se-stub.installed && echo "osapi_agent	1.0" >>/run/se-stub.modules ;;
esac
EOF
cat >/usr/local/sbin/restorecon <<EOF
#!/bin/sh
echo "restorecon \$*" >>/run/se-stub.log
EOF
chmod 0755 /usr/local/sbin/selinuxenabled /usr/local/sbin/semodule /usr/local/sbin/restorecon'
head -c 4096 /dev/urandom >"$SCRATCH/osapi_agent.pp"
printf '{"osapi_launch_selinux_module": "%s"}\n' "$SCRATCH/osapi_agent.pp" >"$SCRATCH/se.json"
play "$SCRATCH/$host.inv" "$SCRATCH/se.log" "$SCRATCH/se.json"
is "$?" 2 "SELinux (stand-in tools): the play fails ..."
log_like "$SCRATCH/se.log" 'osapi-launch --check refused /etc/osapi/launch\.conf .*SELinux is not enabled' \
	"... at --check, with the launcher's message: this kernel has no SELinux"
is "$(in_target "$host" 'sha256sum </run/se-stub.installed')" "$(sha256sum <"$SCRATCH/osapi_agent.pp")" \
	"... after semodule -i loaded the module given (osapi_launch_selinux_module)"
like "$(in_target "$host" 'cat /run/se-stub.log')" 'restorecon -R /etc/osapi /usr/bin/osapi' "... and restorecon relabelled the config and the agent"
like "$(in_target "$host" 'tail -n 3 /etc/osapi/launch.conf')" '^SELinuxContext=system_u:system_r:osapi_agent_t:s0$' \
	"... and the config names the agent's SELinux context"
is "$(agent_pid "$host")" "$pid" "... and the running agent is left alone"
play "$SCRATCH/$host.inv" "$SCRATCH/se2.log" "$SCRATCH/se.json"
is "$(in_target "$host" 'grep -c "^semodule -i" /run/se-stub.log')" 1 "SELinux: a second run does not load the loaded module again"
done_testing
