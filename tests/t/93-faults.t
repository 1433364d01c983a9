#!/bin/bash
# Fault injection: in a -Dfault_injection=true build, OSAPI_LAUNCH_FAULT=<step>
# makes that launch step fail with EIO.  For every launch step listed by
# --list-steps, with the shipped config: the target never runs, the exit code
# is the step's own, and stderr names the step and the error.  A release
# build ignores the variable: the hook exists only at compile time.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd meson "apt-get install meson"
need_cmd ninja "apt-get install ninja-build"
setup_launch

fault=${FAULT_BUILD_DIR:-$SRC_DIR/build-fault}
if [ ! -f "$fault/build.ninja" ]; then
	meson setup "$fault" "$SRC_DIR" -Dfault_injection=true >/dev/null
	ok $? "configure a fault-injection build in $fault"
fi
ninja -C "$fault" >/dev/null
ok $? "the fault-injection build compiles"
FL=$fault/osapi-launch

# The shipped config, the probe leaving a marker if it ever runs.
C=$SCRATCH/launch.conf
shipped_conf "--marker $OUT/ran" "$C"
rm -f "$OUT/ran"
OUTPUT=$("$FL" -c "$C" 2>&1)
is "$?" 0 "control: the fault build launches the shipped config with no fault armed"
ok "$([ -e "$OUT/ran" ] && echo 0 || echo 1)" "control: the marker proves the target ran"

OUTPUT=$(OSAPI_LAUNCH_FAULT=no-such-step "$FL" -c "$C" 2>&1)
is "$?" 64 "an unknown step name is a usage error"

# Each launch step: name and exit code from --list-steps.
steps=$("$FL" --list-steps | awk -F'\t' '$3 == "launch" {print $1 ":" $2}')
ok "$([ "$(printf '%s\n' "$steps" | wc -l)" -ge 10 ] && echo 0 || echo 1)" "--list-steps lists the launch steps"
for row in $steps; do
	step=${row%%:*}
	code=${row##*:}
	cf=$C
	case $step in
	cgroup)
		# Resource limits are not in the shipped config: add one.
		cf=$SCRATCH/cgroup.conf
		shipped_conf "--marker $OUT/ran" "$cf"
		echo "TasksMax=256" >>"$cf"
		;;
	landlock)
		# As root the shipped config uses the mount backend; force
		# Landlock so its step runs with rules.
		cf=$SCRATCH/landlock.conf
		shipped_conf "--marker $OUT/ran" "$cf"
		echo "SandboxBackend=landlock" >>"$cf"
		;;
	runtime-directory | cache-directory | logs-directory | configuration-directory)
		# Not in the shipped config: add one of that type.
		cf=$SCRATCH/dirs.conf
		shipped_conf "--marker $OUT/ran" "$cf"
		t=${step%-directory}
		echo "${t^}Directory=osapi-fault-$$" >>"$cf"
		;;
	devices | network-namespace | ipc-namespace | uts-namespace | ip-filter | user-namespace)
		# Not in the shipped config: add the directive whose step it is.
		cf=$SCRATCH/$step.conf
		shipped_conf "--marker $OUT/ran" "$cf"
		case $step in
		devices) echo "DevicePolicy=closed" ;;
		network-namespace) echo "PrivateNetwork=yes" ;;
		ipc-namespace) echo "PrivateIPC=yes" ;;
		uts-namespace) echo "ProtectHostname=yes" ;;
		ip-filter) echo "IPAddressDeny=192.0.2.0/24" ;;
		# No ambient capability: refused with PrivateUsers=.
		user-namespace) printf '%s\n' AmbientCapabilities= PrivateUsers=yes ;;
		esac >>"$cf"
		;;
	securebits)
		# Not in the shipped config: add it so the step runs.
		cf=$SCRATCH/securebits.conf
		shipped_conf "--marker $OUT/ran" "$cf"
		echo "SecureBits=noroot noroot-locked" >>"$cf"
		;;
	restrict-filesystems)
		cf=$SCRATCH/rfs.conf
		shipped_conf "--marker $OUT/ran" "$cf"
		echo "RestrictFileSystems=~proc" >>"$cf"
		if ! "$FL" --check -c "$cf" >/dev/null 2>&1; then
			# This kernel refuses the BPF LSM program: the plan stops
			# before the step.  Debian's kernel, booted with "bpf" in
			# lsm=, reaches it (~25 s under QEMU).
			OSAPI_VM_APPEND="lsm=lockdown,capability,landlock,yama,apparmor,bpf" \
				relay_guest "$SRC_DIR/tests/vm/rfs-fault-guest.sh" \
				"$FL=/usr/sbin/osapi-launch" "$PROBE=/usr/libexec/osapi-probe"
			continue
		fi
		;;
	apparmor)
		if [ ! -d /sys/kernel/security/apparmor ]; then
			ok 0 "# SKIP apparmor: AppArmor is not enabled here, so AppArmorProfile=-osapi-agent is skipped and the step does not run (tests/t/60-apparmor-vm.t)"
			continue
		fi
		;;
	selinux)
		if ! command -v selinuxenabled >/dev/null || ! selinuxenabled; then
			ok 0 "# SKIP selinux: SELinux is not enabled here, the shipped config sets no SELinuxContext="
			continue
		fi
		cf=$SCRATCH/selinux.conf
		shipped_conf "--marker $OUT/ran" "$cf"
		echo "SELinuxContext=$(id -Z)" >>"$cf"
		;;
	esac
	rm -f "$OUT/ran"
	e=$(mktemp)
	OUTPUT=$(OSAPI_LAUNCH_FAULT=$step "$FL" -c "$cf" 2>"$e")
	RC=$?
	ERR=$(cat "$e")
	rm -f "$e"
	is "$RC" "$code" "fault in $step: exit $code"
	like "$ERR" "^osapi-launch: $step: .*\(EIO\)$" "fault in $step: stderr names the step and EIO"
	ok "$([ -e "$OUT/ran" ] && echo 1 || echo 0)" "fault in $step: the target never ran"
	is "$OUTPUT" "" "fault in $step: nothing on stdout"
done

# A release build: no hook compiled in, the variable is ignored.
ok "$(grep -qa OSAPI_LAUNCH_FAULT "$OSAPI_LAUNCH" && echo 1 || echo 0)" "the release build does not contain the string OSAPI_LAUNCH_FAULT"
for step in change-id no-new-privs exec no-such-step; do
	rm -f "$OUT/ran"
	OUTPUT=$(OSAPI_LAUNCH_FAULT=$step "$OSAPI_LAUNCH" -c "$C" 2>&1)
	is "$?" 0 "release build: OSAPI_LAUNCH_FAULT=$step is ignored"
	ok "$([ -e "$OUT/ran" ] && echo 0 || echo 1)" "release build: OSAPI_LAUNCH_FAULT=$step, the target ran"
done

done_testing
