#!/bin/bash
# Install and packaging: meson install puts every file where a distribution
# would, and debian/ builds a .deb with dpkg-buildpackage that holds them.
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
done_testing
