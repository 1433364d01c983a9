#!/bin/bash
# The runit, s6 and sysvinit services in contrib/ really started, each under
# its own supervisor, with the launcher running a harmless target (sleep).
# For each: the supervised pid ends up as the osapi user with cap_net_raw as
# its only capability and no_new_privs set, then stops cleanly and leaves no
# process behind.
#
# The service files name /usr/sbin/osapi-launch and /etc/osapi/launch.conf;
# the test runs temporary copies with those two paths rewritten to
# $OSAPI_LAUNCH and a scratch config, so nothing on the host is replaced.
# The copies are checked to differ from the originals in those paths only.
# Helpers below are called through wait_for, out of shellcheck's sight.
# shellcheck disable=SC2317
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_root
[ -e "$OSAPI_LAUNCH" ] || skip_all "launcher not built ($OSAPI_LAUNCH is missing)"
need_cmd runsv "apt-get install runit"
need_cmd sv "apt-get install runit"
need_cmd s6-supervise "apt-get install s6"
need_cmd s6-svc "apt-get install s6"
need_cmd s6-svstat "apt-get install s6"
need_cmd start-stop-daemon "dpkg"

contrib=$SRC_DIR/contrib
want_caps=0000000000002000 # cap_net_raw only

if ! id osapi >/dev/null 2>&1; then
	useradd --system --no-create-home --shell /usr/sbin/nologin osapi ||
		skip_all "cannot create the osapi user"
fi
osapi_uid=$(id -u osapi)
osapi_gid=$(id -g osapi)

scratch
# Supervisors, pids and the launcher's target to clean up if a check dies
# half-way; a normal run has already stopped them.
cleanup_pids=()
cleanup() {
	local p
	for p in "${cleanup_pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

# The launcher's trust rules: root-owned 0644 file in a root-owned directory
# that group and others cannot write.
conf=$SCRATCH/launch.conf
cat >"$conf" <<'EOF'
[Launch]
ExecStart=/bin/sleep 300
User=osapi
Group=osapi
AmbientCapabilities=CAP_NET_RAW
CapabilityBoundingSet=CAP_NET_RAW
NoNewPrivileges=yes
EOF
chmod 0644 "$conf"

# copy_service SRC DST: copy a service file or directory and point it at the
# launcher under test and the scratch config.
copy_service() {
	cp -a "$1" "$2"
	local f
	while IFS= read -r f; do
		sed -i -e "s|/usr/sbin/osapi-launch|$OSAPI_LAUNCH|g" \
			-e "s|/etc/osapi/launch.conf|$conf|g" "$f"
	done < <(find "$2" -type f)
}

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
	local tries=$(($1 * 10))
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

comm_is_sleep() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = sleep ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }
status_field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' '; }

# check_running NAME PID: the launcher has execed the target with the
# dropped credentials.
check_running() {
	local name=$1 pid=$2
	if ! wait_for 10 comm_is_sleep "$pid"; then
		ok 1 "$name: pid $pid became the target (sleep)"
		return
	fi
	ok 0 "$name: pid $pid became the target (sleep)"
	is "$(status_field "$pid" Uid)" "$osapi_uid $osapi_uid $osapi_uid $osapi_uid" "$name: runs as the osapi user (real/effective/saved/fs uid)"
	is "$(status_field "$pid" Gid)" "$osapi_gid $osapi_gid $osapi_gid $osapi_gid" "$name: runs as the osapi group"
	is "$(status_field "$pid" CapEff)" "$want_caps" "$name: CapEff is cap_net_raw only"
	is "$(status_field "$pid" CapPrm)" "$want_caps" "$name: CapPrm is cap_net_raw only"
	is "$(status_field "$pid" CapAmb)" "$want_caps" "$name: CapAmb is cap_net_raw only"
	is "$(status_field "$pid" CapBnd)" "$want_caps" "$name: CapBnd is cap_net_raw only"
	is "$(status_field "$pid" NoNewPrivs)" 1 "$name: no_new_privs is set"
}

# check_stopped NAME PID: nothing of the service is left.
check_stopped() {
	wait_for 10 gone "$2"
	ok $? "$1: pid $2 is gone after stop"
	# The launcher before its exec names the scratch config; after it, the
	# target is an osapi-owned "sleep 300".
	is "$(pgrep -f -- "$conf"; pgrep -u osapi -f '^/bin/sleep 300$')" "" \
		"$1: no launcher or target process is left"
}

### runit ###############################################################
sv_dir=$SCRATCH/runit/osapi-agent
mkdir -p "$SCRATCH/runit"
copy_service "$contrib/runit/osapi-agent" "$sv_dir"
sed -i "s|/var/log/runit/osapi-agent|$SCRATCH/runit-log|" "$sv_dir/log/run"
like "$(cat "$sv_dir/run")" "exec $OSAPI_LAUNCH -c $conf\$" "runit: copy runs the launcher under test"
is "$(diff <(sed -e "s|$OSAPI_LAUNCH|/usr/sbin/osapi-launch|" -e "s|$conf|/etc/osapi/launch.conf|" "$sv_dir/run") \
	"$contrib/runit/osapi-agent/run" && echo same)" same "runit: copy differs only in the two paths"

runsv "$sv_dir" </dev/null >/dev/null 2>&1 &
runsv_pid=$!
cleanup_pids+=("$runsv_pid")
runit_pid() { # print the supervised pid once runsv reports "run"
	local st
	st=$(sv status "$sv_dir" 2>/dev/null) || return 1
	case $st in run:*) ;; *) return 1 ;; esac
	st=${st#*(pid }
	st=${st%%)*}
	[ -n "$st" ] && [ "$st" -gt 0 ] 2>/dev/null && echo "$st"
}
if wait_for 10 runit_pid >/dev/null; then
	pid=$(runit_pid)
	cleanup_pids+=("$pid")
	ok 0 "runit: runsv reports the service up (pid $pid)"
	check_running runit "$pid"
	sv -w 15 down "$sv_dir" >/dev/null
	like "$(sv status "$sv_dir")" '^down:' "runit: sv down stops it"
	check_stopped runit "$pid"
	# The log service must have run too.
	ok "$([ -e "$SCRATCH/runit-log/current" ] && echo 0 || echo 1)" "runit: log/run started svlogd"
else
	ok 1 "runit: runsv reports the service up"
	diag "$(sv status "$sv_dir" 2>&1)"
fi
sv exit "$sv_dir" >/dev/null 2>&1
wait_for 10 gone "$runsv_pid"
ok $? "runit: runsv exits on sv exit"

### s6 ##################################################################
s6_dir=$SCRATCH/s6/osapi-agent
mkdir -p "$SCRATCH/s6"
copy_service "$contrib/s6/osapi-agent" "$s6_dir"
is "$(cat "$s6_dir/type")" longrun "s6: type is longrun"
like "$(cat "$s6_dir/run")" "exec $OSAPI_LAUNCH -c $conf\$" "s6: copy runs the launcher under test"

s6-supervise "$s6_dir" </dev/null >/dev/null 2>&1 &
s6sup_pid=$!
cleanup_pids+=("$s6sup_pid")
s6_pid() { # print the supervised pid once s6-svstat reports it up
	local up pid
	read -r up pid < <(s6-svstat -o up,pid "$s6_dir" 2>/dev/null) || return 1
	[ "$up" = true ] && [ "$pid" -gt 0 ] 2>/dev/null && echo "$pid"
}
if wait_for 10 s6_pid >/dev/null; then
	pid=$(s6_pid)
	cleanup_pids+=("$pid")
	ok 0 "s6: s6-supervise reports the service up (pid $pid)"
	check_running s6 "$pid"
	timeout 20 s6-svc -wD -d "$s6_dir"
	ok $? "s6: s6-svc -d stops it"
	check_stopped s6 "$pid"
else
	ok 1 "s6: s6-supervise reports the service up"
	diag "$(s6-svstat "$s6_dir" 2>&1)"
fi
s6-svc -x "$s6_dir" 2>/dev/null
wait_for 10 gone "$s6sup_pid"
ok $? "s6: s6-supervise exits on s6-svc -x"

### sysvinit ############################################################
# The script reads /etc/default/osapi-agent; the copy reads a scratch file
# that points it at the launcher under test, the scratch config and scratch
# pid and log files.
init=$SCRATCH/osapi-agent.init
cp "$contrib/sysvinit/osapi-agent" "$init"
sed -i "s|^DEFAULTS=.*|DEFAULTS=$SCRATCH/defaults|" "$init"
cat >"$SCRATCH/defaults" <<EOF
DAEMON=$OSAPI_LAUNCH
CONF=$conf
PIDFILE=$SCRATCH/osapi-agent.pid
LOGFILE=$SCRATCH/osapi-agent.log
EOF
pidfile=$SCRATCH/osapi-agent.pid

out=$("$init" status 2>&1)
is "$?" 3 "sysvinit: status before start exits 3 (not running)"
"$init" start >/dev/null 2>&1
ok $? "sysvinit: start exits 0"
if wait_for 10 test -s "$pidfile"; then
	pid=$(cat "$pidfile")
	cleanup_pids+=("$pid")
	check_running sysvinit "$pid"
	out=$("$init" status 2>&1)
	is "$?" 0 "sysvinit: status exits 0 while running"
	like "$out" "running \\(pid $pid\\)" "sysvinit: status names the pid"
	"$init" start >/dev/null 2>&1
	is "$(cat "$pidfile")" "$pid" "sysvinit: a second start leaves the running agent alone"
	"$init" restart >/dev/null 2>&1
	ok $? "sysvinit: restart exits 0"
	wait_for 10 gone "$pid"
	ok $? "sysvinit: restart stopped the old pid"
	if wait_for 10 test -s "$pidfile"; then
		pid=$(cat "$pidfile")
		cleanup_pids+=("$pid")
		wait_for 10 comm_is_sleep "$pid"
		ok $? "sysvinit: restart started a new agent (pid $pid)"
	else
		ok 1 "sysvinit: restart wrote a new pid file"
	fi
	"$init" stop >/dev/null 2>&1
	ok $? "sysvinit: stop exits 0"
	check_stopped sysvinit "$pid"
	ok "$([ ! -e "$pidfile" ] && echo 0 || echo 1)" "sysvinit: stop removes the pid file"
	out=$("$init" status 2>&1)
	is "$?" 3 "sysvinit: status after stop exits 3"
else
	ok 1 "sysvinit: start wrote the pid file"
	diag "$(cat "$SCRATCH/osapi-agent.log" 2>&1)"
fi

# Nothing that ran from the scratch directory (supervisors, svlogd, the
# launcher) may outlive the test.
is "$(pgrep -f -- "$SCRATCH")" "" "no process from the scratch directory is left"

done_testing
