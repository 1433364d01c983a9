#!/bin/bash
# What a second independent review of the issue #12 fixes found, each a
# regression test that failed on the code before its fix:
#  - a caller's securebits reached the agent when SecureBits= was not set;
#  - a "#!" script's interpreter escaped the trust checks;
#  - configs --check accepted that the launch could not start: the execve
#    fallback or a script with /proc or /dev hidden, LimitCPU=0, a filter
#    that kills write(2) when the exec fails, no native ABI.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd setpriv "apt-get install util-linux"
setup_launch
C=$SCRATCH/c.conf
SP=$(command -v setpriv)

# Securebits the caller set: reset to none; locked ones refused.
conf "$C" "ExecStart=$SP --dump" "User=osapi" "NoNewPrivileges=yes"
OUTPUT=$(setpriv --securebits +no_setuid_fixup "$OSAPI_LAUNCH" -c "$C" 2>&1)
is "$(printf '%s\n' "$OUTPUT" | sed -n 's/^Securebits: //p')" "[none]" \
	"a caller's no-setuid-fixup does not reach the agent"
OUTPUT=$(setpriv --securebits +no_setuid_fixup,+no_setuid_fixup_locked "$OSAPI_LAUNCH" --check -c "$C" 2>&1)
c=$?
OUTPUT=$(setpriv --securebits +no_setuid_fixup,+no_setuid_fixup_locked "$OSAPI_LAUNCH" -c "$C" 2>&1)
l=$?
is "$c:$l" "78:213" "a caller's locked securebits: --check and the launch refuse (78, 213)"
like "$OUTPUT" "the caller locked securebits 0x8" "and say which lock"
unlike "$OUTPUT" "^uid:" "nothing ran"
conf "$C" "ExecStart=$SP --dump" "User=osapi" "NoNewPrivileges=yes" \
	"SecureBits=no-setuid-fixup no-setuid-fixup-locked"
OUTPUT=$(setpriv --securebits +no_setuid_fixup,+no_setuid_fixup_locked "$OSAPI_LAUNCH" -c "$C" 2>&1)
is "$(printf '%s\n' "$OUTPUT" | sed -n 's/^Securebits: //p')" "no_setuid_fixup,no_setuid_fixup_locked" \
	"repeated in SecureBits=, the caller's lock is accepted"

# A script's interpreter: trust-checked like the script.
S=$SCRATCH/bin
mkdir -m 0755 "$S"
install -m 0755 /bin/sh "$SCRATCH/interp"
chown osapi "$SCRATCH/interp"
printf '#!%s\necho script-ran\n' "$SCRATCH/interp" >"$S/s.sh"
chmod 0755 "$S/s.sh"
conf "$C" "ExecStart=$S/s.sh" "User=osapi" "NoNewPrivileges=yes"
run_launch --check -c "$C"
c=$RC
run_launch -c "$C"
is "$c:$RC:$OUTPUT" "78:203:" "an interpreter the agent's user owns: refused by --check and the launch, nothing ran"
like "$ERR" "its interpreter $SCRATCH/interp is not owned by root" "the message names the interpreter and why"
printf '#!/bin/sh\necho script-ran\n' >"$S/s.sh"
run_launch -c "$C"
is "$RC:$OUTPUT" "0:script-ran" "control: a root-owned interpreter runs"

# What the exec needs from the sandbox.
conf "$C" "ExecStart=$P" "User=osapi" "NoNewPrivileges=yes" "SystemCallFilter=~execveat" "InaccessiblePaths=/proc"
run_launch --check -c "$C"
c=$RC
run_launch -c "$C"
is "$c:$RC" "78:78" "execveat denied and /proc hidden: refused alike (the launch used to fail with 203)"
like "$ERR" "/proc must stay readable" "and says /proc is needed"
conf "$C" "ExecStart=$S/s.sh" "User=osapi" "NoNewPrivileges=yes" "InaccessiblePaths=/dev"
run_launch -c "$C"
is "$RC" 78 "a script with /dev hidden: refused (its interpreter could not open /dev/fd/N)"

conf "$C" "ExecStart=$P" "User=osapi" "LimitCPU=0"
run_launch --check -c "$C"
c=$RC
run_launch -c "$C"
is "$c:$RC" "78:78" "LimitCPU=0: refused alike (the launch used to die of SIGKILL)"

# The exec fails (a binary the kernel cannot load) under a filter that
# kills write(2): the launcher exits 203, it does not die of SIGSYS.
printf '\177ELF-not-really' >"$S/bad"
chmod 0755 "$S/bad"
conf "$C" "ExecStart=$S/bad" "User=osapi" "NoNewPrivileges=yes" "SystemCallFilter=~write"
run_launch -c "$C"
is "$RC" 203 "exec failing under SystemCallFilter=~write: exit 203, not SIGSYS (159)"
# Merges as systemd's parsers do them (found by the exposure corpus):
# "none" leaves the mode to the next line; "no" allows every namespace and
# a later list merges into that.
conf "$C" "ExecStart=$P" "User=osapi" "NoNewPrivileges=yes" \
	"RestrictAddressFamilies=none" "RestrictAddressFamilies=~AF_PACKET"
run_launch -c "$C" -- "$P" --try af-inet --try af-packet
is "$(field TRY_af-inet):$(field TRY_af-packet)" "ok:EAFNOSUPPORT" \
	"RestrictAddressFamilies=none then ~AF_PACKET denies AF_PACKET only"
conf "$C" "ExecStart=$P" "User=osapi" "NoNewPrivileges=yes" \
	"RestrictNamespaces=no" "RestrictNamespaces=net"
run_launch -c "$C" -- "$P" --try unshare-user
is "$(field TRY_unshare-user)" ok "RestrictNamespaces=no then net still allows every type"
done_testing
