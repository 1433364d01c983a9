#!/bin/bash
# contrib/selinux builds into a policy package with the reference-policy
# development Makefile, the way RHEL builds it, and the package grants what
# the guide says: the osapi_agent_t domain, CAP_NET_RAW and no other
# capability, plus CAP_DAC_OVERRIDE and CAP_KILL only under the management
# boolean.  Needs no SELinux in the kernel: nothing is loaded.  When Debian's
# reference policy is installed too, the module is also linked into a copy
# of its store and the capability rules are read back with sesearch, which
# sees grants that arrive through attributes.
#
# Packages (Debian): make m4 gawk checkpolicy semodule-utils policycoreutils
# selinux-policy-dev; optional for the linked check: selinux-policy-default
# setools.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

DEVEL_MK=/usr/share/selinux/devel/Makefile
PP2CIL=/usr/libexec/selinux/hll/pp

need_cmd make "apt-get install make"
need_cmd m4 "apt-get install m4"
need_cmd checkmodule "apt-get install checkpolicy"
need_cmd semodule_package "apt-get install semodule-utils"
[ -f "$DEVEL_MK" ] || skip_all "no $DEVEL_MK (apt-get install selinux-policy-dev)"

skip() { echo "ok $((_tap_n += 1)) # SKIP $*"; }

SCRATCH=$(mktemp -d /tmp/osapi-selinux-test.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
build=$SCRATCH/build
mkdir "$build"
cp "$SRC_DIR"/contrib/selinux/osapi_agent.te "$SRC_DIR"/contrib/selinux/osapi_agent.if \
	"$SRC_DIR"/contrib/selinux/osapi_agent.fc "$build"/

out=$(make -C "$build" -f "$DEVEL_MK" osapi_agent.pp 2>&1)
rc=$?
is "$rc" 0 "osapi_agent.pp builds against the reference policy headers"
[ "$rc" -eq 0 ] || printf '# %s\n' "$out" | tail -20
check "osapi_agent.pp is a non-empty file" -- test -s "$build/osapi_agent.pp"
[ -s "$build/osapi_agent.pp" ] || done_testing
warn=$(printf '%s\n' "$out" | grep -i 'warning' || true)
is "$warn" "" "the build prints no warnings"

# The capability rules of a CIL module, one "BOOLEAN PERMISSION" line per
# permission ("-" outside any boolean; "!NAME" in a false branch).  CIL is
# one list per line as the pp converter prints it; quoted strings (file
# context regexes) may hold parentheses, so they are dropped before counting.
cil_caps() {
	awk '
	{
		line = $0
		gsub(/"[^"]*"/, "", line)
		if (match(line, /\((booleanif|tunableif) \(([^()]*)\)/)) {
			cond = substr(line, RSTART, RLENGTH)
			sub(/^\((booleanif|tunableif) \(/, "", cond)
			sub(/\)$/, "", cond)
			pend = cond
		}
		if (line ~ /^[ \t]*\((true|false)/ && depth in name)
			neg[depth] = (line ~ /\(false/)
		if (line ~ /\((capability|capability2|cap_userns|cap2_userns) \(/) {
			c = "-"
			for (d = depth; d > 0; d--)
				if (d in name) {
					c = (neg[d] ? "!" : "") name[d]
					break
				}
			perms = line
			sub(/.*\((capability|capability2|cap_userns|cap2_userns) \(/, "", perms)
			sub(/\).*/, "", perms)
			n = split(perms, p, " ")
			for (i = 1; i <= n; i++)
				print c, p[i]
		}
		opens = gsub(/\(/, "(", line)
		closes = gsub(/\)/, ")", line)
		if (pend != "") {
			name[depth + 1] = pend
			pend = ""
		}
		depth += opens - closes
		for (d in name)
			if (d + 0 > depth)
				delete name[d]
		for (d in neg)
			if (d + 0 > depth)
				delete neg[d]
	}' "$1" | sort -u
}

expected_caps='- net_raw
osapi_agent_manage dac_override
osapi_agent_manage kill'

if [ -x "$PP2CIL" ]; then
	"$PP2CIL" "$build/osapi_agent.pp" "$SCRATCH/module.cil" 2>/dev/null
	ok $? "the package converts to CIL ($PP2CIL)"
	cil=$(cat "$SCRATCH/module.cil")
	for t in osapi_agent_t osapi_agent_exec_t osapi_agent_conf_t \
		osapi_agent_var_lib_t osapi_agent_nats_port_t osapi_agent_port_t; do
		like "$cil" "^\(type $t\)" "the module declares $t"
	done
	like "$cil" '\(typeattributeset domain \(.*osapi_agent_t' "osapi_agent_t is a domain"
	like "$cil" '\(allow osapi_agent_t osapi_agent_exec_t \(file \([^)]*entrypoint' \
		"osapi_agent_exec_t is the domain's entry point"
	like "$cil" '\(roletype system_r osapi_agent_t\)' "system_r may run osapi_agent_t"
	for b in osapi_agent_exec_commands osapi_agent_manage; do
		like "$cil" "^\(boolean $b false\)" "boolean $b exists and is off by default"
	done
	is "$(cil_caps "$SCRATCH/module.cil")" "$expected_caps" \
		"capabilities: net_raw always, dac_override and kill only with osapi_agent_manage"
	like "$cil" '\(allow osapi_agent_t self \(capability \(net_raw\)\)\)' \
		"net_raw is granted outside any boolean"
	like "$cil" '\(allow init_t osapi_agent_t \(process2 \(nnp_transition' \
		"init_t may enter osapi_agent_t under no_new_privs"
	like "$cil" '\(allow init_t self \(process \([^)]*setexec' \
		"init_t may set an exec context (SELinuxContext=)"
	like "$cil" '\(allow osapi_agent_t osapi_agent_nats_port_t \(tcp_socket \(name_connect\)\)\)' \
		"TCP connect only to the NATS port type"
	if printf '%s\n' "$cil" | grep -Eq 'osapi_agent_t (unreserved_port_t|port_type|reserved_port_type) \(tcp_socket \([^)]*name_connect'; then
		ok 1 "no name_connect to generic port types"
	else
		ok 0 "no name_connect to generic port types"
	fi
	like "$cil" '\(allow osapi_agent_t self \(icmp_socket \(' "ICMP datagram (ping) sockets"
	like "$cil" '\(allow osapi_agent_t self \(netlink_route_socket \([^)]*nlmsg_read' \
		"netlink route dumps (net.Interfaces)"
	like "$cil" '\(allow osapi_agent_t osapi_agent_conf_t \(file \(' "the config is readable"
	if printf '%s\n' "$cil" | grep -Eq 'osapi_agent_t osapi_agent_conf_t \((file|dir) \([^)]*(write|append|create|unlink)'; then
		ok 1 "the config is not writable"
	else
		ok 0 "the config is not writable"
	fi
	like "$cil" '\(allow osapi_agent_t osapi_agent_var_lib_t \(file \([^)]*write' "the state is writable"
else
	skip "no $PP2CIL to read the package (apt-get install policycoreutils)"
fi

# Round trip: unpack, check the file contexts, repack, and the repacked
# package says the same as the one make built.
need_unpack=$(command -v semodule_unpackage || true)
if [ -n "$need_unpack" ]; then
	(cd "$SCRATCH" && semodule_unpackage "$build/osapi_agent.pp" rt.mod rt.fc)
	ok $? "semodule_unpackage splits the package"
	fc=$(grep -v '^[[:space:]]*$' "$SCRATCH/rt.fc")
	like "$fc" '^/usr/bin/osapi[[:space:]]+--[[:space:]]+system_u:object_r:osapi_agent_exec_t:s0' "fc: /usr/bin/osapi"
	like "$fc" '^/usr/local/bin/osapi[[:space:]]+--[[:space:]]+system_u:object_r:osapi_agent_exec_t:s0' "fc: /usr/local/bin/osapi"
	like "$fc" '^/etc/osapi\(/\.\*\)\?[[:space:]]+system_u:object_r:osapi_agent_conf_t:s0' "fc: /etc/osapi"
	like "$fc" '^/var/lib/osapi\(/\.\*\)\?[[:space:]]+system_u:object_r:osapi_agent_var_lib_t:s0' "fc: /var/lib/osapi"
	(cd "$SCRATCH" && semodule_package -o rt.pp -m rt.mod -f rt.fc)
	ok $? "semodule_package repacks it"
	if [ -x "$PP2CIL" ]; then
		"$PP2CIL" "$SCRATCH/rt.pp" "$SCRATCH/rt.cil" 2>/dev/null
		check "the repacked package is the same policy" -- cmp -s "$SCRATCH/module.cil" "$SCRATCH/rt.cil"
	fi
else
	skip "no semodule_unpackage (apt-get install semodule-utils)"
fi

# Linked into a whole policy: a copy of Debian's reference policy store, so
# nothing on this host changes.  sesearch matches through attributes, so a
# capability an interface hands every daemon would show up here.
store=/var/lib/selinux/default
if command -v semodule >/dev/null && command -v sesearch >/dev/null &&
	[ -d "$store/active" ] && [ -f /etc/selinux/semanage.conf ]; then
	root=$SCRATCH/root
	mkdir -p "$root/var/lib/selinux" "$root/etc/selinux"
	cp -a "$store" "$root/var/lib/selinux/"
	cp -a /etc/selinux/semanage.conf "$root/etc/selinux/"
	[ -d /etc/selinux/default ] && cp -a /etc/selinux/default "$root/etc/selinux/"
	out=$(semodule -p "$root" -s default -n -i "$build/osapi_agent.pp" 2>&1 |
		grep -v 'not in password file')
	policy=
	for f in "$root"/etc/selinux/default/policy/policy.*; do
		[ -f "$f" ] && policy=$f
	done
	if [ -n "$policy" ] && semodule -p "$root" -s default -l 2>/dev/null | grep -qx 'osapi_agent'; then
		ok 0 "the module links into the reference policy (every require met)"
		got=$(sesearch -A -s osapi_agent_t -c capability,capability2,cap_userns,cap2_userns "$policy" |
			sed -E 's/^allow osapi_agent_t osapi_agent_t:(capability|capability2|cap_userns|cap2_userns) //; s/[{};]//g' |
			awk '{ c = "-"
				if (match($0, /\[ [a-z_0-9]+ \]:(True|False)/)) {
					c = substr($0, RSTART + 2)
					sub(/ \].*/, "", c)
					if ($0 ~ /\]:False/) c = "!" c
					$0 = substr($0, 1, RSTART - 1)
				}
				for (i = 1; i <= NF; i++) if ($i ~ /^[a-z_0-9]+$/) print c, $i }' | sort -u)
		is "$got" "$expected_caps" \
			"linked policy: net_raw always, dac_override and kill only with osapi_agent_manage"
		like "$(sesearch -T -s init_t -t osapi_agent_exec_t -c process "$policy")" \
			'type_transition init_t osapi_agent_exec_t:process osapi_agent_t' \
			"linked policy: systemd starting /usr/bin/osapi enters osapi_agent_t"
		like "$(sesearch -A -s init_t -t osapi_agent_t -c process2 "$policy")" 'nnp_transition' \
			"linked policy: init_t may enter osapi_agent_t under no_new_privs"
	else
		ok 1 "the module links into the reference policy (every require met)"
		printf '# %s\n' "$out" | tail -20
	fi
else
	skip "no reference policy store to link against (apt-get install selinux-policy-default setools)"
fi

done_testing
