#!/bin/bash
# What the read-only providers' programs get under the shipped read-only
# policies, measured, against what docs/providers.tsv (and so the guide's
# table, generated from it) says.
#
# The real OSAPI agent cannot be built here (the Go module proxy refuses
# github.com/osapi-io/osapi with 403), so the agent is a stand-in: a copy of
# the static busybox, in the agent's place in ExecPaths=, which execs each
# program exactly as the agent's os/exec would (execve of the absolute
# path, the job's arguments).  The program then runs with the confinement
# an agent's child inherits.  The commands are those the agent's Debian
# providers run (column "probe", read from its source at 63dd1cffa).
#
# Policies:
#   unit       contrib/systemd/osapi-agent.service through --unit (mount
#              backend, as systemd applies it)
#   strict-mnt conf/osapi-launch.conf with its commented NoExecPaths=/ and
#              ExecPaths= lines on, SandboxBackend=mount
#   strict-ll  the same with SandboxBackend=landlock
#   conf       conf/osapi-launch.conf as shipped (no exec list)
#
# Each command ends in one of: EACCES (refused at execve, the exec list),
# LIBS (its shared objects could not be mapped), ran:RC (it ran; RC is its
# exit status).  "measured" says which is right for the first three:
#   works   every command ran:0
#   daemon  every command ran; the result depends on a daemon (systemd as
#           PID 1, chronyd, systemd-resolved) and is reported, not judged
#   dac     every command ran, one was refused by file permissions
#   exec    a command was refused at execve
# Under "conf" every command must run (the guide says it has no exec list).
#
# Then ExecPaths= itself: a program under /usr/lib that is not the loader
# is refused, and the loader cannot be used to map it under the mount
# backend (Landlock does not mediate mmap: there it runs, as the guide says).
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd busybox "apt-get install busybox-static"
eff=$(awk '/^CapEff/ {print $2}' /proc/self/status)
[ $(((0x$eff >> 21) & 1)) -eq 1 ] || skip_all "needs CAP_SYS_ADMIN for the mount backend (systemd's ExecPaths= semantics)"
file -L "$(command -v busybox)" 2>/dev/null | grep -q 'statically linked' ||
	skip_all "needs a static busybox (busybox-static) as the agent's stand-in"
setup_launch
tsv=$SRC_DIR/docs/providers.tsv
made_rw=""
[ -d /var/lib/osapi ] || made_rw=1
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	rm -rf "$SCRATCH"
	[ -z "$made_rw" ] || rm -rf /var/lib/osapi
}
trap cleanup EXIT

# The stand-in is called "sh" so busybox runs its shell applet.
A=$SCRATCH/agent/sh
install -d -m 0755 "$SCRATCH/agent"
install -m 0755 "$(command -v busybox)" "$A"
abi=$(perl -e 'print syscall(444, 0, 0, 1)' 2>/dev/null)

sed -e "s|^ExecStart=.*|ExecStart=$A|" -e "/^ExecPaths=/s|/usr/bin/osapi |$A |" \
	"$SRC_DIR/contrib/systemd/osapi-agent.service" >"$SCRATCH/unit.service"
sed -e "s|^ExecStart=.*|ExecStart=$A|" "$SRC_DIR/conf/osapi-launch.conf" >"$SCRATCH/conf.conf"
for b in mount landlock; do
	sed -e "s|^ExecStart=.*|ExecStart=$A|" -e 's|^#\(NoExecPaths=\)|\1|' \
		-e 's|^#\(ExecPaths=\)|\1|' -e "/^ExecPaths=/s|/usr/bin/osapi |$A |" \
		-e "s|^#\{0,1\}SandboxBackend=.*|SandboxBackend=$b|" \
		"$SRC_DIR/conf/osapi-launch.conf" >"$SCRATCH/strict-$b.conf"
done
chmod 0644 "$SCRATCH"/*.service "$SCRATCH"/*.conf
ok "$(grep -q "^ExecPaths=$A " "$SCRATCH/unit.service" && grep -q "^ExecPaths=$A " "$SCRATCH/strict-mount.conf" && echo 0 || echo 1)" \
	"the stand-in takes /usr/bin/osapi's place in both exec lists"

policies="unit strict-mnt conf"
if [ "${abi:-0}" -ge 1 ] 2>/dev/null; then
	policies="unit strict-mnt strict-ll conf"
else
	diag "Landlock is not enabled in this kernel: strict-ll is not measured"
fi

# under POLICY CMD...: run CMD as the agent's child; sets CLASS and MSG.
under() {
	local pol=$1 out rc
	shift
	case $pol in
	unit) set -- --unit "$SCRATCH/unit.service" --drop-unsupported -- "$A" -c 'exec "$@"' x "$@" ;;
	strict-mnt) set -- -c "$SCRATCH/strict-mount.conf" -- "$A" -c 'exec "$@"' x "$@" ;;
	strict-ll) set -- -c "$SCRATCH/strict-landlock.conf" -- "$A" -c 'exec "$@"' x "$@" ;;
	conf) set -- -c "$SCRATCH/conf.conf" -- "$A" -c 'exec "$@"' x "$@" ;;
	esac
	out=$(timeout 60 "$OSAPI_LAUNCH" --policy-record=none "$@" </dev/null 2>&1)
	rc=$?
	out=$(printf '%s\n' "$out" | grep -v '^osapi-launch: notice:')
	MSG=$(printf '%s\n' "$out" | grep -v '^$' | head -n 1)
	if [ "$rc" -eq 126 ] && printf '%s' "$out" | grep -q 'exec: line 0: .*Permission denied'; then
		CLASS=EACCES
	elif printf '%s' "$out" | grep -qE 'error while loading shared libraries|failed to map segment'; then
		CLASS=LIBS
	else
		CLASS=ran:$rc
	fi
}

# --- every row: what the guide says fits the row ---------------------------

rows=$(awk -F'\t' '!/^#/ && $1 != "provider"' "$tsv")
nrows=$(printf '%s\n' "$rows" | grep -c .)
ok "$([ "$nrows" -ge 30 ] && echo 0 || echo 1)" "docs/providers.tsv has its rows ($nrows)"
while IFS=$'\t' read -r prov ops list progs probe measured _ ro _; do
	what="$prov ($ops)"
	case $list in
	read-only)
		ok "$([ "$probe" != - ] && [ "$measured" != - ] && echo 0 || echo 1)" \
			"$what: on the read-only exec list, so it has a probe and a measured result"
		;;
	libs) continue ;;
	*)
		if [ "$progs" != - ] && [ "$measured" != exec ]; then
			like "$ro" '^(fails|refused)' "$what: not a read-only row; the guide says it fails"
		fi
		;;
	esac
	case $measured in
	works) like "$ro" '^works($|[^ ]| [^w])' "$what: measured \"works\", the guide says \"works\"" ;;
	daemon) like "$ro" '^works where ' "$what: measured \"daemon\", the guide says \"works where ...\"" ;;
	dac) like "$ro" '^partly' "$what: measured \"dac\", the guide says \"partly\"" ;;
	exec) like "$ro" '^refused' "$what: measured \"exec\", the guide says \"refused\"" ;;
	-) ;;
	*) ok 1 "$what: unknown measured class \"$measured\"" ;;
	esac
done <<<"$rows"

# --- the probes, under each policy -------------------------------------------

while IFS=$'\t' read -r prov ops _ _ probe measured _; do
	[ "$probe" = - ] && continue
	what="$prov ($ops)"
	IFS=';' read -r -a cmds <<<"$probe"
	missing=
	for c in "${cmds[@]}"; do
		read -r -a argv <<<"$c"
		[ -x "${argv[0]}" ] || missing="$missing ${argv[0]}"
	done
	if [ -n "$missing" ]; then
		# systemd-resolved is left out on purpose: installing it takes
		# over the test machine's /etc/resolv.conf.
		ok 0 "$what # SKIP not installed here:$missing"
		continue
	fi
	for pol in $policies; do
		classes=
		for c in "${cmds[@]}"; do
			read -r -a argv <<<"$c"
			under "$pol" "${argv[@]}"
			classes="$classes $CLASS"
			diag "  [$pol] ${argv[*]}: $CLASS${MSG:+ ($MSG)}"
		done
		classes=${classes# }
		if [ "$pol" = conf ]; then
			unlike "$classes" 'EACCES|LIBS' "$what [conf]: runs (launch.conf as shipped has no exec list): $classes"
			continue
		fi
		case $measured in
		works) like "$classes" '^(ran:0 ?)+$' "$what [$pol]: works: $classes" ;;
		daemon) like "$classes" '^(ran:[0-9]+ ?)+$' "$what [$pol]: runs (its result depends on a daemon): $classes" ;;
		dac) like "$classes" '^(ran:[0-9]+ ?)*ran:[1-9][0-9]*( ran:[0-9]+)*$' "$what [$pol]: runs, refused by permissions: $classes" ;;
		exec) like "$classes" 'EACCES' "$what [$pol]: refused at execve (EACCES): $classes" ;;
		esac
	done
done <<<"$rows"

# passwd -S as osapi: its own entry is readable, another user's is not.
under unit /usr/bin/passwd -S osapi
is "$CLASS" ran:0 "passwd -S of the agent's own user works [unit]"
under unit /usr/bin/passwd -S root
like "$CLASS:$MSG" '^ran:[1-9].*may not view' "passwd -S root: refused by passwd itself (no /etc/shadow for osapi) [unit]"

# --- ExecPaths=: the loader and the libraries, not /usr/lib ------------------

# A program under /usr/lib that is no loader: apt's http method ships with
# apt on every Debian host.
U=/usr/lib/apt/methods/http
ld=/lib64/ld-linux-x86-64.so.2
if [ -x "$U" ] && [ -e "$ld" ]; then
	for pol in $policies; do
		[ "$pol" = conf ] && continue
		under "$pol" "$U"
		is "$CLASS" EACCES "[$pol] $U (under /usr/lib, not the loader) is refused at execve"
	done
	under unit "$ld" "$U"
	is "$CLASS" LIBS "[unit] $ld $U: the loader cannot map it (noexec mount refuses PROT_EXEC)"
	under strict-mnt "$ld" "$U"
	is "$CLASS" LIBS "[strict-mnt] the same with osapi-launch's mount backend"
	if [[ " $policies " == *" strict-ll "* ]]; then
		under strict-ll "$ld" "$U"
		like "$CLASS" '^ran:' "[strict-ll] Landlock does not mediate mmap: the loader runs it (the guide says so)"
	fi
	under conf "$U"
	like "$CLASS" '^ran:' "control [conf]: without an exec list $U runs"
else
	ok 1 "$U and $ld exist (apt and the x86-64 loader)"
fi
# --- iputils ping through "command exec" under the unit ------------------------

# As the guide's "iputils ping under this unit" says: EACCES as shipped,
# cap_set_proc with ExecPaths= alone, a reply with the drop-in's two lines.
if [ -x /usr/bin/ping ]; then
	under unit /usr/bin/ping -c 1 -W 2 127.0.0.1
	is "$CLASS" EACCES "[unit] ping as shipped: refused at execve (not in ExecPaths=)"
	cp "$SCRATCH/unit.service" "$SCRATCH/unit-shipped.service"
	printf '%s\n' '[Service]' 'ExecPaths=/usr/bin/ping' >>"$SCRATCH/unit.service"
	under unit /usr/bin/ping -c 1 -W 2 127.0.0.1
	like "$CLASS:$MSG" '^ran:[1-9].*cap_set_proc' "[unit] ping in ExecPaths= alone: stops at cap_set_proc"
	printf '%s\n' 'SystemCallFilter=capset @setuid' >>"$SCRATCH/unit.service"
	under unit /usr/bin/ping -c 1 -W 2 127.0.0.1
	is "$CLASS" ran:0 "[unit] with the guide's drop-in (ExecPaths= and SystemCallFilter=capset @setuid): ping works"
	cp "$SCRATCH/unit-shipped.service" "$SCRATCH/unit.service"
else
	ok 1 "/usr/bin/ping is installed (iputils-ping)"
fi

guide=$SRC_DIR/docs/agent-hardening.md
grep -q 'Landlock does not mediate' "$guide"
ok $? "the guide says the loader can map any readable program under Landlock alone"

done_testing
