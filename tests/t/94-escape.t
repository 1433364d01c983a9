#!/bin/bash
# Escape attempts from inside: tests/escape.c runs as the agent under the
# shipped config (ExecStart= pointed at it) and tries to regain what the
# launcher took away: root through a setuid-root binary, capabilities
# through capset(2) and the ambient set, a descriptor the caller had open,
# ptrace and memory access to another process of the same user, the LSM
# label, TIOCSTI into the terminal it was started from, the caller's
# environment.  Every attempt must be refused; all are listed.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd setpriv "apt-get install util-linux"
need_cmd script "apt-get install bsdutils"
ESCAPE_BIN=${ESCAPE_BIN:-$BUILD_DIR/tests/escape}
[ -x "$ESCAPE_BIN" ] || skip_all "no $ESCAPE_BIN (ninja -C $BUILD_DIR)"
setup_launch
uid=$(id -u osapi)
gid=$(id -g osapi)
E=$SCRATCH/escape
install -m 0755 "$ESCAPE_BIN" "$E"
install -o root -g root -m 4755 "$ESCAPE_BIN" "$SCRATCH/escape-suid"

# Another process of the osapi user, started outside the launcher.
setpriv --reuid="$uid" --regid="$gid" --clear-groups sleep 60 &
victim=$!
trap 'kill "$victim" 2>/dev/null; rm -rf "$SCRATCH"' EXIT

# check_escapes LABEL: one TAP line per attempt in $OUTPUT.
check_escapes() {
	local label=$1 line name verdict
	while IFS= read -r line; do
		line=${line%$'\r'}
		# A byte pushed by a successful TIOCSTI is echoed before the line.
		line=${line#"${line%%ESCAPE *}"}
		case $line in ESCAPE\ *) ;; *) continue ;; esac
		name=${line#ESCAPE }
		name=${name%%=*}
		verdict=${line#*=}
		case $verdict in
		refused* | skipped*) ok 0 "$label: $name: $verdict" ;;
		*) ok 1 "$label: $name: $verdict" ;;
		esac
	done <<<"$OUTPUT"
}

# Controls: the setuid bit works where the copy lives (so the test can
# fail), the victim is ptrace-able by root, and the caller's fd is open.
OUTPUT=$(setpriv --reuid="$uid" --regid="$gid" --clear-groups "$SCRATCH/escape-suid" --report-euid)
is "$OUTPUT" "euid=0" "control: without the launcher the setuid-root copy gets euid 0"
like "$(cat /proc/$victim/status)" "Uid:	$uid" "control: the victim runs as osapi (pid $victim)"
OUTPUT=$(setpriv --reuid="$uid" --regid="$gid" --clear-groups "$E" --ptrace "$victim" 2>&1)
like "$OUTPUT" "ptrace-attach=SUCCEEDED" "control: a plain osapi process can ptrace the victim (the kernel allows same-uid ptrace here)"
diag "yama ptrace_scope: $(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 'absent (no Yama)')," \
	"dev.tty.legacy_tiocsti: $(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo absent), kernel $(uname -r)"

args="--suid $SCRATCH/escape-suid --caps --fd 9 --ptrace $victim --attr --tiocsti --environ OSAPI_TEST_SECRET"
shipped_conf "$args" "$SCRATCH/launch.conf"
sed -i "s|^ExecStart=$P |ExecStart=$E |" "$SCRATCH/launch.conf"
like "$(grep ^ExecStart= "$SCRATCH/launch.conf")" "^ExecStart=$E " "the shipped config, ExecStart= pointed at the escape program"

# Without a terminal.
exec 9</etc/hostname
OUTPUT=$(OSAPI_TEST_SECRET=s3cret "$OSAPI_LAUNCH" -c "$SCRATCH/launch.conf" 2>&1)
RC=$?
exec 9<&-
printf '%s\n' "$OUTPUT" | grep '^ESCAPE' | sed 's/^/# /'
for want in setuid-binary capset-sys-admin ambient-raise-cap_sys_admin inherited-fd \
	ptrace-attach proc-maps process-vm-readv proc-mem attr-current caller-environ pid1-environ; do
	like "$OUTPUT" "ESCAPE $want=" "no tty: the $want attempt was made"
done
check_escapes "no tty"
is "$RC" 0 "no tty: the escape program ran and reports no success"

# From a terminal: script(1) gives the launcher a pty as its controlling
# terminal and stdin, as an operator starting it by hand would.
exec 9</etc/hostname
OUTPUT=$(OSAPI_TEST_SECRET=s3cret script -qec "$OSAPI_LAUNCH -c $SCRATCH/launch.conf" /dev/null </dev/null 2>&1)
RC=$?
exec 9<&-
printf '%s\n' "$OUTPUT" | tr -d '\r' | grep 'ESCAPE' | sed 's/^/# /'
like "$OUTPUT" "ESCAPE tiocsti=(refused|SUCCEEDED)" "tty: the TIOCSTI attempt was made on a real terminal"
check_escapes "tty"
is "$RC" 0 "tty: the escape program ran and reports no success"

done_testing
