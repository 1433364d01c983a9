#!/bin/sh
# init-guest.sh INIT PHASE: the OSAPI agent's service under INIT (systemd,
# openrc, runit, s6, sysvinit) booted as PID 1, checked from outside the
# agent.  Run in the guest by /usr/lib/osapi-vm/runner (tests/vm/init-runner.sh)
# as root; prints TAP.  PHASE 1 is the first boot, PHASE 2 the boot after
# the init system's own reboot; PHASE "reboot" only asks INIT to reboot.
#
# The agent is a stand-in (tests/vm/agent-stand-in.c, installed as
# /usr/bin/osapi): the real agent cannot be built on the test machines.
# The service is installed with the guide's own commands: each
# "<!-- guest: NAME -->" block of docs/agent-hardening.md, extracted by the
# host into /usr/lib/osapi-vm/guide/NAME.sh and run here with sh -e.
#
# The checks: the agent runs as osapi with exactly the shipped capabilities
# (CapAmb = CapBnd = cap_net_raw), no_new_privs, seccomp in filter mode with
# the launcher's two filters, its own mount namespace with /usr and /etc
# read-only (read from /proc/PID/mountinfo); a restart and a kill bring it
# back confined where the init supervises; a stop leaves no process, mount
# namespace or cgroup behind; its log is where the guide says; a broken
# launch.conf fails visibly with exit code 78 and does not loop.
# shellcheck shell=sh
# shellcheck source=tests/vm/guest-tap.sh
. /usr/lib/osapi-vm/tap.sh
: "${n:?tap.sh sets n}"

init=$1
phase=$2
guide=/usr/lib/osapi-vm/guide
net_raw=0000000000002000
conf=/etc/osapi/launch.conf
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

# --- helpers -----------------------------------------------------------------

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
	wf_t=$(($1 * 5))
	shift
	while [ "$wf_t" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
		wf_t=$((wf_t - 1))
	done
	return 1
}

status_field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null | tr -s '\t ' ' '; }

# Processes whose real uid is osapi's: one awk over every status file, as
# a fork per process is slow under TCG.
osapi_pids() {
	awk -v u="$(id -u osapi)" '$1 == "Uid:" && $2 == u {
		split(FILENAME, a, "/"); print a[3]; nextfile
	}' /proc/[0-9]*/status 2>/dev/null
	return 0
}
no_osapi_pids() { [ -z "$(osapi_pids)" ]; }
launcher_pids() { pgrep -f '^/usr/sbin/osapi-launch' || true; }
pid_alive() { [ -n "$1" ] && [ -d "/proc/$1" ]; }
pid_gone() { ! pid_alive "$1"; }

# mount_opts PID PATH: the per-mount options of the mount PATH lies on, as
# PID sees it (the last of the longest matching mount points).
mount_opts() {
	awk -v p="$2" '{
		mp = $5
		if (mp == p || mp == "/" || index(p, mp "/") == 1)
			if (length(mp) >= best) { best = length(mp); o = $6 }
	} END { print o }' "/proc/$1/mountinfo"
}

# cgroup_dir PID: the directory of PID's cgroup v2 group, or nothing.
cgroup_dir() {
	cd_cg=$(sed -n 's/^0::\(.*\)/\1/p' "/proc/$1/cgroup")
	cd_mp=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/1/mountinfo)
	[ -n "$cd_mp" ] && [ -n "$cd_cg" ] && echo "$cd_mp$cd_cg"
}

# procs_in_ns NS: pids whose mount namespace is NS (e.g. mnt:[4026532146]).
procs_in_ns() {
	stat -L -c '%i %n' /proc/[0-9]*/ns/mnt 2>/dev/null |
		awk -v ns="$1" '"mnt:[" $1 "]" == ns { split($2, a, "/"); print a[3] }'
	return 0
}

# run_guide NAME DIR: the guide's block NAME, as the operator runs it.
run_guide() {
	rg_out=$(cd "$2" && sh -e "$guide/$1.sh" 2>&1)
	rg_st=$?
	ok "$rg_st" "the guide's commands ($1) run cleanly in $2"
	[ -z "$rg_out" ] || diag "$rg_out"
	return "$rg_st"
}

# check_confined LABEL PID FILTERS: what the kernel says about PID.
# FILTERS: the exact Seccomp_filters count, or "+N": at least N.
check_confined() {
	cc_l=$1
	cc_pid=$2
	# One read of the status file: a fork per field is slow under TCG.
	st_Uid='' st_Gid='' st_CapAmb='' st_CapBnd='' st_CapEff='' st_CapPrm=''
	st_NoNewPrivs='' st_Seccomp='' st_Seccomp_filters=''
	eval "$(awk '/^(Uid|Gid|Cap(Amb|Bnd|Eff|Prm)|NoNewPrivs|Seccomp|Seccomp_filters):/ {
		k = $1; sub(/:$/, "", k); $1 = ""; sub(/^ /, ""); printf "st_%s=\"%s\"\n", k, $0
	}' "/proc/$cc_pid/status" 2>/dev/null)"
	cc_exe=$(readlink "/proc/$cc_pid/exe")
	if [ "$cc_exe" != /usr/bin/osapi ]; then
		is "$cc_exe" /usr/bin/osapi "$cc_l: pid ${cc_pid:-none} is the agent (/usr/bin/osapi)"
		diag "the service's log:" "$(svc_log 2>&1 | tail -n 15)"
		return 1
	fi
	ok 0 "$cc_l: pid $cc_pid is the agent (/usr/bin/osapi)"
	cc_u=$(id -u osapi)
	cc_g=$(id -g osapi)
	is "$st_Uid" "$cc_u $cc_u $cc_u $cc_u" "$cc_l: runs as the osapi user"
	is "$st_Gid" "$cc_g $cc_g $cc_g $cc_g" "$cc_l: runs as the osapi group"
	is "$st_CapAmb" "$net_raw" "$cc_l: CapAmb is cap_net_raw alone"
	is "$st_CapBnd" "$net_raw" "$cc_l: CapBnd is cap_net_raw alone"
	is "$st_CapEff $st_CapPrm" "$net_raw $net_raw" "$cc_l: CapEff and CapPrm are cap_net_raw alone"
	is "$st_NoNewPrivs" 1 "$cc_l: NoNewPrivs 1"
	is "$st_Seccomp" 2 "$cc_l: Seccomp 2 (filter mode)"
	case $3 in
	+*)
		ok "$([ "${st_Seccomp_filters:-0}" -ge "${3#+}" ] && echo 0 || echo 1)" "$cc_l: Seccomp_filters $st_Seccomp_filters, at least ${3#+}"
		;;
	*) is "$st_Seccomp_filters" "$3" "$cc_l: Seccomp_filters $3" ;;
	esac
	cc_ns=$(readlink "/proc/$cc_pid/ns/mnt")
	ok "$([ -n "$cc_ns" ] && [ "$cc_ns" != "$(readlink /proc/1/ns/mnt)" ] && echo 0 || echo 1)" \
		"$cc_l: a mount namespace of its own ($cc_ns)"
	is "$(mount_opts "$cc_pid" /usr | grep -Eo '(^|,)ro(,|$)' | tr -d ,) $(mount_opts "$cc_pid" /etc | grep -Eo '(^|,)ro(,|$)' | tr -d ,)" \
		"ro ro" "$cc_l: /usr and /etc are read-only for it (mountinfo)"
}

# remember PID: its namespace and cgroup, for check_stopped.
remember() { echo "$1 $(readlink "/proc/$1/ns/mnt") $(cgroup_dir "$1")"; }

# check_stopped LABEL "PID NS CGROUP" (from remember): nothing is left.
check_stopped() {
	# shellcheck disable=SC2086 # remember's three words
	set -- "$1" $2
	agent_ns=$3
	agent_cg=${4:-}
	wait_for 20 pid_gone "$2"
	ok $? "$1: pid $2 is gone"
	wait_for 10 no_osapi_pids
	ok $? "$1: no process of the osapi user is left"
	cs_o=$(osapi_pids)
	[ -z "$cs_o" ] || diag "left: $(for cs_p in $cs_o; do tr '\0' ' ' <"/proc/$cs_p/cmdline"; echo; done)"
	is "$(launcher_pids)" "" "$1: no osapi-launch process is left"
	is "$(procs_in_ns "$agent_ns")" "" "$1: no process is left in its mount namespace"
	if [ -n "$agent_cg" ] && [ "$agent_cg" != "$(cgroup_dir 1)" ]; then
		# systemd and OpenRC remove the group at stop; what is left
		# must at least be empty.
		cs_left=$( [ -d "$agent_cg" ] && cat "$agent_cg/cgroup.procs")
		is "$cs_left" "" "$1: its cgroup ${agent_cg#/sys/fs/cgroup} holds no process"
		ok "$([ -d "$agent_cg" ] && echo 1 || echo 0)" "$1: its cgroup ${agent_cg#/sys/fs/cgroup} is removed"
	else
		ok 0 "$1: no cgroup of its own (${agent_cg:-no cgroup v2}), so none can be left: the init system makes none"
	fi
}

# break_conf / restore_conf: an unknown directive makes launch.conf invalid.
break_conf() {
	cp -p "$conf" /run/launch.conf.good
	echo 'ProtectSwap=yes' >>"$conf"
	bad_line=$(wc -l <"$conf")
}
restore_conf() { cp -p /run/launch.conf.good "$conf"; }

# --- per init system ----------------------------------------------------------
# svc_pid: the agent's pid (empty if not running); svc_running: the init
# system says it runs; svc_start/stop/restart; svc_log: the agent's log as
# the guide says to read it; svc_broken: start it with the broken config
# and check that it fails visibly with 78 and does not loop.

unit=osapi-agent.service
filters=2
supervises=yes
case $init in
systemd)
	svc_pid() {
		_p=$(systemctl show -p MainPID --value "$unit")
		[ "${_p:-0}" -gt 0 ] && echo "$_p"
	}
	svc_running() { [ "$(systemctl is-active "$unit")" = active ]; }
	svc_start() { systemctl start "$unit"; }
	svc_stop() { systemctl stop "$unit"; }
	svc_restart() { systemctl restart "$unit"; }
	svc_log() { journalctl -b -o cat -u "$unit"; }
	svc_reboot() { systemctl reboot; }
	;;
openrc)
	svc_pid() { osapi_pids | head -n 1; }
	svc_running() { rc-service osapi-agent status | grep -q 'status: started'; }
	svc_start() { rc-service osapi-agent start; }
	svc_stop() { rc-service osapi-agent stop; }
	svc_restart() { rc-service osapi-agent restart; }
	svc_log() { cat /var/log/osapi-agent.log; }
	svc_reboot() { openrc-shutdown -r now; }
	svc_broken() {
		_out=$(rc-service osapi-agent start 2>&1)
		_st=$?
		ok "$([ "$_st" -ne 0 ] && echo 0 || echo 1)" "broken config: rc-service osapi-agent start fails (exit $_st)"
		like "$_out" "launch\.conf:$bad_line" "broken config: it says which line (launch.conf:$bad_line)"
		like "$_out" 'exit(ed)? (code )?78' "broken config: it says the launcher's exit code, 78"
		diag "$_out"
		sleep 7
		is "$(osapi_pids)$(launcher_pids)" "" "broken config: nothing is respawned 7 s later"
		like "$(rc-service osapi-agent status 2>&1)" 'stopped|crashed' "broken config: rc-service status says it is not running"
	}
	;;
runit)
	svc_pid() { sv status osapi-agent | sed -n 's/^run: [^(]*(pid \([0-9]*\)).*/\1/p'; }
	svc_running() { sv status osapi-agent | grep -q '^run:'; }
	svc_start() { sv up osapi-agent; }
	svc_stop() { sv -w 30 down osapi-agent; }
	svc_restart() { sv -w 30 restart osapi-agent; }
	svc_log() { cat /var/log/runit/osapi-agent/current; }
	svc_reboot() { reboot; }
	svc_broken() {
		sv up osapi-agent
		wait_for 15 sh -c 'sv status osapi-agent | grep -q "^down:"'
		sleep 5
		_st=$(sv status osapi-agent)
		like "$_st" '^down: .*normally up' "broken config: runit keeps it down ($_st)"
		is "$(osapi_pids)$(launcher_pids)" "" "broken config: nothing runs or is respawned"
		_log=$(svc_log)
		like "$_log" "launch\.conf:$bad_line" "broken config: the log says which line (launch.conf:$bad_line)"
		like "$_log" 'exited 78' "broken config: the log says the launcher's exit code, 78"
		is "$(printf '%s\n' "$_log" | grep -c "launch\.conf:$bad_line")" 1 "broken config: one attempt, no loop"
	}
	;;
s6)
	svdir=/etc/s6/service/osapi-agent
	svc_pid() {
		_p=$(s6-svstat -o pid "$svdir" 2>/dev/null)
		[ "${_p:--1}" -gt 0 ] && echo "$_p"
	}
	svc_running() { [ "$(s6-svstat -o up "$svdir")" = true ]; }
	svc_start() { s6-svc -u "$svdir"; }
	svc_stop() { s6-svc -wD -T 30000 -d "$svdir"; }
	svc_restart() { s6-svc -wR -T 30000 -r "$svdir"; }
	svc_log() { cat /var/log/osapi-agent/current; }
	svc_reboot() {
		echo reboot >/run/s6-shutdown
		s6-svscanctl -t /etc/s6/service
	}
	svc_broken() {
		s6-svc -u "$svdir"
		wait_for 15 sh -c "[ \"\$(s6-svstat -o wantedup $svdir)\" = false ]"
		sleep 5
		_st=$(s6-svstat "$svdir")
		like "$_st" '^down \(exitcode 78\)' "broken config: s6 keeps it down, exit code 78 ($_st)"
		is "$(s6-svstat -o up,wantedup "$svdir")" "false false" "broken config: down and not wanted up"
		is "$(osapi_pids)$(launcher_pids)" "" "broken config: nothing runs or is respawned"
		_log=$(svc_log)
		like "$_log" "launch\.conf:$bad_line" "broken config: the log says which line (launch.conf:$bad_line)"
		like "$_log" 'exited 78' "broken config: the log says the launcher's exit code, 78"
		is "$(printf '%s\n' "$_log" | grep -c "launch\.conf:$bad_line")" 1 "broken config: one attempt, no loop"
	}
	;;
sysvinit)
	supervises=no
	svc_pid() { cat /run/osapi-agent.pid 2>/dev/null; }
	svc_running() { service osapi-agent status; }
	svc_start() { service osapi-agent start; }
	svc_stop() { service osapi-agent stop; }
	svc_restart() { service osapi-agent restart; }
	svc_log() { cat /var/log/osapi-agent.log; }
	svc_reboot() { reboot; }
	svc_broken() {
		_out=$(service osapi-agent start 2>&1)
		_st=$?
		is "$_st" 78 "broken config: service osapi-agent start exits 78, the launcher's code"
		like "$_out" "launch\.conf:$bad_line" "broken config: it says which line (launch.conf:$bad_line)"
		diag "$_out"
		sleep 3
		is "$(osapi_pids)$(launcher_pids)" "" "broken config: nothing runs"
		_st=0
		service osapi-agent status >/dev/null 2>&1 || _st=$?
		is "$_st" 3 "broken config: service osapi-agent status says not running (3)"
	}
	;;
*)
	echo "Bail out! unknown init system $init"
	exit 1
	;;
esac

# --- the lifecycle -------------------------------------------------------------

# agent_up: the service's pid is the agent itself (the launcher has execed
# it), not the launcher on its way or a pid that is gone.
agent_up() {
	au_p=$(svc_pid)
	[ -n "$au_p" ] && [ "$(readlink "/proc/$au_p/exe" 2>/dev/null)" = /usr/bin/osapi ]
}

# lifecycle LABEL: the service was just started; put it through its paces
# and leave it stopped.
lifecycle() {
	lc_l=$1
	wait_for 30 svc_running
	ok $? "$lc_l: the init system says it runs"
	wait_for 30 agent_up
	pid=$(svc_pid)
	check_confined "$lc_l" "$pid" "$filters"
	lc_log=$(svc_log 2>&1)
	like "$lc_log" "osapi stand-in: started, pid $pid " "$lc_l: the agent's log line is where the guide says"

	# restart: a new agent, as confined as the first.
	svc_restart >/dev/null 2>&1
	ok $? "$lc_l: restart"
	lc_new=
	lc_t=0
	while [ "$lc_t" -lt 100 ]; do
		lc_new=$(svc_pid)
		[ -n "$lc_new" ] && [ "$lc_new" != "$pid" ] && agent_up && break
		sleep 0.2
		lc_t=$((lc_t + 1))
	done
	ok "$([ -n "$lc_new" ] && [ "$lc_new" != "$pid" ] && echo 0 || echo 1)" "$lc_l: restart gives a new agent ($pid -> ${lc_new:-none})"
	pid_gone "$pid"
	ok $? "$lc_l: the old agent is gone after restart"
	pid=$lc_new
	check_confined "$lc_l after restart" "$pid" "$filters"

	# kill: the supervisor brings it back, or the init says it is dead.
	kill -KILL "$pid"
	if [ "$supervises" = yes ]; then
		lc_new=
		lc_t=0
		while [ "$lc_t" -lt 100 ]; do
			lc_new=$(svc_pid)
			[ -n "$lc_new" ] && [ "$lc_new" != "$pid" ] && agent_up && break
			sleep 0.2
			lc_t=$((lc_t + 1))
		done
		ok "$([ -n "$lc_new" ] && [ "$lc_new" != "$pid" ] && echo 0 || echo 1)" \
			"$lc_l: after kill -KILL the supervisor restarts it ($pid -> ${lc_new:-none}, $((lc_t / 5)) s)"
		pid=$lc_new
		wait_for 10 svc_running
		check_confined "$lc_l after kill" "$pid" "$filters"
	else
		wait_for 10 pid_gone "$pid"
		lc_st=0
		svc_running >/dev/null 2>&1 || lc_st=$?
		is "$lc_st" 1 "$lc_l: after kill -KILL, status says dead with a stale pid file (1): sysvinit does not supervise"
		svc_start >/dev/null 2>&1
		ok $? "$lc_l: start brings it back"
		wait_for 20 agent_up
		pid=$(svc_pid)
		check_confined "$lc_l after start" "$pid" "$filters"
	fi

	# stop: nothing left behind.
	lc_mem=$(remember "$pid")
	svc_stop >/dev/null 2>&1
	ok $? "$lc_l: stop"
	check_stopped "$lc_l" "$lc_mem"
	lc_st=0
	svc_running >/dev/null 2>&1 && lc_st=1
	ok "$lc_st" "$lc_l: the init system says it is stopped"
	like "$(svc_log 2>&1)" "osapi stand-in: stopping on SIGTERM, pid $pid" "$lc_l: the agent was stopped with SIGTERM and said so in its log"
}

prepare() {
	# The agent's own config, which the operator writes first.
	mkdir -p /etc/osapi
	echo '# stand-in: the agent is not built here' >/etc/osapi/osapi.yaml
	run_guide user /
	ok "$([ -x /usr/bin/osapi ] && echo 0 || echo 1)" "the stand-in agent is installed as /usr/bin/osapi"
	like "$(mount_opts 1 /usr)" '(^|,)rw(,|$)' "/usr is read-write for PID 1 (the read-only checks can fail)"
	is "$(readlink /proc/1/exe)" "$(readlink -f "$init_exe")" "PID 1 is $init_exe"
}

case $init in
systemd) init_exe=/lib/systemd/systemd ;;
openrc) init_exe=/sbin/openrc-init ;;
runit) init_exe=/sbin/runit ;;
s6) init_exe=/usr/bin/s6-svscan ;;
sysvinit) init_exe=/sbin/init ;;
esac

if [ "$phase" = reboot ]; then
	svc_reboot
	exit 0
fi

# systemd_broken_plain: the systemd-only unit's config check is
# AssertPathExists=/etc/osapi/osapi.yaml: it fails at once, never loops.
systemd_broken_plain() {
	mv /etc/osapi/osapi.yaml /run/osapi.yaml.good
	_nr=$(systemctl show -p NRestarts --value "$unit")
	_out=$(systemctl start "$unit" 2>&1)
	_st=$?
	ok "$([ "$_st" -ne 0 ] && echo 0 || echo 1)" "broken config: systemctl start $unit fails (exit $_st): $_out"
	sleep 7
	is "$(systemctl show -p ActiveState --value "$unit") $(systemctl show -p NRestarts --value "$unit")" \
		"inactive $_nr" "broken config: inactive, and not restarted 7 s later"
	like "$(systemctl status "$unit" 2>&1)" 'AssertPathExists=/etc/osapi/osapi.yaml' "broken config: systemctl status names the failed assertion"
	mv /run/osapi.yaml.good /etc/osapi/osapi.yaml
}

# systemd_broken_launch: osapi-launch refuses launch.conf with 78, which
# RestartPreventExitStatus=78 keeps from restarting.
systemd_broken_launch() {
	systemctl start "$unit" >/dev/null 2>&1
	wait_for 15 sh -c "[ \"\$(systemctl show -p ActiveState --value $unit)\" = failed ]"
	sleep 7
	is "$(systemctl show -p ActiveState --value "$unit")" failed "broken config: $unit is failed"
	is "$(systemctl show -p ExecMainStatus --value "$unit")" 78 "broken config: the main process exited 78"
	# A start by hand sets the restart counter back to 0.
	is "$(systemctl show -p NRestarts --value "$unit")" 0 "broken config: not restarted 7 s later (RestartSec=5s)"
	like "$(systemctl status "$unit" 2>&1)" 'status=78/CONFIG' "broken config: systemctl status shows status=78/CONFIG"
	like "$(journalctl -b -o cat -u "$unit")" "launch\.conf:$bad_line" "broken config: the journal says which line (launch.conf:$bad_line)"
	systemctl reset-failed "$unit"
}

# launch_filters: how many seccomp filters systemd itself gives a process
# of osapi-agent-launch.service, from the unit with its ExecStart= pointed
# at the agent (a runtime drop-in, removed after); under the launcher the
# agent must have exactly the launcher's two on top.
launch_filters() {
	lf_d=/run/systemd/system/osapi-agent-launch.service.d
	mkdir -p "$lf_d"
	printf '%s\n' '[Service]' 'ExecStart=' 'ExecStart=/usr/bin/osapi count' >"$lf_d/count.conf"
	systemctl daemon-reload
	systemctl start osapi-agent-launch.service
	wait_for 10 agent_up
	lf_n=$(status_field "$(svc_pid)" Seccomp_filters)
	systemctl stop osapi-agent-launch.service
	rm -rf "$lf_d"
	systemctl daemon-reload
	ok "$([ "${lf_n:-0}" -gt 0 ] && echo 0 || echo 1)" "osapi-agent-launch.service without the launcher: systemd's own filters: ${lf_n:-none}"
	filters=$((${lf_n:-0} + 2))
	echo "$filters" >/var/lib/osapi-vm/launch-filters
}

if [ "$phase" = 1 ]; then
	prepare
	if [ "$init" = systemd ]; then
		unit=osapi-agent.service
		filters=+1
		run_guide systemd /root/osapi-launch
		lifecycle "$unit"
		systemd_broken_plain
		unit=osapi-agent-launch.service
		launch_filters
		run_guide systemd-launch /root/osapi-launch
		lifecycle "$unit"
		break_conf
		systemd_broken_launch
		restore_conf
		systemctl start osapi-agent.service osapi-agent-launch.service
		ok $? "both units started again, for the reboot"
		is "$(systemctl is-enabled osapi-agent.service osapi-agent-launch.service | tr '\n' ' ')" \
			"enabled enabled " "both units are enabled"
	else
		run_guide "$init" /
		lifecycle "$init"
		break_conf
		svc_broken
		restore_conf
		svc_start >/dev/null 2>&1
		wait_for 30 agent_up
		wait_for 10 svc_running
		ok $? "$init: started again with the good config, for the reboot"
		check_confined "$init before the reboot" "$(svc_pid)" "$filters"
	fi
else
	# After the init system's own reboot: back by itself, confined, and a
	# stop leaves nothing.
	if [ "$init" = systemd ]; then
		mems=
		for unit in osapi-agent.service osapi-agent-launch.service; do
			filters=+1
			[ "$unit" = osapi-agent-launch.service ] && filters=$(cat /var/lib/osapi-vm/launch-filters)
			wait_for 60 svc_running
			ok $? "$unit: running after the reboot"
			wait_for 30 agent_up
			check_confined "$unit after the reboot" "$(svc_pid)" "$filters"
			mems="$mems$(remember "$(svc_pid)")|"
		done
		systemctl stop osapi-agent.service osapi-agent-launch.service
		ok $? "both units stop"
		_old=$IFS
		IFS='|'
		for m in $mems; do
			IFS=$_old
			[ -n "$m" ] && check_stopped "after the reboot" "$m"
		done
		IFS=$_old
	else
		wait_for 60 svc_running
		ok $? "$init: running after the reboot"
		wait_for 30 agent_up
		pid=$(svc_pid)
		check_confined "$init after the reboot" "$pid" "$filters"
		like "$(svc_log 2>&1)" "osapi stand-in: started, pid $pid " "$init: the log has the new agent's line"
		mem=$(remember "$pid")
		svc_stop >/dev/null 2>&1
		ok $? "$init: stop"
		check_stopped "$init after the reboot" "$mem"
	fi
fi
echo "1..$n"
