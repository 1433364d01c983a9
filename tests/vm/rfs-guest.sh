# shellcheck shell=sh
# Guest half of tests/t/48-restrict-filesystems.t: RestrictFileSystems=
# enforced by the BPF LSM program, on Debian 12's own kernel booted with
# "bpf" in lsm= (this host's kernel refuses BPF LSM and tracing programs
# with EPERM even to root).  Run by tests/vm/run-guest's /init as root;
# prints TAP on stdout.
#
# The host puts the launcher at /usr/sbin/osapi-launch, the probe at
# /usr/libexec/osapi-probe and bpftool at /usr/sbin/bpftool.  / is the
# initramfs (tmpfs or ramfs), /proc proc, /sys/fs/cgroup cgroup2.
# shellcheck source=tests/vm/guest-tap.sh
. /etc/osapi-vm/tap.sh

launcher=/usr/sbin/osapi-launch
probe=/usr/libexec/osapi-probe
dir=/etc/osapi-test
mkdir -p "$dir" /var/lib/osapi
chmod 0755 "$dir"
echo "# kernel $(uname -r); LSMs $(cat /sys/kernel/security/lsm)"
mkdir -p /sys/fs/cgroup
mount -t cgroup2 cgroup2 /sys/fs/cgroup
ok $? "cgroup2 mounted on /sys/fs/cgroup"
echo "# / is $(stat -f -c %T /)"
echo hello >/etc/osapi-test/file
chmod 0644 /etc/osapi-test/file

# conf NAME LINE...: a root-owned config for the osapi user.
conf() {
	f=$dir/$1.conf
	shift
	{
		echo "[Launch]"
		echo "User=osapi"
		for l in "$@"; do echo "$l"; done
	} >"$f"
	chmod 0644 "$f"
	echo "$f"
}
# val KEY TEXT: the probe's KEY=value (KEY holds "/", so not tap.sh's value).
val() { printf '%s\n' "$2" | awk -v k="$1=" 'index($0, k) == 1 { print substr($0, length(k) + 1); exit }'; }
tries="--try open-r:/proc/self/status --try open-r:/etc/osapi-test/file"
# two NAME LINE...: the verdicts on proc and on /.  (The probe's exit
# status is not compared: it reads /proc/self/status itself and says so
# with exit 2 when proc is denied.)
two() {
	c=$(conf "$@")
	out=$("$launcher" -c "$c" 2>&1)
	echo "$(val TRY_open-r:/proc/self/status "$out"):$(val TRY_open-r:/etc/osapi-test/file "$out")"
}

# --check before any launch: the kernel must take the program, but the host
# is left as it was (no bpffs mounted, nothing pinned).
bpffs_before=$(grep -c ' /sys/fs/bpf bpf ' /proc/mounts)
c=$(conf firstcheck "ExecStart=$probe" "RestrictFileSystems=~proc")
out=$("$launcher" --check -c "$c" 2>&1)
is "$?" 0 "--check with RestrictFileSystems= before any launch: accepted"
like "$out" 'filesystems +BPF LSM program [0-9]+ \(loaded for this check; the launch pins it\)' \
	"--check loaded the program to test the kernel ..."
is "$(grep -c ' /sys/fs/bpf bpf ' /proc/mounts)" "$bpffs_before" "... mounted no bpffs ..."
ok "$([ ! -e /sys/fs/bpf/osapi-launch ] && echo 0 || echo 1)" "... and pinned nothing"
# The same with bpffs already mounted (as on a systemd host): --check
# makes no directory in it.
mkdir -p /sys/fs/bpf
mount -t bpf bpf /sys/fs/bpf
out=$("$launcher" --check -c "$c" 2>&1)
is "$?" 0 "--check with bpffs mounted: accepted ..."
ok "$([ ! -e /sys/fs/bpf/osapi-launch ] && echo 0 || echo 1)" "... and made nothing in it"
# A pin directory the launch would refuse: --check refuses it too.
mkdir -m 0777 /sys/fs/bpf/osapi-launch
out=$("$launcher" --check -c "$c" 2>&1)
is "$?" 78 "--check: a pin directory writable by others is refused (78) ..."
like "$out" 'not a directory writable by root alone' "... saying why"
"$launcher" -c "$c" >/dev/null 2>&1
is "$?" 245 "... as the launch refuses it (245)"
rmdir /sys/fs/bpf/osapi-launch
umount /sys/fs/bpf

is "$(two control "ExecStart=$probe $tries")" "ok:ok" "control: proc and / both open"
is "$(two deny "ExecStart=$probe $tries" "RestrictFileSystems=~proc")" "EPERM:ok" \
	"RestrictFileSystems=~proc: /proc/self/status refused (EPERM), / opens"
allow="tmpfs ramfs"
is "$(two allow "ExecStart=$probe $tries" "RestrictFileSystems=$allow")" "EPERM:ok" \
	"RestrictFileSystems=$allow (an allow list): / opens, proc does not"
is "$(two merged "ExecStart=$probe $tries" "RestrictFileSystems=$allow proc" "RestrictFileSystems=~proc")" "EPERM:ok" \
	"an allow list, then ~proc: proc taken out again (systemd's merge)"
is "$(two groups "ExecStart=$probe $tries" "RestrictFileSystems=@temporary @basic-api")" "ok:ok" \
	"@temporary @basic-api: both allowed through the groups"
is "$(two reset "ExecStart=$probe $tries" "RestrictFileSystems=~proc" "RestrictFileSystems=")" "ok:ok" \
	"an empty assignment resets the list"
c=$(conf noroot "ExecStart=$probe $tries" "RestrictFileSystems=proc")
out=$("$launcher" -c "$c" 2>&1)
rc=$?
like "$rc:$out" '^203:|EPERM|Operation not permitted' \
	"an allow list without /'s file system: the exec of the agent is refused too"
diag "$out"

# From outside, while the agent sleeps: the link on file_open, the map
# entry of its group, and the set holding proc's magic.
c=$(conf sleeper "ExecStart=$probe --sleep 30" "RestrictFileSystems=~proc")
"$launcher" -c "$c" >/tmp/sleeper.out 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^READY=1' /tmp/sleeper.out; do
	sleep 0.1
	i=$((i + 1))
done
grp=$(awk -F: '$1 == 0 { print $3 }' /proc/$pid/cgroup)
is "$grp" /osapi-launch/sleeper "the agent is in its cgroup v2 group"
id=$(stat -c %i "/sys/fs/cgroup$grp")
links=$(bpftool link list 2>&1)
progs=$(bpftool prog list 2>&1)
diag "$links" "$progs"
prog=$(printf '%s\n' "$progs" | awk '$2 == "lsm" && $3 == "name" && $4 == "restrict_fs" { sub(":", "", $1); print $1 }')
like "$prog" '^[0-9]+$' "bpftool prog list: one lsm program restrict_fs (id $prog)"
like "$links" "tracing +prog $prog" "bpftool link list: a link holds it"
like "$links" 'prog_type lsm +attach_type lsm_mac' "bpftool link list: on the BPF LSM hook (lsm_mac)"
pins=$(ls -d /sys/fs/bpf/osapi-launch/*/)
like "$pins" '^/sys/fs/bpf/osapi-launch/[0-9a-f]{16}/$' "one pin directory, named by the program's content"
ls "$pins/file_open" "$pins/cgroup_fs" >/dev/null
ok $? "link and map pinned in it"
# The map's u64 key as bpftool prints it without BTF: little-endian bytes.
hex=$(printf '%016x' "$id" | sed 's/\(..\)/\1 /g' | awk '{ for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "") }')
dump=$(bpftool map dump pinned "$pins/cgroup_fs" 2>&1)
diag "cgroup id $id ($hex)" "$dump"
line=$(printf '%s\n' "$dump" | grep "key: $hex  value:")
ok $? "the map holds the agent's cgroup id $id"
# Its value: the inner map's id, a little-endian u32.
inner=$(printf '%d' "0x$(printf '%s\n' "$line" | awk '{ print $14 $13 $12 $11 }')")
set_dump=$(bpftool map dump id "$inner" 2>&1)
diag "set map $inner:" "$set_dump"
like "$set_dump" 'key: a0 9f 00 00  value: 01 00 00 00' "its set holds proc's magic 0x9fa0"
like "$set_dump" 'key: 00 00 00 00  value: 02 00 00 00' "and the deny mode"
is "$(printf '%s\n' "$set_dump" | grep -c '^key:')" 2 "and nothing else"
kill "$pid"
wait "$pid" 2>/dev/null
is "$(grep -c . /sys/fs/cgroup/osapi-launch/sleeper/cgroup.procs)" 0 "the agent is gone"

# The group removed, its entry is stale: the next launch removes it.
rmdir /sys/fs/cgroup/osapi-launch/sleeper
ok $? "the sleeper's group removed"

# A second launch reuses the pinned program: still one link.
is "$(two again "ExecStart=$probe $tries" "RestrictFileSystems=~proc")" "EPERM:ok" "a second launch: enforced again"
is "$(bpftool prog list | grep -c 'name restrict_fs')" 1 "one program for all launches"
unlike_dump=$(bpftool map dump pinned "$pins/cgroup_fs" 2>&1)
if printf '%s\n' "$unlike_dump" | grep -q "key: $hex  value:"; then r=1; else r=0; fi
ok $r "the removed group's entry (cgroup id $id) was cleaned by the next launch"
c=$(conf check "ExecStart=$probe" "RestrictFileSystems=~proc @temporary")
out=$("$launcher" --check -c "$c" 2>&1)
rc=$?
is "$rc" 0 "--check accepts RestrictFileSystems= here"
like "$out" 'filesystems +deny: proc ramfs tmpfs' "--check lists the merged names"
like "$out" 'filesystems +BPF LSM program [0-9]+ \(/sys/fs/bpf/osapi-launch/[0-9a-f]{16}/file_open\)' "--check names the pinned program it reuses"

# Pins that are not this program's are refused, not reused: a plain map in
# place of the link enforced nothing and passed the read-back once.
mv "$pins/file_open" /sys/fs/bpf/saved_link
bpftool map create /sys/fs/bpf/decoy type hash key 4 value 4 entries 1 name decoy
mv /sys/fs/bpf/decoy "$pins/file_open"
out=$("$launcher" -c "$c" 2>&1)
is "$?" 245 "a map pinned in the link's place: the launch refuses (245) ..."
like "$out" 'is not an LSM link' "... saying why"
"$launcher" --check -c "$c" >/dev/null 2>&1
is "$?" 78 "... and so does --check (78)"
rm "$pins/file_open"
# A link without its map: the agents started before keep their restriction
# through it, so it is refused rather than replaced.
mv /sys/fs/bpf/saved_link "$pins/file_open"
mv "$pins/cgroup_fs" /sys/fs/bpf/saved_map
out=$("$launcher" -c "$c" 2>&1)
is "$?" 245 "the link without its map: refused (245), not replaced ..."
like "$out" 'its map .* is gone; remove the link' "... saying what to do"
ok "$([ -e "$pins/file_open" ] && echo 0 || echo 1)" "... and the link is still pinned"
mv /sys/fs/bpf/saved_map "$pins/cgroup_fs"
is "$(two last "ExecStart=$probe $tries" "RestrictFileSystems=~proc")" "EPERM:ok" "both pins back: enforced again"
echo "1..$n"
