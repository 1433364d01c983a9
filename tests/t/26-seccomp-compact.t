#!/bin/bash
# The main filter is loaded as a range tree generated from libseccomp's
# program (src/plan/seccomp_compact.c).  tests/test-compact.c runs both through
# its own BPF interpreter for every syscall number worth trying on every
# ABI (x86-64, x32 with bit 30, i386, foreign tokens, -1 and large
# numbers) and checks that the kernel accepts the tree.
# The restrictions filter (arguments) is only shortened by rewrites; it is
# compared with arguments drawn from every constant it tests.
exec "${BUILD_DIR:-$(dirname "$0")/../../build}/tests/test-compact" \
	"${SRC_DIR:-$(dirname "$0")/../..}/conf/osapi-launch.conf"
