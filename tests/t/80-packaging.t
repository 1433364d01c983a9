#!/bin/bash
# Install and packaging: meson install puts every file where a distribution
# would, and debian/ builds a .deb with dpkg-buildpackage that holds them.
# As root, the .deb is then installed with dpkg on fresh Debian 12 roots
# (mmdebstrap minbase: no systemd, as on an OpenRC, runit or sysvinit
# host): it must create the osapi user and /var/lib/osapi as the shipped
# launch.conf and the RPM expect them, keep both over a reinstall and
# upgrades, and leave a host where --check passes and the launch works
# as contrib/systemd/osapi-agent-launch.service runs it.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_cmd meson "apt-get install meson"
scratch

meson setup "$SCRATCH/b" "$SRC_DIR" --prefix=/usr --sysconfdir=/etc >/dev/null 2>&1
ok $? "configure with --prefix=/usr --sysconfdir=/etc"
DESTDIR=$SCRATCH/root meson install -C "$SCRATCH/b" >/dev/null 2>&1
ok $? "meson install"
for f in usr/sbin/osapi-launch etc/osapi/launch.conf \
	usr/share/man/man8/osapi-launch.8 usr/share/man/man5/osapi-launch.conf.5 \
	usr/lib/systemd/system/osapi-agent.service usr/lib/systemd/system/osapi-agent-launch.service \
	etc/apparmor.d/osapi-agent etc/apparmor.d/osapi-agent-management \
	etc/apparmor.d/abstractions/osapi-agent etc/apparmor.d/tunables/osapi-agent \
	usr/share/doc/osapi-launch/examples/osapi-launch.management.conf \
	usr/share/osapi-launch/contrib/openrc/osapi-agent usr/share/osapi-launch/contrib/runit/osapi-agent/run \
	usr/share/osapi-launch/contrib/s6/osapi-agent/run usr/share/osapi-launch/contrib/sysvinit/osapi-agent \
	usr/share/osapi-launch/contrib/docker/Dockerfile usr/share/osapi-launch/contrib/kubernetes/osapi-agent.yaml; do
	ok "$([ -f "$SCRATCH/root/$f" ] && echo 0 || echo 1)" "installed: /$f"
done
is "$(stat -c %a "$SCRATCH/root/usr/sbin/osapi-launch")" 755 "the binary is 0755: never setuid"
ok "$([ -x "$SCRATCH/root/usr/share/osapi-launch/contrib/runit/osapi-agent/run" ] && echo 0 || echo 1)" "service scripts stay executable"
"$SCRATCH/root/usr/sbin/osapi-launch" --version >/dev/null
ok $? "the installed binary runs"

# libapparmor, libselinux and libbpf are opened on demand (include/dl.h):
# not linked, and named in the ELF .note.dlopen for packaging tools instead.
bin=$SCRATCH/root/usr/sbin/osapi-launch
linked=$(ldd "$bin")
unlike "$linked" 'libapparmor|libselinux|libpcre2|libbpf|libelf|libz\.' \
	"libapparmor, libselinux and libbpf (and what they pull in) are not linked (ldd)"
notes=$("$SRC_DIR/tools/dlopen-notes" "$bin")
ok $? ".note.dlopen is present and valid JSON"
for so in libapparmor.so.1 libselinux.so.1 libbpf.so.1; do
	like "$notes" "^$so\$" ".note.dlopen names $so"
done
# Every library the notes name is one the loader finds on this host.
for so in $notes; do
	like "$(ldconfig -p)" "^[[:space:]]$so " "$so: a library the loader finds on this host"
done

if command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null; then
	mkdir "$SCRATCH/src"
	(cd "$SRC_DIR" && git ls-files -co --exclude-standard | grep -v '^build' |
		tar -cf - -T -) | tar -xf - -C "$SCRATCH/src"
	(cd "$SCRATCH/src" && dpkg-buildpackage -b -us -uc >"$SCRATCH/dpkg.log" 2>&1)
	rc=$?
	ok $rc "dpkg-buildpackage -b builds the package"
	[ $rc -eq 0 ] || tail -20 "$SCRATCH/dpkg.log" | sed 's/^/#   /'
	deb=$(ls "$SCRATCH"/osapi-launch_*.deb 2>/dev/null | head -n1)
	contents=$([ -n "$deb" ] && dpkg-deb -c "$deb")
	like "$contents" "\./usr/sbin/osapi-launch$" "the .deb holds the binary"
	like "$contents" "\./etc/osapi/launch\.conf$" "... the config"
	like "$contents" "\./etc/apparmor\.d/osapi-agent$" "... the AppArmor profile"
	like "$contents" "\./usr/share/man/man8/osapi-launch\.8" "... the man page"
	like "$(dpkg-deb -f "$deb" Depends 2>/dev/null)" "libseccomp2" "its dependencies come from the shared libraries"
	like "$(dpkg-deb -f "$deb" Depends 2>/dev/null)" "(^|, )adduser( |,|$)" "... and adduser, which its postinst runs"
	rm -rf "$SCRATCH/ctl"
	dpkg-deb -e "$deb" "$SCRATCH/ctl" 2>/dev/null
	for s in postinst postrm; do
		if [ ! -f "$SCRATCH/ctl/$s" ]; then
			ok 1 "the .deb has a $s"
		elif command -v shellcheck >/dev/null; then
			out=$(shellcheck -s sh "$SCRATCH/ctl/$s" 2>&1)
			ok $? "its $s, as shipped, passes shellcheck -s sh"
			[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/#   /'
		else
			diag "shellcheck is not installed: the $s is not checked"
		fi
	done
	# dpkg-shlibdeps cannot see dlopen(3): debian/control names them.
	# Each library in .note.dlopen is in the field its priority names.
	while read -r prio so; do
		field=$([ "$prio" = recommended ] && echo Recommends || echo Suggests)
		lib=$(ldconfig -p | awk -v l="$so" '$1 == l && /x86-64/ && !n++ {print $NF}')
		pkg=$(deb_package_of "$lib")
		ok "$([ -n "$pkg" ] && echo 0 || echo 1)" "$so belongs to a package (${pkg:-none})"
		like "$(dpkg-deb -f "$deb" "$field" 2>/dev/null)" "(^|[ ,])$pkg([ ,]|$)" \
			"$field: $pkg ($so, $prio in .note.dlopen)"
	done < <("$SRC_DIR/tools/dlopen-notes" --json "$bin" |
		python3 -c 'import json,sys; [print(e["priority"], s) for e in json.load(sys.stdin) for s in e["soname"]]')
else
	diag "debhelper is not installed (apt-get install debhelper dpkg-dev): the .deb build is skipped"
fi

# --- The .deb on a fresh Debian root ----------------------------------------
#
# dpkg -i into a minimal Debian 12 root (mmdebstrap --variant=minbase, with
# the package's Depends and Recommends installed first, as apt would),
# entered with chroot in a private mount namespace whose / is a mount point
# of its own, as on a host.  The root is cached as a tarball under
# $BUILD_DIR/deb-roots by its package list and mmdebstrap's version (first
# run: about a minute of downloads; then ~20 s).
need_root_part() { # what this part needs: fails in CI, skips elsewhere
	if [ "${CI:-}" = true ]; then
		ok 1 "the .deb on a fresh Debian root: $1"
	else
		diag "the .deb on a fresh Debian root is skipped: $1"
	fi
	done_testing
}
if [ -z "${deb:-}" ] || [ ! -f "$deb" ]; then
	need_root_part "no .deb was built"
fi
[ "$(id -u)" -eq 0 ] || need_root_part "needs root (chroot, file owners)"
for c in mmdebstrap unshare setpriv; do
	command -v "$c" >/dev/null || need_root_part "needs $c (tools/install-deps --test)"
done

# What the package must make, from the files that say so: the user as
# contrib/rpm/osapi-launch.sysusers declares it (home, shell), the state
# directory as the shipped launch.conf's StateDirectory= plans it.
read -r home shell < <(awk '$1 == "u" && $2 == "osapi" {print $(NF - 1), $NF}' "$SRC_DIR/contrib/rpm/osapi-launch.sysusers")
statedir=/var/lib/$(sed -n 's/^StateDirectory=//p' "$SRC_DIR/conf/osapi-launch.conf")
statemode=$(sed -n 's/^StateDirectoryMode=0*//p' "$SRC_DIR/conf/osapi-launch.conf")
is "$home $statedir $statemode" "/var/lib/osapi /var/lib/osapi 700" \
	"the sysusers.d file's home is launch.conf's StateDirectory= (0700)"
want_dir="osapi:osapi $statemode directory"

roots=$BUILD_DIR/deb-roots
mkdir -p "$roots"
# fresh_root DIR: a fresh Debian 12 root in DIR.
fresh_root() {
	local pkgs key tar
	pkgs=$(for f in Depends Recommends; do dpkg-deb -f "$deb" "$f"; done | tr ',' '\n' |
		sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' | grep . | LC_ALL=C sort -u | paste -sd, -)
	key=$({ echo "$pkgs"; dpkg-query -W -f '${Version}' mmdebstrap; } | sha256sum | cut -c1-16)
	tar=$roots/bookworm-$key.tar
	if [ ! -f "$tar" ]; then
		if mmdebstrap --quiet --variant=minbase --format=tar --include="$pkgs" \
			bookworm "$tar.tmp" >"$roots/mmdebstrap.log" 2>&1; then
			mv "$tar.tmp" "$tar"
		else
			tail -n 20 "$roots/mmdebstrap.log" | sed 's/^/#   /'
		fi
		# Only the root of the current package list is kept.
		find "$roots" -name 'bookworm-*.tar*' ! -name "bookworm-$key.tar" -delete
	fi
	mkdir "$1" && tar -C "$1" --numeric-owner -xpf "$tar"
}
# in_root ROOT CMD...: CMD run chrooted into ROOT, in a private mount
# namespace where ROOT is a mount point with the host's /proc, /sys, /dev.
in_root() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare --mount --propagation private sh -c '
		r=$1
		shift
		mount --bind "$r" "$r" && mount -t proc proc "$r/proc" &&
			mount --rbind /sys "$r/sys" && mount --rbind /dev "$r/dev" || exit 99
		exec chroot "$r" "$@"' in_root "$@"
}
# as_unit ROOT CMD...: CMD as osapi-agent-launch.service runs the launcher:
# the file system read-only but for /var/lib/osapi, and that only when it
# exists (ProtectSystem=strict, ReadWritePaths=-/var/lib/osapi), and the
# unit's bounding set, which has neither CAP_CHOWN nor CAP_FOWNER nor
# CAP_DAC_OVERRIDE.
unit_caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$SRC_DIR/contrib/systemd/osapi-agent-launch.service" |
	tr '[:upper:]' '[:lower:]' | sed 's/cap_/+/g; s/ /,/g')
as_unit() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare --mount --propagation private sh -c '
		r=$1
		caps=$2
		shift 2
		mount --bind "$r" "$r" && mount -t proc proc "$r/proc" &&
			mount --rbind /sys "$r/sys" && mount --rbind /dev "$r/dev" || exit 99
		if [ -d "$r/var/lib/osapi" ]; then
			mount --bind "$r/var/lib/osapi" "$r/var/lib/osapi" || exit 99
		fi
		mount -o remount,bind,ro "$r" || exit 99
		exec chroot "$r" setpriv --bounding-set "-all,$caps" -- "$@"' as_unit "$1" "$unit_caps" "${@:2}"
}
# account ROOT: the osapi user's passwd entry, its group's, its shadow
# password field and the state directory's owner, mode and type, one line.
account() {
	printf '%s | %s | %s | %s\n' "$(in_root "$1" getent passwd osapi)" \
		"$(in_root "$1" getent group osapi)" \
		"$(in_root "$1" getent shadow osapi | cut -d: -f2)" \
		"$(in_root "$1" stat -c '%U:%G %a %F' "$statedir" 2>&1)"
}
# unchanged DESCRIPTION BEFORE AFTER: AFTER is BEFORE, an account() line
# with the osapi user in it (two lines without the user are no pass).
unchanged() {
	if [[ $2 == osapi:x:* ]]; then
		is "$3" "$2" "$1"
	else
		ok 1 "$1"
		diag "no osapi user to keep: $2"
	fi
}
# The same .deb at another version, with or without its maintainer
# scripts: rebuild PATH VERSION [strip].
rebuild() {
	local d=$SCRATCH/rebuild
	rm -rf "$d"
	dpkg-deb -R "$deb" "$d" &&
		sed -i "s/^Version: .*/Version: $2/" "$d/DEBIAN/control" &&
		if [ "${3:-}" = strip ]; then rm -f "$d/DEBIAN/postinst" "$d/DEBIAN/postrm"; fi &&
		dpkg-deb -b "$d" "$1" >/dev/null
}
version=$(dpkg-deb -f "$deb" Version)

A=$SCRATCH/root-a
fresh_root "$A"
ok $? "a fresh Debian 12 root (mmdebstrap minbase, the package's Depends and Recommends)"
[ -x "$A/usr/bin/dpkg" ] || done_testing
is "$(in_root "$A" getent passwd osapi)" "" "... without an osapi user"
ok "$([ -e "$A/usr/bin/systemd-sysusers" ] || [ -e "$A/usr/bin/systemd-tmpfiles" ] && echo 1 || echo 0)" \
	"... and without systemd: no systemd-sysusers or systemd-tmpfiles to lean on"
cp "$deb" "$A/tmp/osapi-launch.deb"
out=$(in_root "$A" dpkg -i /tmp/osapi-launch.deb 2>&1)
ok $? "dpkg -i installs the .deb"
if printf '%s\n' "$out" | grep -qiE 'warn|error'; then diag "$out"; fi
acct=$(account "$A")
IFS=: read -r _ _ uid gid _ _ _ < <(in_root "$A" getent passwd osapi)
# (adduser writes the comment as a GECOS of four fields: "OSAPI agent,,,".)
like "$acct" "^osapi:x:[0-9]+:[0-9]+:OSAPI agent,*:$home:$shell \\| " \
	"the package created the user osapi: home $home, shell $shell (as the RPM's sysusers.d file)"
ok "$([ "${uid:-0}" -ge 100 ] && [ "${uid:-0}" -lt 1000 ] && echo 0 || echo 1)" "... a system uid (${uid:-none}, adduser --system)"
like "$acct" "\\| osapi:x:${gid:-none}:[^|]* \\| " "... whose primary group is the system group osapi (gid ${gid:-none})"
like "$acct" "\\| [*!][^|]* \\| " "... with no password (a locked shadow entry)"
like "$acct" "\\| $want_dir$" "$statedir exists: osapi:osapi, mode 0$statemode"

# The shipped config on that host, as an operator checks it before the
# first start; the probe stands in for the agent's binary.
install -m 0755 "$PROBE" "$A/usr/bin/osapi"
out=$(in_root "$A" /usr/sbin/osapi-launch --check -c /etc/osapi/launch.conf 2>&1)
rc=$?
is "$rc" 0 "osapi-launch --check accepts the shipped /etc/osapi/launch.conf there"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | tail -n 15 | sed 's/^/#   /'

# The launch as osapi-agent-launch.service makes it: only with the
# directory the package made, as StateDirectory= plans it, can the launcher
# (no CAP_CHOWN, /var/lib read-only) leave it alone and start the agent.
OUTPUT=$(as_unit "$A" /usr/sbin/osapi-launch -c /etc/osapi/launch.conf 2>"$SCRATCH/err")
rc=$?
is "$rc" 0 "launched as osapi-agent-launch.service does (bounding set ${unit_caps//+/}, read-only /var/lib): the agent starts"
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$SCRATCH/err"
like "$(field Uid)" "^${uid:-none}[[:space:]]" "... as osapi"
is "$(field CWD)" "$statedir" "... in its state directory"
like "$(account "$A")" "\\| $want_dir$" "... which the launcher left as it was"
mv "$A$statedir" "$A$statedir.away"
as_unit "$A" /usr/sbin/osapi-launch -c /etc/osapi/launch.conf >/dev/null 2>"$SCRATCH/err"
rc=$?
mv "$A$statedir.away" "$A$statedir"
is "$rc:$(grep -c 'state-directory.*EROFS' "$SCRATCH/err")" "238:1" \
	"control: without the directory the same launch stops (state-directory, EROFS, exit 238)"

# Reinstall: the account and the directory stay as they are, with the
# agent's state, and an operator's change to the directory stays too.
before=$(account "$A")
printf 'key\n' >"$A$statedir/state"
chmod 0600 "$A$statedir/state"
in_root "$A" chown osapi:osapi "$statedir/state"
in_root "$A" chmod 0750 "$statedir"
out=$(in_root "$A" dpkg -i /tmp/osapi-launch.deb 2>&1)
ok $? "dpkg -i again (a reinstall: postinst configure with the installed version)"
after=$(account "$A")
unchanged "... keeps the user and group as they were" "${before% | *}" "${after% | *}"
like "$after" "\\| osapi:osapi 750 directory$" "... and leaves the operator's mode on $statedir (0750) as it was"
is "$(in_root "$A" stat -c '%U %a %s' "$statedir/state" 2>&1)" "osapi 600 4" "... and the agent's file in it"
in_root "$A" chmod "0$statemode" "$statedir"

# Upgrades on a second root: from the package as first shipped (0.1.0-1
# had no maintainer scripts: the same files, no postinst), then to a later
# version with these scripts.
B=$SCRATCH/root-b
fresh_root "$B"
rebuild "$B/tmp/first.deb" 0.1.0-0 strip &&
	cp "$deb" "$B/tmp/osapi-launch.deb" &&
	rebuild "$B/tmp/next.deb" "$version+next"
ok $? "the .deb as first shipped (0.1.0-0, no maintainer scripts) and as a later version ($version+next)"
in_root "$B" dpkg -i /tmp/first.deb >/dev/null 2>&1
is "$(in_root "$B" getent passwd osapi)$(ls -d "$B$statedir" 2>/dev/null)" "" "... the first made neither the user nor $statedir"
out=$(in_root "$B" dpkg -i /tmp/osapi-launch.deb 2>&1)
ok $? "upgrade from it to $version"
acct=$(account "$B")
like "$acct" "^osapi:x:[0-9]+:[0-9]+:OSAPI agent,*:$home:$shell \\| .*\\| $want_dir$" "... creates the user and $statedir (osapi:osapi 0$statemode)"
printf 'key\n' >"$B$statedir/state"
in_root "$B" chown osapi:osapi "$statedir/state"
out=$(in_root "$B" dpkg -i /tmp/next.deb 2>&1)
ok $? "upgrade to $version+next"
unchanged "... keeps the user, its group and $statedir exactly as they were" "$acct" "$(account "$B")"
ok "$([ -s "$B$statedir/state" ] && echo 0 || echo 1)" "... with the agent's file in it"

# Purge: the account stays (Debian's practice for system users); the
# state directory goes only when empty.
in_root "$B" dpkg --purge osapi-launch >/dev/null 2>&1
is "$(in_root "$B" getent passwd osapi | cut -d: -f1) $(account "$B" | sed 's/.* | //')" "osapi $want_dir" \
	"purge keeps the osapi user and a $statedir that holds the agent's state"
rm -f "$A$statedir/state"
in_root "$A" dpkg --purge osapi-launch >/dev/null 2>&1
is "$(in_root "$A" getent passwd osapi | cut -d: -f1) $([ -e "$A$statedir" ] && echo kept || echo removed)" "osapi removed" \
	"purge keeps the osapi user and removes an empty $statedir"
# An older adduser (Ubuntu 22.04's 3.118) knows --gecos, not --comment: the
# postinst asks adduser's help.  Here a wrapper hides --comment from a
# fresh root's adduser and refuses it, as the older one would.
G=$SCRATCH/root-g
fresh_root "$G"
mv "$G/usr/sbin/adduser" "$G/usr/sbin/adduser.real"
# addgroup is adduser under another name (the name picks the mode).
ln -sf adduser.real "$G/usr/sbin/addgroup"
cat >"$G/usr/sbin/adduser" <<'EOF_SH'
#!/bin/sh
for a in "$@"; do
	case $a in
	--comment) echo "adduser: Unknown option: comment" >&2; exit 1 ;;
	--help) /usr/sbin/adduser.real --help 2>&1 | grep -v -- --comment; exit 0 ;;
	esac
done
exec /usr/sbin/adduser.real "$@"
EOF_SH
chmod 0755 "$G/usr/sbin/adduser"
is "$(in_root "$G" adduser --comment x y 2>&1)" "adduser: Unknown option: comment" "an adduser without --comment (the wrapper)"
cp "$deb" "$G/tmp/osapi-launch.deb"
in_root "$G" dpkg -i /tmp/osapi-launch.deb >/dev/null 2>&1
ok $? "dpkg -i installs the .deb with that adduser"
like "$(account "$G")" "^osapi:x:[0-9]+:[0-9]+:OSAPI agent,*:$home:$shell \\| .*\\| $want_dir$" \
	"... and the postinst created the user through --gecos, and $statedir"
rm -rf "$G"

done_testing
