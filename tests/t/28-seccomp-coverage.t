#!/bin/bash
# The restriction tables against libseccomp's whole syscall table for
# x86-64, x32 and i386 (tests/test-guards.c): every call whose name matches a
# restriction's pattern is guarded on that ABI or exempted with a reason, and
# every call on the hand-checked list is guarded.  A call that a future
# libseccomp adds fails here until its meaning for each restriction is
# decided.  Needs no root: it reads tables only.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
exec "$BUILD_DIR/tests/test-guards"
