#!/bin/bash
# Static analysis of the launcher's own sources: cppcheck (with
# .cppcheck-suppressions and tests/static/osapi-launch.cfg), clang-tidy
# (.clang-tidy, a security-focused set) over the host C under src/ with the
# build's compile_commands.json, and clang-format --dry-run over src, include
# and tests.  Each tool that is missing skips its part with the reason.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
cd "$SRC_DIR" || exit 1
shopt -s nullglob
# Every host C file of src/, in its stage folders; src/bpf/ is BPF C, built
# by clang for the kernel's verifier.
mapfile -t srcs < <(find src -name '*.c' ! -path 'src/bpf/*' | LC_ALL=C sort)
[ ${#srcs[@]} -gt 0 ] || skip_all "no src/*.c under $SRC_DIR"
ran=0

# Lists each finding as a diagnostic line so a failure says what to fix.
findings() { grep -E "$1" | sort -u | sed 's/^/#   /' | head -60; }

if [ ! -f "$BUILD_DIR/compile_commands.json" ] && command -v meson >/dev/null; then
	meson setup "$BUILD_DIR" "$SRC_DIR" >/dev/null 2>&1
fi

if command -v cppcheck >/dev/null; then
	ran=1
	defs=(-D_GNU_SOURCE)
	grep -q -- -DHAVE_APPARMOR "$BUILD_DIR/compile_commands.json" 2>/dev/null && defs+=(-DHAVE_APPARMOR)
	grep -q -- -DHAVE_SELINUX "$BUILD_DIR/compile_commands.json" 2>/dev/null && defs+=(-DHAVE_SELINUX)
	grep -q -- -DHAVE_BPF_LSM "$BUILD_DIR/compile_commands.json" 2>/dev/null && defs+=(-DHAVE_BPF_LSM)
	out=$(cppcheck --quiet --std=c11 --enable=warning,portability,performance \
		--library=tests/static/osapi-launch.cfg \
		--suppressions-list=.cppcheck-suppressions --inline-suppr \
		--error-exitcode=1 "${defs[@]}" -Iinclude -I"$BUILD_DIR" \
		--template='{file}:{line}: {severity}: {message} [{id}]' \
		"${srcs[@]}" 2>&1)
	rc=$?
	ok $rc "cppcheck $(cppcheck --version | awk '{print $2}'): no finding in src/"
	[ $rc -eq 0 ] || printf '%s\n' "$out" | findings ': (error|warning|style|portability|performance):'
else
	diag "cppcheck is not installed (apt-get install cppcheck): skipped"
fi

if command -v clang-tidy >/dev/null && [ -f "$BUILD_DIR/compile_commands.json" ]; then
	ran=1
	log=$(mktemp)
	# One process per file, two at a time: the analyzer is the slow part.
	printf '%s\n' "${srcs[@]}" |
		xargs -P "$(nproc)" -n 1 clang-tidy -p "$BUILD_DIR" --quiet >"$log" 2>&1
	rc=$?
	ok $rc "clang-tidy $(clang-tidy --version | sed -n 's/.*version \([0-9.]*\).*/\1/p' | head -1): no finding in src/ (.clang-tidy)"
	[ $rc -eq 0 ] || findings '(warning|error): .*\[[A-Za-z0-9._,-]+\]$' <"$log"
	rm -f "$log"
elif ! command -v clang-tidy >/dev/null; then
	diag "clang-tidy is not installed (apt-get install clang-tidy): skipped"
else
	diag "no $BUILD_DIR/compile_commands.json (meson setup $BUILD_DIR): clang-tidy skipped"
fi

if command -v clang-format >/dev/null; then
	ran=1
	files=("${srcs[@]}" include/*.h tests/*.c fuzz/*.c)
	out=$(clang-format --dry-run --Werror "${files[@]}" 2>&1)
	rc=$?
	ok $rc "clang-format --dry-run --Werror: src, include, tests and fuzz follow .clang-format"
	[ $rc -eq 0 ] || printf '%s\n' "$out" | grep -E 'error:' | cut -d: -f1,2 |
		awk -F: '{n[$1]++; if (!($1 in l)) l[$1]=$2} END {for (f in n) printf "#   %s: %d lines, first at line %s\n", f, n[f], l[f]}' | sort
else
	diag "clang-format is not installed (apt-get install clang-format): skipped"
fi

[ $ran -eq 1 ] || skip_all "none of cppcheck, clang-tidy, clang-format is installed"
done_testing
