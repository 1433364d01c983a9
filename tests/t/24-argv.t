#!/bin/bash
# Finding 9 (issue #12): the launcher's options end at the first non-option;
# everything after it is the command and its own arguments.  The early scan
# for --policy-record= (it must run before inherited descriptors are
# closed) used to read up to "--" instead, so a target argument such as
# --policy-record=fd:7 redirected the launcher's record to the caller's fd 7.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
shipped_conf "" "$SCRATCH/c.conf"
fd7=$SCRATCH/fd7
: >"$fd7"

# The exact example from the review.
OUTPUT=$("$OSAPI_LAUNCH" -c "$SCRATCH/c.conf" "$P" --policy-record=fd:7 7>"$fd7" 2>"$SCRATCH/err")
is "$?" 0 "osapi-launch -c F PROG --policy-record=fd:7 runs PROG"
is "$(field ARG)" "--policy-record=fd:7" "the target receives --policy-record=fd:7 as its argument"
is "$(wc -c <"$fd7")" 0 "nothing was written to the caller's fd 7"
is "$(field FDS)" "0 1 2 " "fd 7 was closed, not kept for a record"

# The same with the target's other arguments around it, and with "--".
OUTPUT=$("$OSAPI_LAUNCH" -c "$SCRATCH/c.conf" -- "$P" x --policy-record fd:7 7>"$fd7" 2>/dev/null)
is "$(printf '%s\n' "$OUTPUT" | sed -n 's/^ARG=//p' | tr '\n' ' ')" "x --policy-record fd:7 " \
	"after --, the split form reaches the target too"
is "$(wc -c <"$fd7")" 0 "... and writes nothing to fd 7"

# Both passes agree on what is ours: an abbreviated option is the launcher's
# (getopt_long takes unambiguous prefixes) and goes to fd 7 ...
OUTPUT=$("$OSAPI_LAUNCH" --policy-rec=fd:7 -c "$SCRATCH/c.conf" "$P" 7>"$fd7" 2>/dev/null)
like "$(cat "$fd7")" '^\{.*"binary"' "--policy-rec=fd:7 (an abbreviation) is the launcher's record target"
# ... and the value of -c is a file name even when it looks like an option.
: >"$fd7"
run_launch -c --policy-record=fd:7 -- "$P" 7>"$fd7"
is "$RC" 78 "-c --policy-record=fd:7 names a config file (which does not exist)"
like "$ERR" "\-\-policy-record=fd:7" "... and the error names it as the config"
is "$(wc -c <"$fd7")" 0 "... and no record target was taken from it"
done_testing
