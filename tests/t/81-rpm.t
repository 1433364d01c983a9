#!/bin/bash
# contrib/rpm/osapi-launch.spec builds with Debian's rpmbuild from a source
# tarball of the tree (tests/fleet/build-packages), rpmlint finds nothing
# beyond the build-host findings contrib/rpm/rpmlint.toml explains, the
# scriptlets and config flags are Fedora's, and the packages hold the same
# files as the .deb but for the differences listed below with their reason.
# Measured: ~2.5 min with both packages to build, ~5 s cached.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_cmd rpmbuild "apt-get install rpm"
need_cmd rpmlint "apt-get install rpmlint"
need_cmd dpkg-buildpackage "apt-get install dpkg-dev debhelper"
[ -f /usr/share/selinux/devel/Makefile ] || skip_all "no reference policy Makefile (apt-get install selinux-policy-dev)"
scratch

rpmdir=$("$SRC_DIR/tests/fleet/build-packages" rpm)
ok $? "rpmbuild -bb builds the packages"
debdir=$("$SRC_DIR/tests/fleet/build-packages" deb)
ok $? "dpkg-buildpackage builds the .deb"
main=$(ls "$rpmdir"/osapi-launch-[0-9]*.x86_64.rpm 2>/dev/null)
selinux=$(ls "$rpmdir"/osapi-launch-selinux-*.noarch.rpm 2>/dev/null)
apparmor=$(ls "$rpmdir"/osapi-launch-apparmor-*.noarch.rpm 2>/dev/null)
deb=$(ls "$debdir"/osapi-launch_*.deb 2>/dev/null)
for f in main selinux apparmor deb; do
	ok "$([ -f "${!f}" ] && echo 0 || echo 1)" "package: $f (${!f##*/})"
done

lint=$(rpmlint -c "$SRC_DIR/contrib/rpm/rpmlint.toml" "$main" "$selinux" "$apparmor" 2>&1)
like "$lint" ' 0 errors, 0 warnings' "rpmlint: no finding beyond the explained ones"
[ $? -eq 0 ] || printf '%s\n' "$lint" | grep -E ': [EW]: ' | sed 's/^/#   /'
like "$(rpmlint -c "$SRC_DIR/contrib/rpm/rpmlint.toml" "$SRC_DIR/contrib/rpm/osapi-launch.spec" 2>&1)" ' 0 errors, 0 warnings' "rpmlint: the spec file"

flags=$(rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$main")
like "$flags" '^/etc/osapi/launch\.conf cn$' "the config is %config(noreplace)"
like "$(rpm -qp --qf '[%{FILENAMES} %{FILEMODES:perms}\n]' "$main")" '^/usr/sbin/osapi-launch -rwxr-xr-x$' \
	"the binary is 0755, never setuid"
like "$(rpm -qp --requires "$main")" 'libseccomp\.so' "dependencies come from the shared libraries"
like "$(rpm -qp --recommends "$main")" 'libselinux' "libselinux (dlopen) is recommended"
scripts=$(rpm -qp --scripts "$main")
like "$scripts" 'groupadd -r osapi|systemd-sysusers' "%pre creates the osapi user"
like "$scripts" 'systemctl .*preset osapi-agent\.service osapi-agent-launch\.service' "%post presets the units"
like "$(rpm2cpio "$main" | cpio -i --quiet --to-stdout ./usr/lib/sysusers.d/osapi-launch.conf)" \
	'^u osapi -:osapi ' "the sysusers.d file declares the osapi user"
# The account and the state directory: what the .deb's postinst makes
# (tests/t/80-packaging.t installs it), and what launch.conf plans.
like "$scripts" 'useradd -r -g osapi -d /var/lib/osapi -s /usr/sbin/nologin ' \
	"%pre without the sysusers macro makes the same user (home /var/lib/osapi, /usr/sbin/nologin)"
sysusers=$(awk '$1 == "u" {print $(NF - 1), $NF}' "$SRC_DIR/contrib/rpm/osapi-launch.sysusers")
is "$sysusers" "/var/lib/osapi /usr/sbin/nologin" "the sysusers.d file: home /var/lib/osapi, shell /usr/sbin/nologin"
# Continuation lines joined: one command a line.
postinst=$(dpkg-deb -I "$deb" postinst 2>/dev/null | sed -e ':a' -e '/\\$/{N;s/\\\n[[:space:]]*//;ta' -e '}')
like "$postinst" "adduser --system .*--home ${sysusers% *} .*--shell ${sysusers#* } " \
	"the .deb's postinst makes the user with the same home and shell"
like "$(rpm -qp --qf '[%{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILENAMES}\n]' "$main")" \
	'^drwx------ osapi osapi /var/lib/osapi$' "the RPM owns /var/lib/osapi, osapi:osapi 0700 (StateDirectoryMode=0700 in launch.conf)"
like "$(grep -E '^StateDirectory(Mode)?=' "$SRC_DIR/conf/osapi-launch.conf" | tr '\n' ' ')" \
	'^StateDirectory=osapi StateDirectoryMode=0700 $' "... which is what the shipped launch.conf plans"
sescripts=$(rpm -qp --scripts "$selinux")
like "$sescripts" 'semodule -n -s targeted -X 200 -i /usr/share/selinux/packages/targeted/osapi_agent\.pp\.bz2' \
	"selinux %post installs the module at priority 200"
like "$sescripts" 'semodule -n -s targeted -X 200 -r osapi_agent' "selinux %postun removes it"
like "$(rpm -qp --requires "$selinux")" 'selinux-policy-targeted' "the selinux subpackage requires the targeted policy"
rpm2cpio "$selinux" | (cd "$SCRATCH" && cpio -id --quiet ./usr/share/selinux/packages/targeted/osapi_agent.pp.bz2)
like "$(bzip2 -dc "$SCRATCH/usr/share/selinux/packages/targeted/osapi_agent.pp.bz2" | head -c 4 | od -An -tx1 | tr -d ' ')" \
	'^8fff7cf9$' "the module is a compiled policy package (magic 0xf97cff8f)"

# The file lists.  Paths of regular files and links (directories differ
# by packaging convention), the doc directory's version and the .gz of
# compressed docs normalised; every remaining difference must be one of
# these, and every one of these must still occur.
explained='
deb-only ^/usr/share/doc/osapi-launch/changelog\.Debian$	Debian changelog (the spec has %changelog)
deb-only ^/usr/share/doc/osapi-launch/copyright$	the licence: /usr/share/licenses/ in RPMs
rpm-only ^/usr/share/licenses/osapi-launch[^/]*/copyright$	the licence, %license in each RPM
rpm-only ^/usr/lib/sysusers\.d/osapi-launch\.conf$	the RPM declares the osapi user; the .deb makes the same one with adduser in its postinst (no systemd needed)
rpm-only ^/usr/share/selinux/packages/targeted/osapi_agent\.pp\.bz2$	the compiled module (the .deb ships its sources)
rpm-only ^/usr/share/selinux/devel/include/distributed/osapi_agent\.if$	its interface, for other modules
rpm-only ^/var/lib/selinux/targeted/active/modules/200/osapi_agent$	%ghost: the module in the policy store
rpm-only ^/usr/lib/\.build-id/	rpm build-id links (the .deb puts them in -dbgsym)
rpm-only ^/usr/share/doc/osapi-launch/osapi-launch\.management\.conf$	%doc puts the example at the top of the doc dir...
deb-only ^/usr/share/doc/osapi-launch/examples/osapi-launch\.management\.conf$	... Debian under examples/
'
list_deb() { dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {sub(/^\./, "", $6); print $6}'; }
list_rpm() { rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$main" "$selinux" "$apparmor" | awk '$1 !~ /^d/ {print $2}'; }
norm() { sed -E 's|^/usr/share/doc/osapi-launch-[0-9][^/]*/|/usr/share/doc/osapi-launch/|; s|^(/usr/share/doc/.*)\.gz$|\1|' | LC_ALL=C sort -u; }
list_deb | norm >"$SCRATCH/deb.list"
list_rpm | norm >"$SCRATCH/rpm.list"
ok "$([ "$(wc -l <"$SCRATCH/deb.list")" -gt 30 ] && echo 0 || echo 1)" "the .deb lists $(wc -l <"$SCRATCH/deb.list") files"
LC_ALL=C comm -23 "$SCRATCH/deb.list" "$SCRATCH/rpm.list" | sed 's/^/deb-only /' >"$SCRATCH/diff"
LC_ALL=C comm -13 "$SCRATCH/deb.list" "$SCRATCH/rpm.list" | sed 's/^/rpm-only /' >>"$SCRATCH/diff"
unexplained=$(while read -r side path; do
	hit=0
	while IFS=$'\t' read -r pat _; do
		[ -n "$pat" ] || continue
		[ "${pat%% *}" = "$side" ] && printf '%s\n' "$path" | grep -Eq -- "${pat#* }" && hit=1
	done <<<"$explained"
	[ $hit -eq 1 ] || echo "$side $path"
done <"$SCRATCH/diff")
is "$unexplained" "" "every difference between the .deb and the RPMs is explained"
while IFS=$'\t' read -r pat why; do
	[ -n "$pat" ] || continue
	grep "^${pat%% *} " "$SCRATCH/diff" | cut -d" " -f2 | grep -Eq -- "${pat#* }"
	ok $? "still a difference: ${pat%% *} ${pat#* } ($why)"
done <<<"$explained"
for f in /usr/sbin/osapi-launch /etc/osapi/launch.conf /usr/lib/systemd/system/osapi-agent-launch.service \
	/etc/apparmor.d/osapi-agent /usr/share/man/man8/osapi-launch.8.gz /usr/share/osapi-launch/contrib/ansible/site.yml \
	/usr/share/osapi-launch/contrib/fleet/osapi-launch-audit; do
	grep -qx -- "$f" "$SCRATCH/rpm.list"
	ok $? "both ship $f"
done
done_testing
