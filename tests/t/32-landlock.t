#!/bin/bash
# The file system sandbox with the Landlock backend (SandboxBackend=landlock:
# as root, auto would pick mounts; 33-mountns.t), for real: the agent
# (/bin/sh running a script as osapi) tries to write, read and execute paths
# that its user can write, read and execute without the sandbox.  Every
# denial has a control run without the directive, so a pass cannot come
# from file permissions.  Landlock refuses with EACCES ("Permission
# denied"); a read-only mount would say EROFS.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd perl
abi=$(perl -e 'print syscall(444, 0, 0, 1)') # landlock_create_ruleset(VERSION)
[ "${abi:-0}" -ge 1 ] 2>/dev/null || skip_all "Landlock is not enabled in this kernel"
setup_launch
C=$SCRATCH/c.conf

VARD=/var/lib/osapi-ll-test.d     # a directory osapi owns, under /var
USRD=/usr/local/lib/osapi-ll-test # ... under /usr
ETCD=/etc/osapi-ll-test.d         # ... under /etc
HOMED=/home/osapi-ll-test.d       # ... under /home
HOMEF=/home/osapi-ll-test.txt     # world-readable files
ETCF=/etc/osapi-ll-test.conf
RW=/var/lib/osapi
made_rw=
[ -d $RW ] || made_rw=1
cleanup() {
	rm -rf "$SCRATCH" $VARD $USRD $ETCD $HOMED $HOMEF $ETCF
	[ -z "$made_rw" ] || rm -rf $RW
}
trap cleanup EXIT
install -d -o osapi -m 0755 $VARD $USRD $ETCD $HOMED $RW
echo secret >$HOMEF
echo secret >$ETCF
chmod 0644 $HOMEF $ETCF
# A script osapi could run: copied into the directory it may write.
install -o osapi -m 0755 /dev/stdin $RW/script.sh <<<'#!/bin/sh
echo script-ran'

# The agent: a shell reporting, for each action, ok or the errno.
install -m 0644 "$SRC_DIR/tests/lib/sandbox-agent.sh" "$SCRATCH/lib.sh"

# agent CONFIG-LINES... -- SCRIPT: runs SCRIPT as osapi under the lines.
agent() {
	local lines=()
	while [ "$1" != "--" ]; do
		lines+=("$1")
		shift
	done
	printf '. %s\n%s\n' "$SCRATCH/lib.sh" "$2" >"$SCRATCH/s.sh"
	chmod 0644 "$SCRATCH/s.sh"
	conf "$C" "ExecStart=/bin/sh $SCRATCH/s.sh" "User=osapi" "SandboxBackend=landlock" "${lines[@]}"
	run_launch -c "$C"
}
get() { printf '%s\n' "$OUTPUT" | awk -v k="$1" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }'; }

all="w $VARD/f; w $USRD/f; w $ETCD/f; w $HOMED/f; w $RW/f; w /dev/null; w /tmp/osapi-ll-\$\$; rm -f /tmp/osapi-ll-\$\$; r $HOMEF; r $ETCF; r /etc/hostname; x /usr/bin/whoami; x $RW/script.sh; l /"

# --- control: no sandbox ---------------------------------------------------
agent -- "$all"
is "$(get W:$VARD/f):$(get W:$USRD/f):$(get W:$ETCD/f):$(get W:$HOMED/f):$(get W:$RW/f)" ok:ok:ok:ok:ok \
	"control: osapi can write its directories under /var, /usr, /etc, /home"
is "$(get R:$HOMEF):$(get R:$ETCF)" ok:ok "control: osapi can read the files under /home and /etc"
is "$(get X:/usr/bin/whoami):$(get X:$RW/script.sh):$(get L:/)" ok:ok:ok "control: osapi can run whoami and its script, list /"

# --- ProtectSystem= ----------------------------------------------------------
agent "ProtectSystem=strict" "ReadWritePaths=$RW" -- "$all"
is "$RC" 0 "ProtectSystem=strict: the agent runs"
is "$(get W:$VARD/f):$(get W:$USRD/f):$(get W:$ETCD/f):$(get W:$HOMED/f)" EACCES:EACCES:EACCES:EACCES \
	"ProtectSystem=strict: no write under /var, /usr, /etc, /home (EACCES: Landlock)"
is "$(get W:$RW/f)" ok "ReadWritePaths=$RW stays writable"
like "$OUTPUT" "W:/tmp/osapi-ll-[0-9]+=EACCES" "ProtectSystem=strict: /tmp is read-only too, as under systemd"
is "$(get W:/dev/null)" ok "/dev/null stays writable (API file system, as under systemd)"
is "$(get R:$ETCF):$(get R:/etc/hostname):$(get X:/usr/bin/whoami)" ok:ok:ok "ProtectSystem=strict: reading and running are untouched"

agent "ProtectSystem=yes" -- "$all"
is "$(get W:$USRD/f):$(get W:$ETCD/f):$(get W:$VARD/f)" EACCES:ok:ok "ProtectSystem=yes: /usr read-only, /etc and /var not"
agent "ProtectSystem=full" -- "$all"
is "$(get W:$USRD/f):$(get W:$ETCD/f):$(get W:$VARD/f)" EACCES:EACCES:ok "ProtectSystem=full: /usr and /etc read-only, /var not"

# --- ReadOnlyPaths=, ReadWritePaths=, deepest wins ---------------------------
agent "ReadOnlyPaths=$VARD" -- "$all"
is "$(get W:$VARD/f):$(get W:$RW/f):$(get R:$ETCF)" EACCES:ok:ok "ReadOnlyPaths= makes just that path read-only"
agent "ReadOnlyPaths=/var" "ReadWritePaths=$VARD" -- "$all"
is "$(get W:$VARD/f):$(get W:$RW/f)" ok:EACCES "ReadWritePaths= below ReadOnlyPaths=: the deeper path wins"
agent "ReadWritePaths=/var" "ReadOnlyPaths=$VARD" -- "$all"
is "$(get W:$VARD/f):$(get W:$RW/f)" EACCES:ok "ReadOnlyPaths= below ReadWritePaths=: the deeper path wins (split)"

# --- ProtectHome= ------------------------------------------------------------
agent "ProtectHome=yes" -- "$all"
is "$(get R:$HOMEF):$(get W:$HOMED/f)" EACCES:EACCES "ProtectHome=yes: the /home file cannot be read, nor /home written"
is "$(get R:$ETCF):$(get R:/etc/hostname):$(get W:$VARD/f)" ok:ok:ok "ProtectHome=yes: the rest of the tree is as before"
is "$(get L:/)" EACCES "ProtectHome=yes: / cannot be listed (documented: Landlock grants / entry by entry)"
agent "ProtectHome=read-only" -- "$all"
is "$(get R:$HOMEF):$(get W:$HOMED/f)" ok:EACCES "ProtectHome=read-only: /home readable, not writable"
agent "ProtectHome=tmpfs" -- "$all"
is "$RC" 78 "ProtectHome=tmpfs cannot be expressed with Landlock: config error"
like "$ERR" "c.conf:5: ProtectHome=tmpfs cannot be expressed with Landlock" "... naming file:line"
agent "ProtectHome=-tmpfs" -- "$all"
is "$RC:$(get R:$HOMEF)" 0:EACCES "ProtectHome=-tmpfs falls back to inaccessible"

# --- InaccessiblePaths= -------------------------------------------------------
agent "InaccessiblePaths=$ETCF" -- "$all"
is "$(get R:$ETCF)" EACCES "InaccessiblePaths= on the /etc file: reading it is refused"
is "$(get R:/etc/hostname):$(get R:$HOMEF):$(get W:$VARD/f)" ok:ok:ok "... its siblings stay readable, the rest writable"
agent "InaccessiblePaths=-/nonexistent/osapi" -- "w $VARD/f"
is "$RC:$(get W:$VARD/f)" 0:ok "InaccessiblePaths=-/missing: ignored, as systemd's \"-\""
agent "InaccessiblePaths=/nonexistent/osapi" -- "w $VARD/f"
is "$RC" 226 "InaccessiblePaths=/missing: sandbox setup failure, exit 226 (systemd's EXIT_NAMESPACE)"
like "$ERR" "c.conf:5: InaccessiblePaths=/nonexistent/osapi: ENOENT" "... naming file:line and the errno"
agent "ReadOnlyPaths=/proc/sys" -- "w $VARD/f"
is "$RC" 78 "ReadOnlyPaths=/proc/sys cannot be expressed (a split of /proc): config error"
like "$ERR" "c.conf:5: ReadOnlyPaths=/proc/sys cannot be expressed with Landlock" "... naming file:line"
agent "ReadOnlyPaths=-/proc/sys" -- "w $VARD/f"
is "$RC:$(get W:$VARD/f)" 0:ok "ReadOnlyPaths=-/proc/sys: dropped, the agent runs"

# --- ExecPaths= / NoExecPaths= ------------------------------------------------
ld=/lib64/ld-linux-x86-64.so.2
exe="x /usr/bin/id; x /usr/bin/whoami; x $RW/script.sh"
agent "NoExecPaths=/" "ExecPaths=/bin/sh /usr/bin/id $ld" -- "$exe"
is "$RC" 0 "NoExecPaths=/ ExecPaths=/bin/sh /usr/bin/id (+ the loader): the agent runs"
is "$(get X:/usr/bin/id)" ok "id runs: its shared libraries (mmap PROT_EXEC) are not in ExecPaths= and still load"
is "$(get X:/usr/bin/whoami):$(get X:$RW/script.sh)" EACCES:EACCES "whoami and osapi's own script are refused"
agent "NoExecPaths=/" "ExecPaths=/bin/sh /usr/bin/id" -- "$exe"
is "$RC" 78 "without the ELF loader in ExecPaths= the plan refuses (the kernel would)"
like "$ERR" "the loader or interpreter /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 .*add it to ExecPaths=" "... naming the loader"
agent "NoExecPaths=$RW" -- "$exe"
is "$(get X:/usr/bin/whoami):$(get X:$RW/script.sh)" ok:EACCES "NoExecPaths=$RW refuses only there"

# CAP_NET_RAW reaches only what may run: ping (raw socket when
# ping_group_range excludes osapi) works; the probe, which would open an
# AF_PACKET socket with the same capability, cannot even start.
if [ -x /usr/bin/ping ]; then
	saved=$(cat /proc/sys/net/ipv4/ping_group_range)
	echo "1 0" >/proc/sys/net/ipv4/ping_group_range
	agent "AmbientCapabilities=CAP_NET_RAW" -- "$P --try af-packet | grep TRY_"
	is "$(get TRY_af-packet)" ok "control: with CAP_NET_RAW the probe opens an AF_PACKET socket"
	agent "AmbientCapabilities=CAP_NET_RAW" "NoExecPaths=/" "ExecPaths=/bin/sh /usr/bin/ping $ld" -- \
		"ping -c1 -W2 127.0.0.1 >/dev/null && echo PING=ok; x $P"
	is "$(get PING)" ok "ExecPaths= with ping: ping works with CAP_NET_RAW"
	is "$(get "X:$P")" EACCES "the probe (a raw-socket program not in ExecPaths=) cannot run"
	echo "$saved" >/proc/sys/net/ipv4/ping_group_range
else
	ok 1 "ping missing (apt-get install iputils-ping)"
fi

# --- what the agent inherits --------------------------------------------------
conf "$C" "ExecStart=$P" "User=osapi" "SandboxBackend=landlock" "ProtectSystem=strict"
run_launch -c "$C"
is "$RC:$(field FDS)" "0:0 1 2 " "the ruleset descriptor does not reach the agent"
is "$(field NoNewPrivs)" 1 "Landlock implies no_new_privs for an unprivileged target"

# --- without CAP_SYS_ADMIN (an unprivileged container) ------------------------
if command -v capsh >/dev/null; then
	eff=$(capsh --drop=cap_sys_admin -- -c 'grep CapEff /proc/self/status' | awk '{print $2}')
	is "$(((0x$eff >> 21) & 1))" 0 "capsh --drop=cap_sys_admin: the launcher runs without CAP_SYS_ADMIN"
	printf '. %s\n%s\n' "$SCRATCH/lib.sh" "$all" >"$SCRATCH/s.sh"
	conf "$C" "ExecStart=/bin/sh $SCRATCH/s.sh" "User=osapi" "ProtectSystem=strict" "ReadWritePaths=$RW" "ProtectHome=yes"
	OUTPUT=$(capsh --drop=cap_sys_admin -- -c "$OSAPI_LAUNCH -c $C" 2>&1)
	is "$(get W:$VARD/f):$(get W:$RW/f):$(get R:$HOMEF)" EACCES:ok:EACCES \
		"without CAP_SYS_ADMIN Landlock still enforces ProtectSystem=, ReadWritePaths=, ProtectHome="
else
	ok 1 "capsh missing (apt-get install libcap2-bin)"
fi

# --- the step's failure path ----------------------------------------------------
fault=${FAULT_BUILD_DIR:-$SRC_DIR/build-fault}
if [ -x "$fault/osapi-launch" ]; then
	ninja -C "$fault" >/dev/null
	conf "$C" "ExecStart=$P --marker $OUT/ran" "User=osapi" "SandboxBackend=landlock" "ReadWritePaths=$OUT" "ProtectSystem=strict"
	rm -f "$OUT/ran"
	ERR=$(OSAPI_LAUNCH_FAULT=landlock "$fault/osapi-launch" -c "$C" 2>&1 >/dev/null)
	is "$?" 226 "a failed landlock_restrict_self() exits 226"
	like "$ERR" "^osapi-launch: landlock: landlock_restrict_self\(\) failed \(EIO\)" "... saying so"
	ok "$([ ! -e "$OUT/ran" ] && echo 0 || echo 1)" "... and the target never ran"
else
	diag "no fault-injection build ($fault): tests/t/93-faults.t makes one"
fi
# Under a supervisor whose filter answers openat2(2) with ENOSYS (systemd's
# RestrictSUIDSGID= does; so does this launcher's own), the Landlock rules
# are still built, one path component at a time.  Here the supervisor is
# the launcher itself, as root, starting the launcher.
conf "$SCRATCH/inner.conf" "ExecStart=$P" "User=osapi" "NoNewPrivileges=yes" \
	"SandboxBackend=landlock" "ProtectSystem=strict"
conf "$SCRATCH/outer.conf" "ExecStart=$OSAPI_LAUNCH -c $SCRATCH/inner.conf" "RestrictSUIDSGID=yes"
run_launch -c "$SCRATCH/outer.conf"
is "$RC:$(field Uid | awk '{print $1}')" "0:$(id -u osapi)" \
	"openat2 answering ENOSYS: the Landlock sandbox is still built and the target runs"
done_testing
