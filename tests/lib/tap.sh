# shellcheck shell=bash
# Minimal TAP producer for the tests under tests/t; prove(1) reads the output.
# Every test file sources this, then calls ok/is/like and ends with done_testing.

: "${SRC_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${BUILD_DIR:=$SRC_DIR/build}"
: "${OSAPI_LAUNCH:=$BUILD_DIR/osapi-launch}"
: "${PROBE:=$BUILD_DIR/tests/probe}"
export SRC_DIR BUILD_DIR OSAPI_LAUNCH PROBE

_tap_n=0
_tap_failed=0

ok() { # ok STATUS DESCRIPTION  (STATUS 0 = pass, as a shell exit status)
	local st=$1
	shift
	_tap_n=$((_tap_n + 1))
	if [ "$st" -eq 0 ]; then
		echo "ok $_tap_n - $*"
	else
		echo "not ok $_tap_n - $*"
		_tap_failed=$((_tap_failed + 1))
	fi
}

check() { # check DESCRIPTION -- COMMAND...: pass when COMMAND exits 0
	local desc=$1
	shift
	[ "$1" = "--" ] && shift
	"$@"
	ok $? "$desc"
}

is() { # is GOT EXPECTED DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:      %s\n#   expected: %s\n' "$1" "$2"
	fi
}

like() { # like TEXT EXTENDED-REGEX DESCRIPTION
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   text:    %s\n#   pattern: %s\n' "$1" "$2" | head -20
	fi
}

unlike() { # unlike TEXT EXTENDED-REGEX DESCRIPTION
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		diag "text matches: $2" "$(printf '%s\n' "$1" | grep -E -- "$2" | head -n 3)"
	else
		ok 0 "$3"
	fi
}

diag() { printf '# %s\n' "$@"; }

# deb_package_of PATH: the Debian package owning PATH, under any of its
# merged-/usr names (dpkg knows /lib/x86_64-linux-gnu/libc.so.6, not
# /usr/lib/...); nothing if none.
deb_package_of() {
	local p
	for p in "$1" "$(realpath "$1")" "${1#/usr}" "/usr${1#/usr}"; do
		dpkg -S "$p" 2>/dev/null | cut -d: -f1 | head -n 1 | grep . && return
	done
}

# wait_ready FILE [PID]: wait up to 10 s for the probe's READY=1 line in
# FILE (the launched agent's output), sooner if PID is gone; 0 once seen.
wait_ready() {
	local _
	for _ in $(seq 100); do
		grep -qs '^READY=1' "$1" && return 0
		[ -z "${2:-}" ] || kill -0 "$2" 2>/dev/null || break
		sleep 0.1
	done
	grep -qs '^READY=1' "$1"
}

# relay_tap PREFIX: another TAP stream's results (on stdin) as this
# file's own checks, PREFIX before each description; its plan is dropped,
# every other line passed through.
relay_tap() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*) ok 0 "$1${line#ok * - }" ;;
		"not ok "*) ok 1 "$1${line#not ok * - }" ;;
		"1.."*) ;;
		*) echo "$line" ;;
		esac
	done
}

# relay_guest GUEST_SCRIPT BIN...: boot the test guest (tests/vm/run-guest)
# with GUEST_SCRIPT, relay its TAP lines as this file's, then add the
# runner's own verdict, which covers what lines alone cannot show: no boot,
# a timeout, a guest script that died before its plan.  Only a qemu that
# cannot run at all skips the file.
relay_guest() {
	local out rc
	out=$("$SRC_DIR/tests/vm/run-guest" "$@")
	rc=$?
	case $out in
	"1..0 # SKIP"*)
		echo "$out"
		exit 0
		;;
	esac
	relay_tap "" <<<"$out"
	ok "$rc" "guest booted, ran the script and reported a clean pass"
}

skip_all() { # a whole file may skip only with a printed reason
	echo "1..0 # SKIP $*"
	exit 0
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root: privilege changes are tested for real"
}

need_cmd() {
	command -v "$1" >/dev/null 2>&1 || skip_all "needs $1 (${2:-install it})"
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
	exit $?
}

# A scratch directory that satisfies the launcher's trust rules (root-owned,
# not group/other-writable all the way up), removed on exit.
scratch() {
	SCRATCH=$(mktemp -d /tmp/osapi-launch-test.XXXXXX)
	chmod 0755 "$SCRATCH"
	trap 'rm -rf "$SCRATCH"' EXIT
}

# A scratch directory the launcher trusts, with the probe copied in, a
# world-writable (sticky) out/ for markers, and the osapi user present.
# Sets SCRATCH, P (probe path), OUT.
setup_launch() {
	scratch
	id osapi >/dev/null 2>&1 ||
		useradd --system --no-create-home --shell /usr/sbin/nologin osapi
	install -m 0755 "$PROBE" "$SCRATCH/probe"
	P=$SCRATCH/probe
	OUT=$SCRATCH/out
	mkdir -m 1777 "$OUT"
}

# conf FILE LINE...: writes a [Launch] config, root-owned, mode 0644.
conf() {
	local f=$1
	shift
	printf '%s\n' "[Launch]" "$@" >"$f"
	chmod 0644 "$f"
}

# The shipped config with ExecStart= pointed at the probe.
shipped_conf() {
	sed "s|^ExecStart=.*|ExecStart=$P ${1:-}|" "$SRC_DIR/conf/osapi-launch.conf" >"$2"
	chmod 0644 "$2"
}

# field KEY: the probe's KEY= value from $OUTPUT (first match).
field() {
	printf '%s\n' "$OUTPUT" | sed -n "s/^$1=//p" | head -n 1
}

# run_launch ARGS...: runs the launcher, setting OUTPUT (stdout), ERR
# (stderr) and RC.
run_launch() {
	local e
	e=$(mktemp)
	OUTPUT=$("$OSAPI_LAUNCH" "$@" 2>"$e")
	RC=$?
	ERR=$(cat "$e")
	rm -f "$e"
}
