# shellcheck shell=bash
# contrib/ansible's example playbook run for real, and what a converged
# target must show from outside: shared by tests/t/83-ansible.t (Docker
# containers) and tests/t/84-ansible-guests.t (booted QEMU guests).
#
# Source after tap.sh, with SCRATCH set and $SCRATCH/vars.json holding the
# play's variables, and set TARGET_KIND:
#   docker  a container's processes are this machine's: their pids come
#           from docker top and are read in this machine's /proc;
#   ssh     a booted guest: its processes are read in its /proc over ssh
#           as root, with SSH_CONFIG naming an ssh_config that has a Host
#           entry for each target.

ROLE_DIR=$SRC_DIR/contrib/ansible

# play INVENTORY LOG [EXTRA-VARS-FILE [ARG...]]: run the example playbook
# with $SCRATCH/vars.json, EXTRA-VARS-FILE (if not empty) and ARGs.
play() {
	local inv=$1 log=$2 extra=${3:-}
	shift 2
	[ $# -eq 0 ] || shift
	ANSIBLE_CONFIG=$ROLE_DIR/ansible.cfg ANSIBLE_PIPELINING=true ANSIBLE_NOCOLOR=1 \
		ANSIBLE_HOST_KEY_CHECKING=false \
		ansible-playbook -i "$inv" "$ROLE_DIR/site.yml" -e "@$SCRATCH/vars.json" ${extra:+-e "@$extra"} "$@" >"$log" 2>&1
}
# recap HOST LOG: HOST's line of the play recap (ok=, changed=, failed=...).
recap() { sed -n "s/^$1 *: //p" "$2" | tr -s ' '; }

# log_like LOG EXTENDED-REGEX DESCRIPTION: like, on a play's log, quoting
# only its end when it fails (a log's "ok:" lines are no TAP for prove).
log_like() {
	if grep -Eq -- "$2" "$1"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "no line matches: $2"
		tail -n 15 "$1" | sed 's/^/#   /'
	fi
}
# task_log LOG TASK: what the play that wrote LOG printed for the task
# named TASK (its diff, its "changed: [host]" lines), up to the next task.
task_log() {
	awk -v t="TASK [osapi_launch : $2]" 'index($0, t) == 1 { on = 1; next }
		/^(TASK|RUNNING HANDLER|PLAY RECAP) / { on = 0 } on' "$1"
}

# in_target HOST COMMAND: run a shell command on the target, as root.
in_target() {
	case $TARGET_KIND in
	docker) docker exec "$1" sh -c "$2" ;;
	ssh) ssh -F "$SSH_CONFIG" "$1" "$2" ;;
	esac
}
# agent_pid HOST: the agent's pid, as proc_file takes it.
agent_pid() {
	case $TARGET_KIND in
	docker) docker top "$1" -eo pid,comm 2>/dev/null ;;
	ssh) in_target "$1" 'ps -eo pid,comm' 2>/dev/null ;;
	esac | awk '$2 == "osapi" {print $1; exit}'
}
# proc_file HOST PID FILE: /proc/PID/FILE of the target's process.
proc_file() {
	case $TARGET_KIND in
	docker) cat "/proc/$2/$3" ;;
	ssh) in_target "$1" "cat /proc/$2/$3" ;;
	esac
}
# status_field HOST PID FIELD: FIELD of /proc/PID/status, blanks squeezed.
status_field() { proc_file "$1" "$2" status | sed -n "s/^$3:[[:space:]]*//p" | tr -s '\t ' ' '; }
# parent_comm HOST PID: the name of the process's parent (15 characters).
parent_comm() { proc_file "$1" "$(proc_file "$1" "$2" stat | awk '{print $4}')" comm; }

now() { date +%s; }

# check_converged HOST LOG SUPERVISOR [PING_RANGE [CAPS]]: after the play
# that wrote LOG, HOST runs the agent confined, its parent SUPERVISOR, with
# the role's files and ping_group_range in place.  PING_RANGE is the range
# expected: by default (or empty) the osapi group's gid alone (on a host
# where the range covered no group; one that already covered it is kept).
# CAPS is the capability mask expected in the effective, bounding and
# ambient sets: by default cap_net_raw alone, the shipped config's.  Sets
# PID to the agent's pid (empty when it does not run).
check_converged() {
	local host=$1 log=$2 sup=$3 range=${4:-} caps=${5:-0000000000002000} pid uid gid what
	# shellcheck disable=SC2034 # the caller's
	PID=
	like "$(recap "$host" "$log")" 'failed=0' "$host: ... with no failed task"
	for _ in $(seq 1 100); do
		pid=$(agent_pid "$host")
		[ -n "$pid" ] && break
		sleep 0.2
	done
	ok "$([ -n "$pid" ] && echo 0 || echo 1)" "$host: the agent runs (pid ${pid:-none})"
	[ -n "$pid" ] || return
	# shellcheck disable=SC2034
	PID=$pid
	uid=$(in_target "$host" 'id -u osapi')
	gid=$(in_target "$host" 'id -g osapi')
	[ -n "$range" ] || range="$gid $gid"
	is "$(status_field "$host" "$pid" Uid)" "$uid $uid $uid $uid" "$host: as the osapi user"
	is "$(status_field "$host" "$pid" Gid)" "$gid $gid $gid $gid" "$host: in the osapi group"
	what="cap_net_raw alone"
	[ "$caps" = 0000000000002000 ] || what=$caps
	is "$(status_field "$host" "$pid" CapEff)" "$caps" "$host: CapEff is $what"
	is "$(status_field "$host" "$pid" CapBnd)" "$caps" "$host: CapBnd is $what"
	is "$(status_field "$host" "$pid" CapAmb)" "$caps" "$host: CapAmb is $what"
	is "$(status_field "$host" "$pid" NoNewPrivs)" 1 "$host: no_new_privs"
	is "$(status_field "$host" "$pid" Seccomp)" 2 "$host: seccomp filter mode"
	like "$(status_field "$host" "$pid" Seccomp_filters)" '^[1-9]' "$host: seccomp filters loaded"
	is "$(parent_comm "$host" "$pid")" "$sup" "$host: supervised by $sup"
	is "$(in_target "$host" 'stat -c "%U:%G %a" /etc/osapi/launch.conf /etc/osapi/agent.env /usr/bin/osapi /var/lib/osapi' | tr '\n' ' ')" \
		"root:root 644 root:root 600 root:root 755 osapi:osapi 700 " \
		"$host: config, environment file, agent and state directory: owner and mode"
	like "$(in_target "$host" 'cat /etc/osapi/agent.env')" '^OSAPI_NATS_URL=nats://127\.0\.0\.1:4222$' \
		"$host: the NATS setting is in the environment file"
	like "$(proc_file "$host" "$pid" environ | tr '\n\0' '  ')" 'OSAPI_NATS_URL=nats://127.0.0.1:4222' \
		"$host: ... and in the agent's environment"
	is "$(in_target "$host" 'cat /proc/sys/net/ipv4/ping_group_range' | tr -s '\t ' ' ')" "$range" \
		"$host: ping_group_range covers the osapi group ($range)"
	like "$(in_target "$host" 'cat /etc/sysctl.d/60-osapi-ping.conf')" "ping_group_range = $range" \
		"$host: ... persistently"
}

# check_idempotent HOST LOG PID: the run that wrote LOG changed nothing on
# HOST and left its agent (PID) running.
check_idempotent() {
	like "$(recap "$1" "$2")" 'changed=0 .*failed=0' "$1: ... with changed=0"
	grep -B3 "^changed: \[$1\]" "$2" | sed 's/^/#   /'
	is "$(agent_pid "$1")" "$3" "$1: ... and the agent was not restarted"
}

# converge_and_check INVENTORY HOST SUPERVISOR [PING_RANGE]: the play
# converges HOST (INVENTORY's only host) to a confined running agent whose
# parent is SUPERVISOR, and a second run changes nothing.
converge_and_check() {
	local inv=$1 host=$2 t rc
	t=$(now)
	play "$inv" "$SCRATCH/$host.1.log"
	rc=$?
	ok $rc "$host: the play converges ($(($(now) - t)) s)"
	check_converged "$host" "$SCRATCH/$host.1.log" "$3" "${4:-}"
	[ $rc -eq 0 ] || tail -25 "$SCRATCH/$host.1.log" | sed 's/^/#   /'
	[ -n "$PID" ] || return
	t=$(now)
	play "$inv" "$SCRATCH/$host.2.log"
	ok $? "$host: a second run succeeds ($(($(now) - t)) s)"
	check_idempotent "$host" "$SCRATCH/$host.2.log" "$PID"
}
