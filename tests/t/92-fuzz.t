#!/bin/bash
# The config parser and every value parser under libFuzzer with ASan+UBSan
# (fuzz/fuzz-config.c, built by fuzz/build.sh), for OSAPI_FUZZ_SECONDS
# (default 60), starting from the seed corpus in tests/fuzz-corpus.  Any
# crash, leak, timeout or sanitizer report fails.  Not root-only: the
# harness touches no file and no privilege.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_cmd clang "apt-get install clang libclang-rt-14-dev"
need_cmd meson "apt-get install meson"
need_cmd pkg-config "apt-get install pkg-config"
need_cmd python3 "apt-get install python3"

secs=${OSAPI_FUZZ_SECONDS:-60}
out=${FUZZ_BUILD_DIR:-$SRC_DIR/build-fuzz}
log=$(mktemp)
work=$(mktemp -d)
trap 'rm -rf "$log" "$work"' EXIT

"$SRC_DIR/fuzz/build.sh" "$BUILD_DIR" "$out" >"$log" 2>&1
rc=$?
ok $rc "fuzz/build.sh builds the harness (clang -fsanitize=fuzzer,address,undefined)"
if [ $rc -ne 0 ]; then
	sed 's/^/#   /' "$log" | tail -30
	done_testing
fi

seeds=$(find "$SRC_DIR/tests/fuzz-corpus" -type f | wc -l)
ok "$([ "$seeds" -ge 20 ] && echo 0 || echo 1)" "the seed corpus has $seeds inputs"

# Every seed alone first: a regression on a known input is named by file.
"$out/fuzz-config" -runs=0 "$SRC_DIR/tests/fuzz-corpus" >"$log" 2>&1
ok $? "every seed input runs clean"

# New units go to a scratch dir: the checked-in corpus is not modified.
(cd "$work" && UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	ASAN_OPTIONS=detect_leaks=1 \
	"$out/fuzz-config" -max_total_time="$secs" -timeout=10 \
	-rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$work/crash-" "$work" \
	"$SRC_DIR/tests/fuzz-corpus") >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
diag "fuzzed ${secs}s: ${execs:-?} executions, corpus $(find "$work" -maxdepth 1 -type f ! -name 'crash-*' | wc -l) units"
ok $rc "libFuzzer exits 0 after ${secs}s"
reports=$(grep -cE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY: ' "$log")
is "$reports" 0 "no crash, leak, timeout or sanitizer report"
crashes=$(find "$work" -maxdepth 1 -name 'crash-*' | wc -l)
is "$crashes" 0 "no crash artifact was written"
if [ "$rc" -ne 0 ] || [ "$reports" -ne 0 ]; then
	grep -B2 -A25 -E 'ERROR:|runtime error:' "$log" | head -60 | sed 's/^/#   /'
	find "$work" -maxdepth 1 -name 'crash-*' -exec cp {} "$SRC_DIR/build-fuzz/" \;
	diag "artifacts copied to $SRC_DIR/build-fuzz/"
fi
ok "$([ -n "$execs" ] && [ "$execs" -gt 0 ] && echo 0 || echo 1)" "libFuzzer reports its execution count (${execs:-none})"

done_testing
