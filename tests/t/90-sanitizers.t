#!/bin/bash
# The launcher's own tests again, against an ASan+UBSan build (leak checks
# included): a memory error or undefined behaviour on any path they take,
# launch or refusal, fails here.
. "$(dirname "$0")/../lib/tap.sh"
need_cmd meson "apt-get install meson"

asan=${ASAN_BUILD_DIR:-$SRC_DIR/build-asan}
if [ ! -f "$asan/build.ninja" ]; then
	meson setup "$asan" "$SRC_DIR" -Db_sanitize=address,undefined \
		-Db_lundef=false >/dev/null
	ok $? "configure an ASan+UBSan build"
fi
ninja -C "$asan" >/dev/null
ok $? "the ASan+UBSan build compiles"

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
for t in 10-unit 20-launch 21-bad-input 22-directives 30-syscall-groups 31-seccomp 40-docs; do
	out=$(BUILD_DIR=$asan OSAPI_LAUNCH=$asan/osapi-launch PROBE=$asan/tests/probe \
		prove "$SRC_DIR/tests/t/$t.t" 2>&1)
	rc=$?
	ok $rc "$t.t passes under ASan+UBSan"
	[ $rc -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /' | tail -40
	if printf '%s\n' "$out" | grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:'; then
		ok 1 "$t.t: sanitizer report"
	fi
done
done_testing
