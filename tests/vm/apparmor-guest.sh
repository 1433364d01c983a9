# shellcheck shell=sh
# Guest half of tests/t/60-apparmor-vm.t, run by tests/vm/run-guest's /init
# (busybox sh, PID 1's child, root, unconfined) after contrib/apparmor's
# profiles are loaded.  Prints TAP on stdout.
#
# What the host puts in the guest (see 60-apparmor-vm.t):
#   /usr/sbin/osapi-launch  the launcher, when it supports AppArmorProfile=;
#                           otherwise a stand-in (setpriv + attr/exec) below
#   /usr/libexec/osapi-probe  the probe (KEY=VALUE lines, LSM_LABEL=), if built;
#                           otherwise a stand-in using shell builtins only
#   /usr/bin/setpriv        util-linux, for the stand-in launcher
#   /usr/bin/id             in the profile's exec allow-list
#   /usr/bin/whoami         not in it
#   /usr/bin/osapi          any program printing its argument file (cat):
#                           checks the profile's path attachment
#
# Confined commands run as `sh -c SCRIPT` under the launcher, using shell
# builtins only: busybox applets other than sh would be exec'd through
# /usr/lib/osapi-vm/busybox, which the profile (rightly) does not allow.

launcher=/usr/sbin/osapi-launch
probe=/usr/libexec/osapi-probe
sh=/usr/bin/sh
dir=/run/osapi-test
# shellcheck source=tests/vm/guest-tap.sh
. /etc/osapi-vm/tap.sh

# The launcher only accepts root-owned configs in a root-owned directory
# that group/other cannot write.
mkdir -p "$dir"
chmod 0755 "$dir"

# config NAME PROFILE: write a launcher config; PROFILE empty = no directive.
config() {
	{
		echo "[Launch]"
		echo "ExecStart=$sh -c true"
		echo "User=osapi"
		echo "Group=osapi"
		echo "AmbientCapabilities=CAP_NET_RAW"
		echo "CapabilityBoundingSet=CAP_NET_RAW"
		echo "NoNewPrivileges=yes"
		[ -z "$2" ] || echo "AppArmorProfile=$2"
	} >"$dir/$1.conf"
	chmod 0644 "$dir/$1.conf"
	echo "$dir/$1.conf"
}

if [ -x "$launcher" ]; then
	echo "# launcher: $launcher"
	launch() { "$launcher" "$@"; }
else
	echo "# launcher: stand-in (setpriv + /proc/self/attr/apparmor/exec)"
	# launch -c CONFIG -- CMD ARGS: what osapi-launch does, in the same
	# order (identity, capabilities, no_new_privs, AppArmor on exec, exec),
	# with its exit code 231 when a required profile is missing.
	launch() {
		cfg=$2
		shift 3
		profile=$(sed -n 's/^AppArmorProfile=//p' "$cfg")
		# Absolute path: busybox sh would run its own setpriv applet,
		# which cannot change uid.
		# shellcheck disable=SC2016 # the inner script expands its own $1
		/usr/bin/setpriv --reuid=osapi --regid=osapi --init-groups \
			--bounding-set=-all,+net_raw --inh-caps=-all,+net_raw \
			--ambient-caps=-all,+net_raw --nnp -- \
			$sh -c '
				p=$1
				shift
				case $p in
				"") ;;
				-*)
					p=${p#-}
					printf "exec %s" "$p" 2>/dev/null >/proc/self/attr/apparmor/exec ||
						echo "osapi-launch: apparmor: profile $p not loaded, continuing unconfined" >&2
					;;
				*)
					printf "exec %s" "$p" 2>/dev/null >/proc/self/attr/apparmor/exec || {
						echo "osapi-launch: apparmor: cannot change to profile $p on exec" >&2
						exit 231
					}
					;;
				esac
				exec "$@"
			' launch "$profile" "$@"
	}
fi

if [ -x "$probe" ]; then
	echo "# probe: $probe"
	run_probe() { launch -c "$1" -- "$probe"; }
else
	echo "# probe: stand-in (sh builtins reading /proc/self)"
	# shellcheck disable=SC2016 # expanded by the confined shell
	probe_sh='read -r l </proc/self/attr/current; echo "APPARMOR=$l"
		while read -r k v; do
			case $k in NoNewPrivs:|Uid:|CapAmb:) echo "${k%:}=$v" ;; esac
		done </proc/self/status'
	run_probe() { launch -c "$1" -- $sh -c "$probe_sh"; }
fi

# value KEY TEXT: the value of KEY=... in the probe's output.
# The probe calls the label LSM_LABEL; the stand-in says APPARMOR.
label() {
	value LSM_LABEL "$1" | grep . || value APPARMOR "$1"
}

agent=$(config agent osapi-agent)

# --- the label and no_new_privs -------------------------------------------------
out=$(run_probe "$agent" 2>&1)
rc=$?
is "$rc" 0 "launch with AppArmorProfile=osapi-agent runs the probe"
is "$(label "$out")" "osapi-agent (enforce)" "probe runs under osapi-agent (enforce)"
is "$(value NoNewPrivs "$out")" 1 "probe has no_new_privs set"
like "$(value Uid "$out")" '^999[[:space:]]' "probe runs as osapi (uid 999)"

# --- the exec allow-list -----------------------------------------------------------
out=$(launch -c "$agent" -- $sh -c '/usr/bin/id -un' 2>&1)
rc=$?
is "$rc:$out" "0:osapi" "confined agent may run /usr/bin/id (in @{OSAPI_EXEC})"

out=$(launch -c "$agent" -- $sh -c '/usr/bin/whoami' 2>&1)
rc=$?
# sh reports a refused execve as 126 "Permission denied" (EACCES).
like "$rc:$out" '^126:.*[Pp]ermission denied' "confined agent is refused /usr/bin/whoami (not in the list)"

# Control: the same command unconfined works, so the refusal is AppArmor's.
plain=$(config plain "")
out=$(launch -c "$plain" -- $sh -c '/usr/bin/whoami' 2>&1)
is "$?:$out" "0:osapi" "control: without a profile /usr/bin/whoami runs"

# --- file writes -------------------------------------------------------------------
# The confined shell opens the files itself (its own redirection), so the
# check happens in the confined task.  /tmp is world-writable: only
# AppArmor can refuse it.
rm -f /tmp/osapi-denied /var/lib/osapi/allowed
out=$(launch -c "$agent" -- $sh -c 'echo x >/tmp/osapi-denied' 2>&1)
rc=$?
like "$rc:$out" '^[1-9][0-9]*:.*[Pp]ermission denied' "confined agent cannot write /tmp/osapi-denied"
[ ! -e /tmp/osapi-denied ]
ok $? "no file was created outside the agent's paths"

out=$(launch -c "$agent" -- $sh -c 'echo x >/var/lib/osapi/allowed' 2>&1)
is "$?:$out" "0:" "confined agent can write its state dir /var/lib/osapi"

out=$(launch -c "$plain" -- $sh -c 'echo x >/tmp/osapi-denied' 2>&1)
is "$?:$out" "0:" "control: without a profile the /tmp write succeeds"
rm -f /tmp/osapi-denied

# The kernel's own record: implicit denials are logged with the profile.
log=$(dmesg)
like "$log" 'apparmor="DENIED" operation="exec".*profile="osapi-agent" name="/usr/bin/whoami"' \
	"kernel logged the exec denial for /usr/bin/whoami"
like "$log" 'apparmor="DENIED" operation="mknod".*profile="osapi-agent" name="/tmp/osapi-denied"' \
	"kernel logged the write denial for /tmp/osapi-denied"

# --- unknown profiles ---------------------------------------------------------------
missing=$(config missing osapi-nonexistent)
rm -f /tmp/osapi-marker
out=$(launch -c "$missing" -- $sh -c 'echo x >/tmp/osapi-marker' 2>&1)
rc=$?
is "$rc" 231 "AppArmorProfile=osapi-nonexistent fails with exit code 231"
[ ! -e /tmp/osapi-marker ]
ok $? "target never ran (no marker file)"
diag "stderr: $out"

optional=$(config optional -osapi-nonexistent)
# shellcheck disable=SC2016 # expanded by the confined shell
out=$(launch -c "$optional" -- $sh -c 'read -r l </proc/self/attr/current; echo "APPARMOR=$l"' 2>"$dir/stderr")
rc=$?
is "$rc:$(value APPARMOR "$out")" "0:unconfined" "AppArmorProfile=-osapi-nonexistent runs the target unconfined"
like "$(cat "$dir/stderr")" 'osapi-nonexistent' "and says so on stderr"

# --- attachment ---------------------------------------------------------------------
# /usr/bin/osapi started without the launcher is confined by path.
if [ -x /usr/bin/osapi ]; then
	out=$(/usr/bin/osapi /proc/self/attr/current 2>&1)
	is "$out" "osapi-agent (enforce)" "/usr/bin/osapi started directly attaches to osapi-agent"
fi

# The management variant is loaded and can be selected by name.
mgmt=$(config mgmt osapi-agent-management)
out=$(run_probe "$mgmt" 2>&1)
is "$(label "$out")" "osapi-agent-management (enforce)" "AppArmorProfile=osapi-agent-management applies"

# --- libapparmor is opened on demand (include/dl.h) ----------------------------
# Without the library a required profile fails closed, naming the library;
# an optional one ("-") runs unconfined with a notice, as for an unloaded
# profile.
if [ -x "$launcher" ]; then
	so=$(find /usr/lib -name libapparmor.so.1 2>/dev/null | head -n 1)
	ok "$([ -n "$so" ] && echo 0 || echo 1)" "libapparmor.so.1 is in the guest (from the launcher's .note.dlopen)"
	mv "$so" "$so.hidden"
	rm -f /tmp/osapi-marker
	out=$(launch -c "$agent" -- $sh -c 'echo x >/tmp/osapi-marker' 2>&1)
	rc=$?
	is "$rc" 231 "without libapparmor.so.1, AppArmorProfile=osapi-agent fails closed with 231"
	like "$out" 'cannot load libapparmor\.so\.1' "... naming the library"
	[ ! -e /tmp/osapi-marker ]
	ok $? "... and the target never ran"
	optional_agent=$(config optional-agent -osapi-agent)
	# shellcheck disable=SC2016 # expanded by the confined shell
	out=$(launch -c "$optional_agent" -- $sh -c 'read -r l </proc/self/attr/current; echo "APPARMOR=$l"' 2>"$dir/stderr")
	rc=$?
	is "$rc:$(value APPARMOR "$out")" "0:unconfined" "AppArmorProfile=-osapi-agent without the library runs unconfined"
	like "$(cat "$dir/stderr")" 'notice: AppArmorProfile=-osapi-agent skipped: cannot load libapparmor' "... and says so"
	mv "$so.hidden" "$so"
fi

echo "1..$n"
