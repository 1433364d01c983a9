#!/bin/bash
# contrib/docker/Dockerfile.static, built and run: a FROM-scratch image with
# the static musl osapi-launch (tools/build-static-musl), no shell, no
# package manager, no C library, started with the flags its header gives.
# The real agent cannot be built here (common notes): ./osapi in the build
# context is tests/probe.c built static against musl, which reports what
# the kernel says about it.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_root
need_cmd docker "a Docker engine (docker.io)"
need_cmd musl-gcc "apt-get install musl-tools"
docker info >/dev/null 2>&1 || skip_all "the Docker engine is not running"

out=$BUILD_DIR/static
static=$("$SRC_DIR/tools/build-static-musl" "$out" 2>&1 | tail -n 1)
[ -x "$static" ] || {
	ok 1 "tools/build-static-musl builds osapi-launch"
	diag "$static"
	done_testing
}

SCRATCH=$(mktemp -d /tmp/osapi-docker-static.XXXXXX)
tag=osapi-launch-test/static:$$
trap 'docker rm -f "osapi-static-$$" >/dev/null 2>&1; docker rmi -f "$tag" >/dev/null 2>&1; rm -rf "$SCRATCH"' EXIT

# The build context the Dockerfile's header describes, holding only what
# it copies.
ctx=$SCRATCH/ctx
mkdir -p "$ctx/build-static" "$ctx/conf" "$ctx/contrib/docker"
cp "$static" "$ctx/build-static/osapi-launch"
cp "$SRC_DIR/conf/osapi-launch.conf" "$ctx/conf/"
cp -R "$SRC_DIR/contrib/docker/static" "$SRC_DIR/contrib/docker/Dockerfile.static" "$ctx/contrib/docker/"
musl-gcc -static -O2 -D_GNU_SOURCE -isystem "$out/sysroot/include" -I"$SRC_DIR/include" \
	-include "$SRC_DIR/include/die.h" -o "$ctx/osapi" \
	"$SRC_DIR/tests/probe.c" "$SRC_DIR/src/lib/errnames.c"
ok $? "the stand-in agent builds static against musl"
chmod 0755 "$ctx/osapi" "$ctx/build-static/osapi-launch"
chmod 0644 "$ctx/conf/osapi-launch.conf" "$ctx"/contrib/docker/static/etc/*

log=$(docker build -q -f "$ctx/contrib/docker/Dockerfile.static" -t "$tag" "$ctx" 2>&1)
rc=$?
is "$rc" 0 "docker build -f contrib/docker/Dockerfile.static"
[ "$rc" -eq 0 ] || {
	diag "$log"
	done_testing
}

# What is in the image: exactly the files the Dockerfile copies.
files=$(docker create --name "osapi-static-$$" "$tag" >/dev/null &&
	docker export "osapi-static-$$" | tar -t | grep -v '/$' | grep -vE '^(etc/(hostname|hosts|resolv\.conf|mtab)|\.dockerenv|proc/|sys/|dev/)' | sort)
docker rm -f "osapi-static-$$" >/dev/null
is "$(echo "$files" | tr '\n' ' ')" \
	"etc/group etc/osapi/launch.conf etc/passwd usr/bin/osapi usr/sbin/osapi-launch " \
	"the image holds the launcher, the agent, the config and passwd/group: no shell, no libc"

# Run it as the header says (read-only profile).
OUTPUT=$(docker run --rm --cap-drop ALL \
	--cap-add SETUID --cap-add SETGID --cap-add SETPCAP --cap-add NET_RAW \
	--security-opt no-new-privileges \
	--read-only --tmpfs /tmp --tmpfs /var/lib/osapi:uid=10001,gid=10001,mode=0700 \
	"$tag" 2>"$SCRATCH/stderr")
rc=$?
is "$rc" 0 "docker run starts the agent through the static launcher"
[ "$rc" -eq 0 ] || diag "$(cat "$SCRATCH/stderr")"
is "$(printf '%s\n' "$OUTPUT" | sed -n 's/^ARG=//p' | tr '\n' ' ')" "agent start " "ExecStart= from the shipped config"
like "$(field Uid)" '^10001[[:space:]]+10001[[:space:]]+10001[[:space:]]+10001$' "the agent runs as osapi (10001)"
is "$(field CapEff)" 0000000000002000 "CapEff: cap_net_raw only"
is "$(field CapAmb)" 0000000000002000 "CapAmb: cap_net_raw only"
is "$(field CapBnd)" 0000000000002000 "CapBnd: cap_net_raw only"
is "$(field NoNewPrivs)" 1 "no_new_privs set"
like "$(field Seccomp_filters)" '^[2-9]' "the launcher's seccomp filter is stacked on Docker's"
like "$(cat "$SCRATCH/stderr")" 'notice: AppArmorProfile=-osapi-agent skipped: .*static binary cannot load libapparmor' \
	"AppArmorProfile=-osapi-agent is skipped with the static build's notice"

done_testing
