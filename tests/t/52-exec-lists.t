#!/bin/bash
# One source of truth for what the agent may execute: docs/providers.tsv.
# Every shipped copy of the exec allow-list (the units' ExecPaths=, the
# commented ExecPaths= of conf/osapi-launch.conf, AppArmor's @{OSAPI_EXEC}
# lists) and the guide's provider table must be what tools/provider-lists
# prints from it; run "tools/provider-lists --update" after editing it.
#
# Then the facts the guide states about OSAPI (read from its source at
# 63dd1cffa; the agent itself cannot be built here) where a file of this
# repository can contradict them: OSAPI_* variables must name real settings,
# the ping_group_range snippet must not run before the osapi group exists,
# Debian's systemd ships no ping_group_range, the contents link to real
# sections.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_cmd awk
gen=$SRC_DIR/tools/provider-lists
tsv=$SRC_DIR/docs/providers.tsv
guide=$SRC_DIR/docs/agent-hardening.md
unit=$SRC_DIR/contrib/systemd/osapi-agent.service
lunit=$SRC_DIR/contrib/systemd/osapi-agent-launch.service
conf=$SRC_DIR/conf/osapi-launch.conf
tun=$SRC_DIR/contrib/apparmor/tunables/osapi-agent
scratch

same() { # same GOT WANT DESCRIPTION: multi-line equality with a diff
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$1") | sed 's/^/#   /' | head -20
	fi
}

# --- the data file -----------------------------------------------------------

bad=$(awk -F'\t' '!/^#/ && NF != 10 { print NR": "NF" fields" }' "$tsv")
is "$bad" "" "docs/providers.tsv: every row has 10 tab-separated fields"
bad=$(awk -F'\t' '!/^#/ && $1 != "provider" && $3 !~ /^(read-only|management|libs|-)$/ { print NR": "$3 }' "$tsv")
is "$bad" "" "docs/providers.tsv: exec_list is read-only, management, libs or -"
bad=$(awk -F'\t' '!/^#/ && $1 != "provider" && $10 !~ /(internal\/|not OSAPI code)/ { print NR": "$1 }' "$tsv")
is "$bad" "" "docs/providers.tsv: every row cites the agent's source"
bad=$(awk -F'\t' '!/^#/ && $1 != "provider" && $4 != "-" { n = split($4, p, " "); for (i = 1; i <= n; i++) if (p[i] !~ /^\//) print NR": "p[i] }' "$tsv")
is "$bad" "" "docs/providers.tsv: programs are absolute paths"
ro=$("$gen" ro)
for p in /bin/sh /usr/bin/dash /usr/bin/bash /usr/bin/python3 /usr/bin/perl /usr/bin/busybox; do
	printf '%s\n' "$ro" | grep -qx -- "$p"
	ok "$((1 - $?))" "no shell or interpreter on the read-only exec list: $p"
done
like "$("$gen" libs)" '^/lib/x86_64-linux-gnu$' "libs: the multiarch directory (loader and shared objects)"
unlike "$("$gen" libs)" '^/(usr/)?lib(64)?$' "libs: not the whole /lib or /usr/lib tree"

# --- each shipped copy is the generated text ----------------------------------

same "$(grep '^ExecPaths=' "$unit")" "$("$gen" unit)" \
	"contrib/systemd/osapi-agent.service: ExecPaths= is generated from docs/providers.tsv"
same "$(grep '^ExecPaths=' "$lunit")" "$("$gen" launch-unit)" \
	"contrib/systemd/osapi-agent-launch.service: ExecPaths= is generated from docs/providers.tsv"
same "$(grep '^#ExecPaths=' "$conf")" "$("$gen" launch-conf)" \
	"conf/osapi-launch.conf: the commented ExecPaths= is generated from docs/providers.tsv"
same "$(grep -E '^@\{OSAPI_EXEC(_MANAGEMENT)?\}' "$tun")" "$("$gen" apparmor)" \
	"contrib/apparmor/tunables/osapi-agent: @{OSAPI_EXEC} lists are generated from docs/providers.tsv"
table=$(sed -n '/^<!-- provider-table:begin/,/^<!-- provider-table:end -->$/p' "$guide" | sed '1d;$d')
same "$table" "$("$gen" guide-table)" \
	"docs/agent-hardening.md: the provider table is generated from docs/providers.tsv"
# The guide's unit fragments quote the ExecPaths= lines (50-guide-snippets.t
# checks each quoted line is in the unit; this checks none is left out).
for u in "$unit" "$lunit"; do
	n=0 q=0
	while IFS= read -r l; do
		n=$((n + 1))
		grep -qxF -- "$l" "$guide" && q=$((q + 1))
	done < <(grep '^ExecPaths=' "$u")
	is "$q" "$n" "the guide quotes all $n ExecPaths= lines of ${u#"$SRC_DIR"/}"
done

# The generator's --update on a copy reproduces the shipped files (so a
# maintainer who ran it leaves nothing stale), and a changed data file
# changes every copy.
cp -a "$SRC_DIR/tools" "$SRC_DIR/docs" "$SRC_DIR/contrib" "$SRC_DIR/conf" "$SCRATCH/"
"$SCRATCH/tools/provider-lists" --update
diff -r "$SRC_DIR/contrib" "$SCRATCH/contrib" >/dev/null && diff -r "$SRC_DIR/conf" "$SCRATCH/conf" >/dev/null &&
	diff "$guide" "$SCRATCH/docs/agent-hardening.md" >/dev/null
ok $? "tools/provider-lists --update changes nothing: every copy is current"
awk -F'\t' 'BEGIN { OFS = FS } $1 == "node log" && $2 ~ /^query/ { $4 = $4 " /usr/bin/made-up-tool" } { print }' \
	"$tsv" >"$SCRATCH/docs/providers.tsv"
"$SCRATCH/tools/provider-lists" --update
n=0
for f in contrib/systemd/osapi-agent.service contrib/systemd/osapi-agent-launch.service \
	conf/osapi-launch.conf contrib/apparmor/tunables/osapi-agent docs/agent-hardening.md; do
	grep -q made-up-tool "$SCRATCH/$f" && n=$((n + 1))
done
is "$n" 5 "negative control: a program added to the data file reaches all five copies"

# --- OSAPI_* variables name real settings ------------------------------------

# The agent's settings as its viper config binds them (cmd/root.go:
# SetEnvPrefix("osapi"), "." -> "_"; only keys viper knows are read:
# internal/config/types.go and the defaults in cmd/root.go at 63dd1cffa).
known="agent.nats.host agent.nats.port agent.nats.client_name agent.nats.namespace
agent.nats.auth.type agent.nats.auth.username agent.nats.auth.password
agent.nats.auth.nkey_file agent.hostname agent.max_jobs agent.queue_group
agent.labels agent.facts.interval agent.pki.enabled agent.pki.key_dir
agent.metrics.enabled agent.metrics.host agent.metrics.port
agent.privilege_escalation.enabled telemetry.tracing.enabled
telemetry.tracing.exporter telemetry.tracing.otlp_endpoint debug"
# shellcheck disable=SC2086 # split into keys on purpose
envs=$(printf '%s\n' $known | tr 'a-z.' 'A-Z_' | sed 's/^/OSAPI_/')
used=$(grep -ohE '\bOSAPI_[A-Z0-9_]+' "$SRC_DIR"/conf/*.conf "$guide" "$SRC_DIR/SECURITY.md" \
	"$SRC_DIR"/contrib/*/* 2>/dev/null | sort -u)
ok "$([ -n "$envs" ] && echo 0 || echo 1)" "the agent's settings are listed"
for v in $used; do
	# The launcher's own variables and the AppArmor tunables are not the agent's.
	case $v in OSAPI_EXEC | OSAPI_EXEC_MANAGEMENT | OSAPI_STATE | OSAPI_LAUNCH_*) continue ;; esac
	printf '%s\n' "$envs" | grep -qx -- "$v"
	ok $? "$v is a setting of the agent (no made-up variable)"
done
for v in OSAPI_AGENT_PROFILE OSAPI_NATS_URL; do
	grep -q "$v" "$SRC_DIR/conf/osapi-launch.management.conf"
	ok "$((1 - $?))" "the management config does not set $v (OSAPI has no such setting)"
done

# --- ping_group_range ----------------------------------------------------------

# Debian 12's systemd installs no sysctl.d file that opens the range.
if dpkg-query -W -f='${Status}' systemd 2>/dev/null | grep -q 'install ok installed'; then
	files=$(dpkg -L systemd | grep '/sysctl\.d/.*\.conf$')
	hit=$(printf '%s\n' "$files" | xargs -r grep -l ping_group_range 2>/dev/null)
	is "$hit" "" "Debian's systemd package sets no ping_group_range (${files//$'\n'/ })"
	# shellcheck disable=SC2016 # the backquotes are Markdown
	unlike "$(sed -n '/^### Ping is not what it seems/,/^### /p' "$guide")" 'systemd sets `?0 2147483647`? on most' \
		"the guide does not say systemd opens the range"
fi
# The snippet that writes the sysctl.d file: after the user is created, and
# refusing to write a broken file when the group is missing.
snip=$(awk '/^```sh$/ { b = ""; inb = 1; next } inb && /^```$/ { inb = 0; if (b ~ /ping_group_range/) print b; next } inb { b = b $0 "\n" }' "$guide")
ok "$([ -n "$snip" ] && echo 0 || echo 1)" "the guide has the ping_group_range snippet"
l_ping=$(grep -n '60-osapi-ping.conf' "$guide" | head -n 1 | cut -d: -f1)
l_user=$(grep -n '^[[:space:]]*useradd --system' "$guide" | head -n 1 | cut -d: -f1)
ok "$([ -n "$l_user" ] && [ -n "$l_ping" ] && [ "$l_user" -lt "$l_ping" ] && echo 0 || echo 1)" \
	"the osapi user is created (line $l_user) before the sysctl snippet (line $l_ping)"
# Run it with a fake getent (no osapi group), sysctl and /etc/sysctl.d.
mkdir -p "$SCRATCH/bin" "$SCRATCH/etc"
# shellcheck disable=SC2016 # expanded by the stub, not here
printf '#!/bin/sh\n[ -n "$GROUP_LINE" ] && echo "$GROUP_LINE"; [ -n "$GROUP_LINE" ]\n' >"$SCRATCH/bin/getent"
printf '#!/bin/sh\necho "sysctl $*" >>"%s/sysctl.log"\n' "$SCRATCH" >"$SCRATCH/bin/sysctl"
chmod +x "$SCRATCH/bin/getent" "$SCRATCH/bin/sysctl"
body=${snip//\/etc\/sysctl.d/$SCRATCH/etc}
GROUP_LINE='' PATH=$SCRATCH/bin:$PATH sh -c "$body" >/dev/null 2>&1
rc=$?
ok "$([ "$rc" -ne 0 ] && [ ! -e "$SCRATCH/etc/60-osapi-ping.conf" ] && echo 0 || echo 1)" \
	"without the osapi group the snippet stops and writes no file (rc $rc)"
GROUP_LINE='osapi:x:993:' PATH=$SCRATCH/bin:$PATH sh -c "$body" >/dev/null 2>&1
is "$?:$(cat "$SCRATCH/etc/60-osapi-ping.conf" 2>/dev/null)" "0:net.ipv4.ping_group_range = 993 993" \
	"with the group it writes the one-gid range"

# --- the contents ------------------------------------------------------------

# GitHub's anchors: lower case, punctuation dropped, spaces to dashes.
anchors=$(grep -E '^## ' "$guide" | sed 's/^## //' | tr '[:upper:]' '[:lower:]' | sed 's/[^a-z0-9 -]//g; s/ /-/g')
while read -r a; do
	[ -n "$a" ] || continue
	printf '%s\n' "$anchors" | grep -qx -- "$a"
	ok $? "contents: #$a is a section"
done < <(sed -n '/^Contents:/,/^## /s/.*](#\([^)]*\)).*/\1/p' "$guide")
n_toc=$(sed -n '/^Contents:/,/^## /p' "$guide" | grep -c '^[0-9]*\. \[')
is "$n_toc" "$(grep -c '^## ' "$guide")" "contents: one entry per section"

done_testing
