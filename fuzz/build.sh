#!/bin/sh
# Builds the libFuzzer harness fuzz/fuzz-config.c against the launcher's core
# sources, with clang and ASan+UBSan+libFuzzer.  Standalone so that the
# top-level meson.build stays free of fuzzing options:
#
#   fuzz/build.sh [BUILD_DIR [OUT_DIR]]
#
# BUILD_DIR (default build/) is a configured meson build dir: the list of
# core sources comes from its introspection data (the static library
# 'osapi-launch-core', i.e. core_sources in meson.build) and build-config.h
# lives there.  The binary is OUT_DIR/fuzz-config (default build-fuzz/).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${BUILD_DIR:-$src/build}}
out=${2:-$src/build-fuzz}
cc=${FUZZ_CC:-clang}

command -v "$cc" >/dev/null || { echo "fuzz/build.sh: $cc not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
[ -f "$build/build.ninja" ] || meson setup "$build" "$src" >/dev/null
[ -f "$build/build-config.h" ] || ninja -C "$build" build-config.h >/dev/null

# core_sources, as meson resolved them (absolute paths).
sources=$(meson introspect --targets "$build" | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if t["name"] == "osapi-launch-core":
        for s in t["target_sources"]:
            for f in s.get("sources", []):
                print(f)
')
[ -n "$sources" ] || { echo "fuzz/build.sh: no osapi-launch-core target in $build" >&2; exit 2; }

defs="-D_GNU_SOURCE"
libs="libcap-ng libseccomp libmd"
for lib in libapparmor:HAVE_APPARMOR libselinux:HAVE_SELINUX; do
	if pkg-config --exists "${lib%%:*}"; then
		libs="$libs ${lib%%:*}"
		defs="$defs -D${lib##*:}"
	fi
done

mkdir -p "$out"
flags="-std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined
-fno-sanitize-recover=all -fno-omit-frame-pointer $defs -I$src/include -I$build"
# The harness is held to -Werror.  The core sources are the project's, built
# with gcc by meson; clang's extra warnings there (libseccomp's SCMP_A0()
# macro trips -Wmissing-field-initializers) are shown, not fatal.
# shellcheck disable=SC2086,SC2046 # word splitting of flag lists is wanted
"$cc" $flags -Wall -Wextra -Werror $(pkg-config --cflags $libs) \
	-c "$src/fuzz/fuzz-config.c" -o "$out/fuzz-config.o"
# shellcheck disable=SC2086,SC2046
"$cc" $flags -Wall -Wno-missing-field-initializers $(pkg-config --cflags $libs) \
	"$out/fuzz-config.o" $sources $(pkg-config --libs $libs) \
	-o "$out/fuzz-config"
echo "$out/fuzz-config"
