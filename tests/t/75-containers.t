#!/bin/bash
# The container files under contrib/, started for real by their engines:
#
#   Docker   contrib/docker/Dockerfile, unchanged, built on debian:12 and
#            debian:12-slim made here from Debian's packages (no registry),
#            run with the docker run line of its header and the guide;
#   podman   contrib/kubernetes/osapi-agent.yaml's pod, with `podman kube
#            play` and the same image (Debian 12's podman 4.3).
#
# Every engine command is read from docs/agent-hardening.md (the blocks
# marked "run by tests/t/75-containers.t (NAME)") and run as written; the
# only substitutions are host paths the guide names in /etc (the agent's
# osapi.yaml, containers.conf), which go to scratch files here, and the
# output file of the Secret block.  Every such block must be run.
#
# From the host, for each engine: /proc/PID/status of the agent shows the
# osapi uid, exactly the capabilities, no_new_privs and seccomp filter
# count the launcher gives on this host (plus the engine's own filter),
# the mounts the run line asks for; a refused config stops the container
# with 78; restart confines the agent again; stop and removal leave no
# process, cgroup, mount, container, pod or volume behind.
#
# The real agent cannot be built here (no module proxy access to it), so
# ./osapi in the build context is tests/container-agent.c built -static: a
# stand-in that waits for SIGTERM.
#
# Cost: base images (mmdebstrap) and the image build take minutes on a
# fresh machine; the base images are cached under a tag derived from the
# guide's recipe and mmdebstrap's version, the rest by Docker's layer cache
# and the image id podman already holds.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root

# A missing engine or tool fails in CI (tools/install-deps --test installs
# them; the Docker engine comes with the machine) and skips elsewhere.
require() { # require DESCRIPTION COMMAND...
	local what=$1
	shift
	"$@" >/dev/null 2>&1 && return 0
	if [ "${CI:-}" = true ]; then
		ok 1 "$what"
		done_testing
	fi
	skip_all "$what is missing"
}
require "a Docker engine that answers (docker info)" docker info
for c in mmdebstrap mmtarfilter podman catatonit runc gcc; do
	require "$c (tools/install-deps --test)" command -v "$c"
done
require "python3 with PyYAML (python3-yaml)" /usr/bin/python3 -c 'import yaml'

t0=$(date +%s)
lap() { diag "$(($(date +%s) - t0)) s: $*"; }

guide=$SRC_DIR/docs/agent-hardening.md
cache=$BUILD_DIR/containers
mkdir -p "$cache"
# The scratch directory, the probe and the osapi user (expectations below).
setup_launch
work=$SCRATCH/work
mkdir -m 0755 "$work"
# The engines' objects these tests create: removed before (the leftovers
# of an interrupted run) and after, whatever happens.
remove_objects() {
	docker rm -f osapi-agent osapi-agent-bad osapi-agent-bare >/dev/null 2>&1
	podman pod rm -f osapi-agent >/dev/null 2>&1
	podman secret rm osapi-agent-config >/dev/null 2>&1
	podman volume rm -f osapi-agent-config >/dev/null 2>&1
}
remove_objects
# shellcheck disable=SC2064 # $SCRATCH is known now
trap "remove_objects; rm -rf '$SCRATCH'" EXIT
# The guide's commands run with Debian's tools (python3 with PyYAML), not
# whatever a developer's PATH puts first.
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin

# --- the guide's blocks --------------------------------------------------

marker() { printf '<!-- snippet: run by tests/t/75-containers.t (%s) -->' "$1"; }
block() { # block NAME: the body of the fenced block after NAME's marker
	awk -v m="$(marker "$1")" '
	$0 == m { armed = 1; next }
	armed && !inb && /^```/ { inb = 1; next }
	inb && /^```[ \t]*$/ { exit }
	inb { print }
	' "$guide"
}
used=" "
# run_block NAME [SED-EXPR]: runs NAME's block with bash -e in $work,
# after the sed expression; sets BOUT (stdout and stderr) and BRC.
run_block() {
	local body
	body=$(block "$1")
	if [ -z "$body" ]; then
		BOUT="no block marked $(marker "$1") in the guide"
		BRC=1
		return
	fi
	[ -n "${2:-}" ] && body=$(printf '%s\n' "$body" | sed "$2")
	used="$used$1 "
	BOUT=$(cd "$work" && bash -e -c "$body" 2>&1)
	BRC=$?
}
# oneline TEXT: shell continuation lines joined, blanks squeezed.
oneline() { printf '%s\n' "$1" | sed -e 's/^[#[:space:]]*//' | sed -e ':a' -e '/\\$/{N;s/\\\n[[:space:]]*/ /;ba' -e '}' | tr -s ' \t' '  '; }

# --- expectations, from this host ----------------------------------------

# What the launcher gives the agent with the image's config (the shipped
# one minus AppArmorProfile=), measured here with the probe: the
# capability sets and the number of seccomp filters it stacks.
sed -e "s|^ExecStart=.*|ExecStart=$P|" -e '/^AppArmorProfile=/d' \
	"$SRC_DIR/conf/osapi-launch.conf" >"$SCRATCH/image.conf"
chmod 0644 "$SCRATCH/image.conf"
run_launch -c "$SCRATCH/image.conf"
is "$RC" 0 "host: the image's config launches the probe"
want_cap=$(field CapAmb)
want_bnd=$(field CapBnd)
want_filters=$(field Seccomp_filters)
ok "$([ -n "$want_cap" ] && [ "$want_cap" != 0000000000000000 ] && echo 0 || echo 1)" \
	"host: the launcher hands on an ambient capability ($want_cap)"
ok "$([ "${want_filters:-0}" -ge 1 ] && echo 0 || echo 1)" "host: the launcher stacks $want_filters seccomp filter(s)"

# status_of PID KEY: the first field of KEY in /proc/PID/status
status_of() { awk -v k="$2:" '$1 == k { print $2; exit }' "/proc/$1/status"; }
# confined LABEL PID ENGINE_FILTERS UID: the agent as the launcher leaves it
confined() {
	local l=$1 pid=$2 ef=$3 uid=$4 ids
	is "$(cat "/proc/$pid/comm" 2>/dev/null)" osapi "$l: PID $pid is the agent (comm osapi)"
	ids=$(awk '$1 == "Uid:" || $1 == "Gid:" { print $2, $3, $4, $5 }' "/proc/$pid/status" | tr '\n' ' ')
	is "$ids" "$uid $uid $uid $uid $uid $uid $uid $uid " "$l: uid and gid $uid (osapi), real to filesystem"
	for k in CapPrm CapEff CapAmb CapInh; do
		is "$(status_of "$pid" $k)" "$want_cap" "$l: $k = $want_cap (cap_net_raw)"
	done
	is "$(status_of "$pid" CapBnd)" "$want_bnd" "$l: CapBnd = $want_bnd"
	is "$(status_of "$pid" NoNewPrivs)" 1 "$l: NoNewPrivs 1"
	is "$(status_of "$pid" Seccomp)" 2 "$l: Seccomp 2 (filter mode)"
	is "$(status_of "$pid" Seccomp_filters)" $((ef + want_filters)) \
		"$l: Seccomp_filters = $ef (engine) + $want_filters (launcher)"
}
# mount_opts PID MOUNTPOINT: the per-mount options of MOUNTPOINT in PID's
# mount namespace ("ro,..."); empty when nothing is mounted there.
mount_opts() { awk -v m="$2" '$5 == m { print $6 " " $(NF - 2) " " $NF }' "/proc/$1/mountinfo" | tail -n 1; }
# cgroup_dirs PID: the cgroup directories (v1 hierarchies) holding PID
cgroup_dirs() {
	awk -F: '$2 != "" { n = split($2, c, ","); print "/sys/fs/cgroup/" c[1] $3 }
		$2 == "" { print "/sys/fs/cgroup/unified" $3 }' "/proc/$1/cgroup" |
		sed 's|/sys/fs/cgroup/name=systemd|/sys/fs/cgroup/systemd|'
}
gone() { # gone DESCRIPTION PATH...: none of the paths exists
	local p left=
	for p in "${@:2}"; do [ -e "$p" ] && left="$left $p"; done
	ok "$([ -z "$left" ] && echo 0 || echo 1)" "$1"
	[ -z "$left" ] || diag "left behind:$left"
}

# --- the base images -------------------------------------------------------

mmv=$(dpkg-query -W -f '${Version}' mmdebstrap)
key=$( (block docker-base && echo "$mmv") | sha256sum | cut -c1-16)
base=osapi-launch-base
if docker image inspect "$base:debian-12-$key" "$base:debian-12-slim-$key" >/dev/null 2>&1; then
	diag "base images cached ($base:*-$key)"
	docker tag "$base:debian-12-$key" debian:12 &&
		docker tag "$base:debian-12-slim-$key" debian:12-slim
	ok $? "base images debian:12, debian:12-slim (cached for this recipe)"
else
	run_block docker-base
	ok $BRC "base images: the guide's mmdebstrap | docker import recipe"
	[ $BRC -eq 0 ] || printf '%s\n' "$BOUT" | tail -n 15 | sed 's/^/#   /'
	docker tag debian:12 "$base:debian-12-$key" &&
		docker tag debian:12-slim "$base:debian-12-slim-$key"
fi
used="${used}docker-base "
for i in debian:12 debian:12-slim; do
	like "$(docker run --rm "$i" cat /etc/os-release 2>&1)" 'VERSION_ID="12"' "$i runs and is Debian 12"
done
lap "base images"

# --- the image, from the shipped Dockerfile -------------------------------

df=$SRC_DIR/contrib/docker/Dockerfile
is "$(oneline "$(sed -n '/^#   docker build/p' "$df")")" "$(oneline "$(block docker-build)")" \
	"the Dockerfile's header and the guide build with the same command"
is "$(oneline "$(sed -n '/^#   docker run/,/^#     osapi-agent$/p' "$df")")" "$(oneline "$(block docker-run)")" \
	"the Dockerfile's header and the guide run with the same command"

# The context an operator has: the source tree with the agent's binary as
# ./osapi (here the stand-in).
ctx=$work
(cd "$SRC_DIR" && git ls-files -co --exclude-standard | grep -v '^build' |
	tar -cf - -T -) | tar -xf - -C "$ctx"
gcc -static -O2 -Wall -Wextra -Werror -o "$ctx/osapi" "$SRC_DIR/tests/container-agent.c"
ok $? "the stand-in agent builds -static"
old_image=$(docker image inspect -f '{{.Id}}' osapi-agent 2>/dev/null)
run_block docker-build
ok $BRC "docker build -f contrib/docker/Dockerfile, unchanged, with the classic builder"
if [ $BRC -ne 0 ]; then
	printf '%s\n' "$BOUT" | tail -n 20 | sed 's/^/#   /'
	# An osapi-agent image of an earlier run would be tested otherwise.
	diag "no image built: nothing more to test"
	done_testing
fi
# The previous run's image, replaced: removed with what only it used, so
# source changes do not pile up images (its shared layers stay).
if [ -n "$old_image" ] && [ "$old_image" != "$(docker image inspect -f '{{.Id}}' osapi-agent)" ]; then
	docker rmi "$old_image" >/dev/null 2>&1
fi
osapi_uid=$(docker run --rm --entrypoint /usr/bin/id osapi-agent -u osapi 2>&1)
like "$osapi_uid" '^[1-9][0-9]*$' "the image has the osapi user (uid $osapi_uid)"
docker_filters=$(docker run --rm --entrypoint /bin/grep osapi-agent Seccomp_filters /proc/self/status | awk '{print $2}')
like "$docker_filters" '^[0-9]+$' "Docker's own seccomp filters, measured: $docker_filters"
lap "image built"

# --- Docker: run, check, refuse, restart, stop ----------------------------

printf 'nats:\n  url: nats://127.0.0.1:4222\n' >"$SCRATCH/osapi.yaml"
chmod 0644 "$SCRATCH/osapi.yaml"
cfg_sub="s|-v /etc/osapi/osapi.yaml:|-v $SCRATCH/osapi.yaml:|"

# Negative control: the same run line with the launcher bypassed leaves a
# root process with four capabilities, so the checks below can fail.
run_block docker-run "$cfg_sub;s|--name osapi-agent|--name osapi-agent-bare --entrypoint /usr/bin/osapi|"
bare=$(docker inspect -f '{{.State.Pid}}' osapi-agent-bare 2>/dev/null)
if [ -n "$bare" ] && [ "$bare" != 0 ]; then
	out=$(confined control "$bare" "$docker_filters" "$osapi_uid")
	ok "$(printf '%s\n' "$out" | grep -q '^not ok' && echo 0 || echo 1)" \
		"control: without the launcher the agent fails the checks ($(printf '%s\n' "$out" | grep -c '^not ok') of them)"
else
	ok 1 "control: the run line with --entrypoint /usr/bin/osapi starts"
fi
docker rm -f osapi-agent-bare >/dev/null 2>&1

run_block docker-run "$cfg_sub"
ok $BRC "docker run: the guide's line (--cap-drop ALL, four --cap-add, no-new-privileges, --read-only, tmpfs)"
[ $BRC -eq 0 ] || printf '%s\n' "$BOUT" | sed 's/^/#   /'
sleep 1
pid=$(docker inspect -f '{{.State.Pid}}' osapi-agent)
cid=$(docker inspect -f '{{.Id}}' osapi-agent)
merged=$(docker inspect -f '{{.GraphDriver.Data.MergedDir}}' osapi-agent)
confined docker "$pid" "$docker_filters" "$osapi_uid"
like "$(mount_opts "$pid" /)" '^ro' "docker: the root file system is read-only"
like "$(mount_opts "$pid" /tmp)" '^rw.* tmpfs ' "docker: /tmp is a tmpfs"
like "$(mount_opts "$pid" /var/lib/osapi)" "tmpfs .*mode=700,uid=$osapi_uid,gid=$osapi_uid" "docker: /var/lib/osapi is the osapi-owned tmpfs"
like "$(mount_opts "$pid" /etc/osapi/osapi.yaml)" '^ro' "docker: the agent's config is mounted read-only"
cgs=$(cgroup_dirs "$pid")
ok "$(for d in $cgs; do [ -d "$d" ] || echo missing; done | grep -q missing && echo 1 || echo 0)" \
	"docker: the agent's cgroups are visible from the host ($(printf '%s\n' "$cgs" | wc -l))"
like "$(cat /proc/self/mountinfo)" " $merged " "docker: the container's root is mounted on the host while it runs"

vb=$(block docker-verify)
cmds=$(printf '%s\n' "$vb" | sed -n 's/^# //p')
want=$(printf '%s\n' "$vb" | grep -v '^# ')
got=$(cd "$work" && bash -c "$cmds" 2>&1)
is "$got" "$want" "guide: the verification commands print what the guide shows"
used="${used}docker-verify "

run_block docker-status
ok $BRC "docker status: the guide's commands"
like "$BOUT" '^osapi-agent Up ' "docker status: osapi-agent is up"
like "$BOUT" "osapi stand-in: agent running as uid $osapi_uid" "docker logs: the agent started as osapi"

run_block docker-restart
ok $BRC "docker restart"
sleep 1
pid2=$(docker inspect -f '{{.State.Pid}}' osapi-agent)
ok "$([ -n "$pid2" ] && [ "$pid2" != 0 ] && [ "$pid2" != "$pid" ] && echo 0 || echo 1)" "docker restart: a new agent process ($pid -> $pid2)"
ok "$([ ! -e "/proc/$pid" ] && echo 0 || echo 1)" "docker restart: the old agent is gone"
confined "docker after restart" "$pid2" "$docker_filters" "$osapi_uid"
is "$(docker logs osapi-agent 2>&1 | grep -c 'signal 15, exiting')" 1 "docker restart: the agent was stopped by SIGTERM, not killed"

cgs=$(cgroup_dirs "$pid2")
s0=$(date +%s)
run_block docker-stop
ok $BRC "docker stop, docker rm"
ok "$([ $(($(date +%s) - s0)) -lt 10 ] && echo 0 || echo 1)" "docker stop: done within Docker's 10 s grace (SIGTERM reached the agent)"
ok "$([ ! -e "/proc/$pid2" ] && echo 0 || echo 1)" "docker stop: no agent process left"
# shellcheck disable=SC2086 # a list of paths
gone "docker stop: no cgroup left" $cgs
gone "docker rm: no container directory left" "/var/lib/docker/containers/$cid"
unlike "$(cat /proc/self/mountinfo)" "$cid|$merged" "docker rm: no mount of the container left"
is "$(docker ps -aq --filter name=osapi-agent)" "" "docker rm: no container left"

# A config the launcher refuses: the container exits with 78 at once.
printf '[Launch]\nExecStart=/usr/bin/osapi agent start\nUser=osapi\nProtectSwap=yes\n' >"$SCRATCH/bad.conf"
chmod 0644 "$SCRATCH/bad.conf"
run_block docker-run "s|-v /etc/osapi/osapi.yaml:|-v $SCRATCH/bad.conf:/etc/osapi/launch.conf:ro -v $SCRATCH/osapi.yaml:|;s|--name osapi-agent|--name osapi-agent-bad|"
ok $BRC "docker run with a wrong launch.conf mounted"
is "$(timeout 60 docker wait osapi-agent-bad)" 78 "docker: a refused config stops the container with exit status 78"
like "$(docker logs osapi-agent-bad 2>&1)" 'launch\.conf:4: unknown directive ProtectSwap=' "docker logs: file, line and reason"
docker rm osapi-agent-bad >/dev/null
lap "docker"

# --- podman: the Kubernetes manifest --------------------------------------

yaml=$SRC_DIR/contrib/kubernetes/osapi-agent.yaml
psa=$(/usr/bin/python3 -c '
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "Namespace":
        print(d["metadata"].get("labels", {}).get("pod-security.kubernetes.io/enforce", ""))
' "$yaml")
is "$psa" privileged "k8s: the namespace admits the pod (Pod Security enforce=privileged, documented)"

conf=$cache/containers.conf
export CONTAINERS_CONF=$conf
run_block podman-setup "s|/etc/containers/containers.conf|$conf|"
ok $BRC "podman: containers.conf (default_ulimits within root's hard limits, runc)"
[ $BRC -eq 0 ] || printf '%s\n' "$BOUT" | sed 's/^/#   /'
like "$(podman info --format '{{.Host.OCIRuntime.Name}}' 2>&1)" '^runc$' "podman: runc is the runtime"
did=$(docker image inspect -f '{{.Id}}' osapi-agent)
did=${did#sha256:}
if [ "$(podman image inspect -f '{{.Id}}' localhost/osapi-agent 2>/dev/null)" = "$did" ]; then
	diag "podman holds the same image already ($did)"
	used="${used}podman-load "
else
	old_image=$(podman image inspect -f '{{.Id}}' localhost/osapi-agent 2>/dev/null)
	run_block podman-load
	ok $BRC "podman: docker save | podman load"
	[ -n "$old_image" ] && podman rmi "$old_image" >/dev/null 2>&1
fi
is "$(podman image inspect -f '{{.Id}}' localhost/osapi-agent 2>&1)" "$did" "podman: the same image as Docker's"
# Why containers.conf (with the image loaded, so only the limits can
# fail): without CAP_SYS_RESOURCE root cannot raise a hard limit, and rootful
# podman's default RLIMIT_NOFILE (1048576) is above it.
if ! grep -q '^CapBnd:' /proc/self/status ||
	[ $((0x$(status_of self CapBnd) >> 24 & 1)) -eq 1 ]; then
	diag "root has CAP_SYS_RESOURCE here: podman's defaults would do"
else
	: >"$SCRATCH/empty.conf"
	like "$(CONTAINERS_CONF=$SCRATCH/empty.conf podman run --rm osapi-agent --version 2>&1)" \
		'error setting rlimit type 7: operation not permitted' \
		"podman: root lacks CAP_SYS_RESOURCE here, and podman's default RLIMIT_NOFILE fails as #14 saw"
fi

podman_filters=$(podman run --rm --entrypoint /bin/grep osapi-agent Seccomp_filters /proc/self/status | awk '{print $2}')
like "$podman_filters" '^[0-9]+$' "podman's own seccomp filters, measured: $podman_filters"

# The manifest as shipped: podman 4.3 knows no DaemonSet; a later podman
# plays it (and it is taken down again).
if out=$(podman kube play "$yaml" 2>&1); then
	ok 0 "podman kube play contrib/kubernetes/osapi-agent.yaml plays the DaemonSet"
	podman kube down "$yaml" >/dev/null 2>&1
else
	like "$out" 'does not contain any supported kube kind' "podman kube play of the manifest: refused only for want of the DaemonSet kind"
fi

run_block podman-pod
ok $BRC "podman: the DaemonSet's pod template as a Pod"
[ $BRC -eq 0 ] || printf '%s\n' "$BOUT" | sed 's/^/#   /'
block podman-secret >"$work/osapi-agent-secret.yaml"
used="${used}podman-secret "
run_block podman-start
ok $BRC "podman kube play: the Secret, then the pod"
[ $BRC -eq 0 ] || printf '%s\n' "$BOUT" | sed 's/^/#   /'
sleep 1
ctr=osapi-agent-osapi-agent
pid=$(podman inspect -f '{{.State.Pid}}' $ctr 2>/dev/null)
podid=$(podman pod inspect -f '{{.Id}}' osapi-agent 2>/dev/null)
merged=$(podman inspect -f '{{.GraphDriver.Data.MergedDir}}' $ctr 2>/dev/null)
if [ -n "$pid" ] && [ "$pid" != 0 ]; then
	confined podman "$pid" "$podman_filters" "$osapi_uid"
	like "$(mount_opts "$pid" /)" '^ro' "podman: readOnlyRootFilesystem"
	like "$(mount_opts "$pid" /etc/osapi/osapi.yaml)" '^ro' "podman: the Secret is mounted read-only at /etc/osapi/osapi.yaml"
	for m in /tmp /var/lib/osapi; do
		like "$(mount_opts "$pid" $m)" '^rw' "podman: the emptyDir at $m is writable"
	done
	memcg=$(cgroup_dirs "$pid" | grep '/memory/')
	is "$(cat "$memcg/memory.limit_in_bytes" 2>&1)" $((512 * 1024 * 1024)) "podman: the memory limit (512Mi) is the agent's cgroup's"
	cpucg=$(cgroup_dirs "$pid" | grep '/cpu/')
	is "$(($(cat "$cpucg/cpu.cfs_quota_us") * 1000 / $(cat "$cpucg/cpu.cfs_period_us")))" 500 \
		"podman: the CPU limit (500m) is the agent's cgroup's"
	# What the guide says podman 4.3 leaves out, so that it says the truth.
	if [[ $(podman version --format '{{.Client.Version}}') == 4.3.* ]]; then
		is "$(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ping_group_range | tr -s '\t ' ' ')" "1 0" \
			"podman 4.3 (guide): the pod's sysctl is not applied"
		ok "$([ -d "/proc/$pid/root/etc/osapi/osapi.yaml" ] && echo 0 || echo 1)" \
			"podman 4.3 (guide): subPath is ignored, the Secret volume is a directory"
		is "$(cat "/proc/$pid/root/etc/osapi/osapi.yaml/osapi.yaml" 2>&1)" \
			"$(block podman-secret | sed -n 's/^  osapi.yaml: //p')" \
			"podman 4.3 (guide): the Secret's data arrives still in base64"
	fi
	like "$(cat /proc/self/mountinfo)" " $merged " "podman: the container's root is mounted on the host while it runs"
else
	ok 1 "podman: the agent's container runs"
fi

run_block podman-status
ok $BRC "podman status: the guide's commands"
like "$BOUT" '^osapi-agent Running' "podman status: the pod is running"
like "$BOUT" "osapi stand-in: agent running as uid $osapi_uid" "podman logs: the agent started as osapi"

run_block podman-restart
ok $BRC "podman pod stop, podman pod start"
sleep 1
pid2=$(podman inspect -f '{{.State.Pid}}' $ctr 2>/dev/null)
ok "$([ -n "$pid2" ] && [ "$pid2" != 0 ] && [ "$pid2" != "$pid" ] && echo 0 || echo 1)" "podman restart: a new agent process ($pid -> $pid2)"
ok "$([ ! -e "/proc/$pid" ] && echo 0 || echo 1)" "podman restart: the old agent is gone"
confined "podman after restart" "$pid2" "$podman_filters" "$osapi_uid"

cgs=$(cgroup_dirs "$pid2")
run_block podman-stop
ok $BRC "podman kube down, secret and volume removed"
[ $BRC -eq 0 ] || printf '%s\n' "$BOUT" | sed 's/^/#   /'
ok "$([ ! -e "/proc/$pid2" ] && echo 0 || echo 1)" "podman stop: no agent process left"
# shellcheck disable=SC2086 # a list of paths
gone "podman stop: no cgroup of the agent or its pod left" $cgs
like "$podid" '^[0-9a-f]{64}$' "podman: the pod had an id"
unlike "$(cat /proc/self/mountinfo)" "${podid:-none}|${merged:-none}" "podman stop: no mount of the pod left"
is "$(podman pod ps -q --filter name=osapi-agent)$(podman ps -aq --filter name=osapi-agent)" "" "podman stop: no pod, no container left"
unlike "$(podman volume ls -q)" '^(osapi-agent-config|tmp|state)$' "podman stop: no volume left"
unlike "$(podman secret ls --format '{{.Name}}')" '^osapi-agent-config$' "podman stop: no secret left"
lap "podman"

# --- every marked block was run -------------------------------------------

while read -r name; do
	case $used in
	*" $name "*) ok 0 "guide block ($name) was run" ;;
	*) ok 1 "guide block ($name) was run" ;;
	esac
done < <(grep -o '^<!-- snippet: run by tests/t/75-containers.t ([a-z-]*) -->$' "$guide" |
	sed 's/.*(\(.*\)).*/\1/')

done_testing
