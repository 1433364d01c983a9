# shellcheck shell=sh
# TAP helpers for the guest scripts (busybox sh), installed by
# tests/vm/run-guest as /etc/osapi-vm/tap.sh; a guest script sources it and
# ends with `echo "1..$n"`.
n=0

ok() { # ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
	fi
}
diag() { printf '%s\n' "$@" | sed 's/^/#   /'; }

# is GOT EXPECTED DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "got:      $1" "expected: $2"
	fi
}

# like TEXT PATTERN DESCRIPTION (grep -E)
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "text:    $(printf '%s\n' "$1" | tail -n 5)" "pattern: $2"
	fi
}

# value KEY TEXT: the first KEY=... line's value (the probe's format).
value() { printf '%s\n' "$2" | sed -n "s/^$1=//p" | head -n 1; }
