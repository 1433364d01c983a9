#!/bin/bash
# Every shell script under contrib/ (found by its #! line, so a new one
# cannot be forgotten), the scripts under tests/vm and the contrib tests
# themselves pass shellcheck with no finding at all.  The OpenRC script's
# #!/sbin/openrc-run is not a shell shellcheck knows: it is checked as
# POSIX sh (shellcheck -s sh), which is what openrc-run sources it with.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_cmd shellcheck "apt-get install shellcheck"

# shell_of FILE: the dialect to check FILE as, or nothing if not a script.
shell_of() {
	local first
	IFS= read -r first <"$1" || return 0
	case $first in
	'#!/sbin/openrc-run'* | '#!/usr/sbin/openrc-run'*) echo sh ;;
	'#!'*/bash* | '#!'*'env bash'*) echo bash ;;
	'#!'*/sh | '#!'*/sh' '* | '#!'*'env sh'*) echo sh ;;
	'#!'*/dash*) echo dash ;;
	esac
}

n=0
ncontrib=0
openrc=0
while IFS= read -r f; do
	sh=$(shell_of "$f")
	[ -n "$sh" ] || continue
	n=$((n + 1))
	case $(head -n 1 "$f") in *openrc-run*) openrc=$((openrc + 1)) ;; esac
	rel=${f#"$SRC_DIR"/}
	out=$(shellcheck -x -s "$sh" "$f" 2>&1)
	st=$?
	is "$st" 0 "shellcheck -s $sh $rel"
	[ "$st" -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
	case $rel in
	tests/*) ;;
	*) ncontrib=$((ncontrib + 1)) && like "$(head -n 20 "$f")" 'docs/agent-hardening\.md' "$rel links docs/agent-hardening.md" ;;
	esac
done < <(
	find "$SRC_DIR/contrib" -type f | sort
	[ -d "$SRC_DIR/tests/vm" ] && find "$SRC_DIR/tests/vm" -type f | sort
	ls "$SRC_DIR"/tests/t/7*-contrib-*.t
)

# Guard the discovery itself: the shipped scripts must all have been found.
is "$ncontrib" 10 "found the ten contrib scripts (openrc; runit run, finish, log/run; s6 run, finish, log/run, boot/init, boot/finish; sysvinit)"
diag "$n scripts checked in all"
is "$openrc" 1 "the OpenRC script was recognised by its openrc-run #!"

# Executable bits: init systems run these directly.
for f in openrc/osapi-agent runit/osapi-agent/run runit/osapi-agent/log/run \
	runit/osapi-agent/finish s6/osapi-agent/run s6/osapi-agent/finish \
	s6/osapi-agent/log/run s6/boot/init s6/boot/finish sysvinit/osapi-agent; do
	ok "$([ -x "$SRC_DIR/contrib/$f" ] && echo 0 || echo 1)" "contrib/$f is executable"
done

# The services all start the launcher the same way.
for f in openrc/osapi-agent runit/osapi-agent/run s6/osapi-agent/run \
	sysvinit/osapi-agent systemd/osapi-agent-launch.service \
	docker/Dockerfile kubernetes/osapi-agent.yaml; do
	like "$(cat "$SRC_DIR/contrib/$f")" '/usr/sbin/osapi-launch' "contrib/$f runs /usr/sbin/osapi-launch"
	like "$(cat "$SRC_DIR/contrib/$f")" '/etc/osapi/launch\.conf' "contrib/$f uses /etc/osapi/launch.conf"
done

done_testing
