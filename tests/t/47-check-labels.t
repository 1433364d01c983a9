#!/bin/bash
# --check with a required MAC label this host cannot apply (issue #16):
# AppArmorProfile= on a kernel without AppArmor, or a profile that is not
# loaded; SELinuxContext= without SELinux.  That is a fact about the host,
# so --check still prints the plan and runs the whole preflight, reports
# the label as a FAIL finding beside every other one (ping_group_range
# included) and exits 78; the launch itself still refuses with the label
# step's exit code and runs nothing.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
setup_launch
[ -r /proc/sys/net/ipv4/ping_group_range ] ||
	skip_all "needs /proc/sys/net/ipv4/ping_group_range"
command -v selinuxenabled >/dev/null && selinuxenabled &&
	skip_all "SELinux is enabled here: the label could apply"

C=$SCRATCH/c.conf
# A profile no host has loaded: on a kernel without AppArmor (this one) it
# cannot apply for that reason, on one with AppArmor because it is not
# loaded.  Either way a host finding.
profile=osapi-launch-test-no-such-profile
base=("ExecStart=$P --marker $OUT/ran" "User=osapi" "Group=osapi"
	"NoNewPrivileges=yes")
labels=("AppArmorProfile=$profile" "SELinuxContext=system_u:system_r:osapi_agent_t:s0")

conf "$C" "${base[@]}" "${labels[@]}"
run_launch --check -c "$C"
is "$RC" 78 "--check: exit 78, the config cannot be enforced here"
like "$OUTPUT" "^config +$C" "--check: the plan is printed"
like "$OUTPUT" "
exposure +[0-9]+\.[0-9] [A-Z]+
" "--check: with its exposure score"
like "$OUTPUT" "apparmor +$profile: cannot be applied here, " \
	"the plan says the profile cannot be applied, not that it is loaded"
like "$OUTPUT" "FAIL +AppArmor +AppArmorProfile=$profile cannot be applied here: " \
	"the preflight reports the AppArmor label as a FAIL finding"
like "$OUTPUT" "FAIL +SELinux +SELinuxContext=system_u:system_r:osapi_agent_t:s0 cannot be applied here: " \
	"and the SELinux one, as a finding of its own"
like "$OUTPUT" "(ok|WARN) +ping_group_range " "the preflight goes on after them: ping_group_range"
like "$OUTPUT" "(ok|info|WARN|FAIL) +WorkingDirectory= " "and the working directory"
like "$OUTPUT" "[2-9] finding\(s\) fail: the config cannot be enforced as written here" \
	"the summary counts both labels"
is "$ERR" "" "no plan error on stderr: the finding says it"

run_launch --check --json -c "$C"
is "$RC" 78 "--check --json: exit 78"
like "$OUTPUT" '"valid": true' "--check --json: the config itself is valid"
like "$OUTPUT" '"enforceable": false' "--check --json: not enforceable here"
like "$OUTPUT" "\{\"level\": \"FAIL\", \"item\": \"AppArmor\", \"detail\": \"AppArmorProfile=$profile cannot be applied here: " \
	"--check --json: the AppArmor finding"
like "$OUTPUT" '"item": "ping_group_range"' "--check --json: every other finding"

rm -f "$OUT/ran"
run_launch -c "$C"
is "$RC" 231 "the launch still refuses, with AppArmor's exit code"
like "$ERR" "c\.conf:6: AppArmorProfile=$profile: " "naming the file and line"
ok "$([ -e "$OUT/ran" ] && echo 1 || echo 0)" "the target never ran"

# A config error beside the label stays an error: no plan, no preflight.
conf "$C" "${base[@]/#User=osapi/User=no-such-user-here}" "${labels[@]}"
run_launch --check -c "$C"
is "$RC" 78 "a config error too: --check exits 78"
like "$ERR" "User=: unknown user" "and names the config error"
unlike "$OUTPUT" "preflight on this host" "without a preflight of a plan that does not exist"

# Optional labels are unchanged: skipped with a warning, nothing fails.
conf "$C" "${base[@]}" "AppArmorProfile=-$profile" "SELinuxContext=-system_u:system_r:osapi_agent_t:s0"
run_launch --check -c "$C"
like "$OUTPUT" "WARN +AppArmor +AppArmorProfile=-$profile is skipped" "AppArmorProfile=-NAME: a warning"
unlike "$OUTPUT" "FAIL +(AppArmor|SELinux) " "and no FAIL for either label"

done_testing
