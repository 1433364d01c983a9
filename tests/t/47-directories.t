#!/bin/bash
# RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=,
# ConfigurationDirectory= and their *Mode=, RuntimeDirectoryPreserve=,
# TemporaryFileSystem=, BindPaths=, BindReadOnlyPaths=: created and owned as
# systemd does (stat from outside), named in $STATE_DIRECTORY & co., and
# writable under ProtectSystem=strict with either sandbox backend (the agent
# tries, with touch(1)); the mounts checked in /proc/PID/mountinfo.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
N=osapi-t47-$$
DIRS="/run/$N /var/lib/$N /var/cache/$N /var/log/$N /etc/$N /var/lib/$N-b"
# shellcheck disable=SC2064,SC2086
trap "rm -rf '$SCRATCH' $DIRS /srv/$N-dst" EXIT
# shellcheck disable=SC2086
rm -rf $DIRS

ALL=("RuntimeDirectory=$N" "StateDirectory=$N $N-b/sub" "StateDirectoryMode=0700"
	"CacheDirectory=$N" "CacheDirectoryMode=0750" "LogsDirectory=$N"
	"ConfigurationDirectory=$N" "ConfigurationDirectoryMode=0711")

own() { stat -c '%U:%G %a' "$1" 2>&1; }

for backend in mount landlock; do
	# shellcheck disable=SC2086
	rm -rf $DIRS
	C=$SCRATCH/$backend.conf
	conf "$C" "ExecStart=$P" "User=osapi" "ProtectSystem=strict" "SandboxBackend=$backend" "${ALL[@]}"
	OUTPUT=$("$OSAPI_LAUNCH" -c "$C" 2>&1)
	is "$?" 0 "$backend: the launch with every directory type succeeds"
	is "$(own "/var/lib/$N")" "osapi:osapi 700" "$backend: StateDirectory= is osapi's, StateDirectoryMode=0700"
	is "$(own "/var/lib/$N-b")" "root:root 755" "$backend: a missing parent is root's, 0755"
	is "$(own "/var/lib/$N-b/sub")" "osapi:osapi 700" "$backend: the innermost directory is User='s"
	is "$(own "/run/$N")" "osapi:osapi 755" "$backend: RuntimeDirectory= under /run, default mode 0755"
	is "$(own "/var/cache/$N")" "osapi:osapi 750" "$backend: CacheDirectory= with its mode"
	is "$(own "/var/log/$N")" "osapi:osapi 755" "$backend: LogsDirectory= under /var/log"
	is "$(own "/etc/$N")" "root:root 711" "$backend: ConfigurationDirectory= is root's, with its mode"
	like "$OUTPUT" "ENV=STATE_DIRECTORY=/var/lib/$N:/var/lib/$N-b/sub" "$backend: \$STATE_DIRECTORY lists both, ':'-separated"
	like "$OUTPUT" "ENV=RUNTIME_DIRECTORY=/run/$N" "$backend: \$RUNTIME_DIRECTORY"
	like "$OUTPUT" "ENV=CACHE_DIRECTORY=/var/cache/$N" "$backend: \$CACHE_DIRECTORY"
	like "$OUTPUT" "ENV=LOGS_DIRECTORY=/var/log/$N" "$backend: \$LOGS_DIRECTORY"
	like "$OUTPUT" "ENV=CONFIGURATION_DIRECTORY=/etc/$N" "$backend: \$CONFIGURATION_DIRECTORY"

	# Writable under ProtectSystem=strict, created by this very launch.
	# shellcheck disable=SC2086
	rm -rf $DIRS
	for d in "/var/lib/$N" "/run/$N" "/var/cache/$N" "/var/log/$N"; do
		conf "$C" "ExecStart=$P --exec /usr/bin/touch $d/w" "User=osapi" "ProtectSystem=strict" \
			"SandboxBackend=$backend" "${ALL[@]}"
		OUTPUT=$("$OSAPI_LAUNCH" -c "$C" 2>&1)
		ok "$([ -f "$d/w" ] && [ "$(stat -c %U "$d/w")" = osapi ] && echo 0 || echo 1)" \
			"$backend: the agent writes $d under ProtectSystem=strict"
		[ -f "$d/w" ] || diag "$OUTPUT"
	done
	mkdir -p "/var/lib/$N-other" && chmod 777 "/var/lib/$N-other"
	conf "$C" "ExecStart=$P --exec /usr/bin/touch /var/lib/$N-other/w" "User=osapi" "ProtectSystem=strict" \
		"SandboxBackend=$backend" "${ALL[@]}"
	"$OSAPI_LAUNCH" -c "$C" >/dev/null 2>&1
	ok "$([ ! -e "/var/lib/$N-other/w" ] && echo 0 || echo 1)" "$backend: a world-writable directory beside it stays read-only"
	rm -rf "/var/lib/$N-other"
	chmod 777 "/etc/$N"
	conf "$C" "ExecStart=$P --exec /usr/bin/touch /etc/$N/w" "User=osapi" "ProtectSystem=strict" \
		"SandboxBackend=$backend" "${ALL[@]}"
	"$OSAPI_LAUNCH" -c "$C" >/dev/null 2>&1
	ok "$([ ! -e "/etc/$N/w" ] && echo 0 || echo 1)" "$backend: ConfigurationDirectory= stays read-only, as systemd"
done

# An existing directory of another owner: chowned with all it holds; the
# mode is applied again.
# shellcheck disable=SC2086
rm -rf $DIRS
mkdir -p "/var/lib/$N/deep/er" && touch "/var/lib/$N/deep/er/f" && chmod 0777 "/var/lib/$N"
ln -s /etc/passwd "/var/lib/$N/link"
conf "$C" "ExecStart=$P" "User=osapi" "StateDirectory=$N"
"$OSAPI_LAUNCH" -c "$C" >/dev/null 2>&1
is "$(own "/var/lib/$N")" "osapi:osapi 755" "an existing StateDirectory= gets User= and the mode"
is "$(stat -c %U:%G "/var/lib/$N/deep/er/f")" "osapi:osapi" "...and everything beneath it is chowned"
is "$(stat -c %U /etc/passwd)" root "...without following a symlink"

# RuntimeDirectoryPreserve=: "no" (the default) empties a leftover at start;
# "yes" keeps it.
mkdir -p "/run/$N/old" && touch "/run/$N/old/f" "/run/$N/g"
conf "$C" "ExecStart=$P" "User=osapi" "RuntimeDirectory=$N" "RuntimeDirectoryPreserve=yes"
"$OSAPI_LAUNCH" -c "$C" >/dev/null 2>&1
ok "$([ -f "/run/$N/old/f" ] && echo 0 || echo 1)" "RuntimeDirectoryPreserve=yes keeps what is there"
conf "$C" "ExecStart=$P" "User=osapi" "RuntimeDirectory=$N"
"$OSAPI_LAUNCH" -c "$C" >/dev/null 2>&1
is "$(find "/run/$N" -mindepth 1 | wc -l)" 0 "RuntimeDirectoryPreserve=no: a leftover runtime directory is emptied at start"
is "$(own "/run/$N")" "osapi:osapi 755" "...and stays the agent's"

# TemporaryFileSystem=, BindPaths=, BindReadOnlyPaths=, in mountinfo.
mkdir -p "$SCRATCH/src" "/srv/$N-dst" && echo hello >"$SCRATCH/src/f"
conf "$C" "ExecStart=$P --sleep 30" "User=osapi" "TemporaryFileSystem=/mnt:ro,size=1m" \
	"BindReadOnlyPaths=$SCRATCH/src:/srv/$N-dst" "BindPaths=-/nonexistent:/srv" "ProtectSystem=strict"
LOG=$SCRATCH/log
"$OSAPI_LAUNCH" -c "$C" >"$LOG" 2>&1 &
PID=$!
wait_ready "$LOG" "$PID"
MI=$(cat "/proc/$PID/mountinfo")
like "$(grep " /mnt " <<<"$MI")" " /mnt ro,.* - tmpfs tmpfs ro.*size=1024k" "TemporaryFileSystem=/mnt:ro,size=1m: a read-only tmpfs"
like "$(grep " /srv/$N-dst " <<<"$MI")" "^[0-9]+ [0-9]+ [0-9:]+ $SCRATCH/src /srv/$N-dst ro," "BindReadOnlyPaths=: the source bound read-only"
is "$(cat "/proc/$PID/root/srv/$N-dst/f" 2>&1)" hello "...showing the source's files"
unlike "$MI" " /srv (ro|rw)," "BindPaths=-/nonexistent: a missing optional source is skipped"
kill "$PID"
wait "$PID" 2>/dev/null
mkdir -p "$SCRATCH/rw"
chmod 777 "$SCRATCH/rw"
conf "$C" "ExecStart=$P --exec /usr/bin/touch /srv/$N-dst/w" "User=osapi" \
	"BindPaths=$SCRATCH/rw:/srv/$N-dst" "ProtectSystem=strict"
"$OSAPI_LAUNCH" -c "$C" >/dev/null 2>&1
ok "$([ -f "$SCRATCH/rw/w" ] && echo 0 || echo 1)" "BindPaths=: writable under ProtectSystem=strict, as systemd"
ok "$([ ! -e "/srv/$N-dst/w" ] && echo 0 || echo 1)" "...in the agent's namespace only"

# Bad input: refused at the line, with --check agreeing.
bad() {
	local code=$1 want=$2
	shift 2
	conf "$C" "ExecStart=$P --marker $OUT/ran" "User=osapi" "$@"
	rm -f "$OUT/ran"
	OUTPUT=$("$OSAPI_LAUNCH" -c "$C" 2>&1)
	is "$?" "$code" "$* refused (exit $code)"
	like "$OUTPUT" "$want" "$*: the message says why"
	ok "$([ ! -e "$OUT/ran" ] && echo 0 || echo 1)" "$*: nothing ran"
	"$OSAPI_LAUNCH" --check -c "$C" >/dev/null 2>&1
	is "$?" 78 "$*: --check refuses it too"
}
bad 78 "not a relative path" "StateDirectory=/var/lib/x"
bad 78 "not a relative path" "StateDirectory=a/../b"
bad 78 "SYMLINK" "StateDirectory=a:b"
bad 78 "not an octal mode" "StateDirectoryMode=0800"
bad 78 "not a boolean or" "RuntimeDirectoryPreserve=sometimes"
touch "/var/lib/$N-file"
bad 238 "is not a directory" "StateDirectory=$N-file"
rm -f "/var/lib/$N-file"
bad 226 "not an existing directory" "TemporaryFileSystem=/nonexistent"
bad 226 "source /nonexistent" "BindPaths=/nonexistent:/srv"
bad 78 "needs the mount backend" "BindPaths=/srv" "SandboxBackend=landlock"

# The project's own unit: StateDirectory= and StateDirectoryMode= are
# accepted (issue #16's goal; other directives are other branches').
OUTPUT=$(cd "$SRC_DIR" && "$OSAPI_LAUNCH" --check --unit contrib/systemd/osapi-agent.service 2>&1)
unlike "$OUTPUT" "StateDirectory(Mode)?= is a systemd directive" "--unit contrib/systemd/osapi-agent.service accepts StateDirectory= and StateDirectoryMode="

# A directory already as planned, made for the agent by someone else (a
# container's tmpfs, uid=osapi mode=0700): a launcher without
# CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (Docker's --cap-drop ALL) cannot
# open it, and has nothing to change.  It used to stop with EACCES.
install -d -o osapi -g osapi -m 0700 "/var/lib/$N-pre"
conf "$C" "ExecStart=$P" "User=osapi" "StateDirectory=$N-pre" "StateDirectoryMode=0700"
OUTPUT=$(capsh --drop=cap_dac_override,cap_dac_read_search -- -c "\"$OSAPI_LAUNCH\" -c \"$C\"" 2>&1)
like "$OUTPUT" "^Uid=" "an existing directory as planned: the launch runs without CAP_DAC_OVERRIDE"
rm -rf "/var/lib/$N-pre"

done_testing
