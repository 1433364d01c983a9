# shellcheck shell=bash
# Shared by tests/vm/run-guest and tests/vm/run-image: qemu detection and
# the cached downloads from Debian's archive (the kernel, busybox...).
# The caller may set prog (its name, for messages), cache and qemu first.

: "${prog:=vm}"
: "${cache:=${OSAPI_VM_CACHE:-/var/cache/osapi-launch-vm}}"
: "${qemu:=${OSAPI_VM_QEMU:-qemu-system-x86_64}}"

die() {
	echo "$prog: $*" >&2
	exit 1
}

log() {
	if [ "${OSAPI_VM_VERBOSE:-0}" = 1 ]; then
		echo "$prog: $*" >&2
	fi
}


# --- qemu: the only reason to skip ------------------------------------------

# A missing or broken qemu means "cannot test here"; anything after this
# point that goes wrong is a test failure, not a skip.
check_qemu() {
	if ! command -v "$qemu" >/dev/null 2>&1; then
		echo "1..0 # SKIP $qemu not installed (apt-get install qemu-system-x86)"
		exit 0
	fi
	if ! "$qemu" -accel help 2>/dev/null | grep -qx tcg; then
		echo "1..0 # SKIP $qemu cannot run TCG here"
		exit 0
	fi
}

# --- downloads (cached) ------------------------------------------------------

# fetch PKG: print the path of PKG's .deb in the cache, downloading it only
# when the candidate version is not there yet.  --print-uris names the exact
# file apt would fetch, so a rerun with a current cache touches no network.
fetch() {
	local pkg=$1 uri file size
	read -r uri file size _ < <(apt-get download --print-uris "$pkg" 2>/dev/null) ||
		die "apt-get cannot resolve package $pkg"
	uri=${uri//\'/}
	local deb=$cache/debs/$file
	if [ ! -f "$deb" ] || [ "$(stat -c %s "$deb")" != "$size" ]; then
		log "downloading $pkg"
		(cd "$cache/debs" && apt-get download -q "$pkg" >/dev/null) ||
			die "apt-get download $pkg failed"
		[ -f "$deb" ] || die "apt-get download $pkg did not produce $file"
	fi
	echo "$deb"
}

# kernel_package: the versioned image package linux-image-amd64 depends on.
kernel_package() {
	if [ -n "${OSAPI_VM_KERNEL_PKG:-}" ]; then
		echo "$OSAPI_VM_KERNEL_PKG"
		return
	fi
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n 1 | grep . ||
		die "cannot resolve linux-image-amd64 to a kernel package"
}

# extract_deb DEB: unpack a small .deb once; print the directory.
extract_deb() {
	local deb=$1 dir
	dir=$cache/root/$(basename "$deb" .deb)
	if [ ! -f "$dir/.complete" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir"
		touch "$dir/.complete"
	fi
	echo "$dir"
}

# kernel_image DEB: print a bootable kernel for DEB, preferring the ELF
# vmlinux (PVH entry: skips the ~4 s xz decompression TCG would pay at every
# boot) and falling back to the bzImage.  Only ./boot/vmlinuz-* is taken
# from the package; its modules (~400 MB) are never written.
kernel_image() {
	local deb=$1 dir vmlinuz off
	dir=$cache/kernel/$(basename "$deb" .deb)
	if [ ! -f "$dir/vmlinuz" ]; then
		rm -rf "$dir"
		mkdir -p "$dir/x"
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir/x" --wildcards './boot/vmlinuz-*'
		vmlinuz=("$dir"/x/boot/vmlinuz-*)
		[ ${#vmlinuz[@]} -eq 1 ] || die "no single vmlinuz in $deb"
		mv "${vmlinuz[0]}" "$dir/vmlinuz.tmp"
		rm -rf "$dir/x"
		mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
	fi
	if [ ! -f "$dir/vmlinux" ] && [ ! -f "$dir/no-vmlinux" ]; then
		# The bzImage payload is an xz stream: find its magic and
		# decompress from there; --single-stream ignores what follows.
		# (Process substitution, not a pipe: xz stops reading after the
		# stream, and pipefail would count tail's SIGPIPE as a failure.)
		off=$(LC_ALL=C grep -obUaP '\xFD7zXZ\x00' "$dir/vmlinuz" | cut -d: -f1 | sed -n 1p)
		if [[ $off =~ ^[0-9]+$ ]] &&
			xz -dc --single-stream < <(tail -c +"$((off + 1))" "$dir/vmlinuz") >"$dir/vmlinux.tmp" 2>/dev/null &&
			[ "$(head -c 4 "$dir/vmlinux.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
			mv "$dir/vmlinux.tmp" "$dir/vmlinux"
		else
			rm -f "$dir/vmlinux.tmp"
			touch "$dir/no-vmlinux"
			echo "$prog: no ELF vmlinux in the bzImage; booting it (slower)" >&2
		fi
	fi
	if [ -f "$dir/vmlinux" ]; then
		echo "$dir/vmlinux"
	else
		echo "$dir/vmlinuz"
	fi
}


# kernel_modules DEB MODULE...: the named modules (.ko files) of the kernel
# package, extracted once into a directory of their own, which is printed.
# Only these few files are written, never the package's whole tree.
kernel_modules() {
	local deb=$1 dir m
	shift
	dir=$cache/modules/$(basename "$deb" .deb)-$(echo "$*" | md5sum | cut -c1-8)
	if [ ! -f "$dir/.complete" ]; then
		rm -rf "$dir"
		mkdir -p "$dir/x"
		local pats=()
		for m in "$@"; do
			pats+=("./lib/modules/*/$m.ko")
		done
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir/x" --wildcards "${pats[@]}" ||
			die "cannot extract modules $* from $deb"
		find "$dir/x" -name '*.ko' -exec mv -t "$dir" {} +
		rm -rf "$dir/x"
		for m in "$@"; do
			[ -f "$dir/$m.ko" ] || die "no module $m.ko in $deb"
		done
		touch "$dir/.complete"
	fi
	echo "$dir"
}

# --- booting the disk images of tests/vm/build-image -------------------------

# Debian builds these as modules, and the images hold none: the initramfs
# loads them, each after what it depends on (modinfo "depends="; the kernel
# package ships no modules.dep: depmod runs at its installation).
# shellcheck disable=SC2034 # used by the scripts that source this file
image_modules=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
	virtio_blk crc16 mbcache crc32c_generic jbd2 ext4)
# ... and for a guest with a network card (tests/vm/boot-target).
# shellcheck disable=SC2034
image_net_modules=(failover net_failover virtio_net)

# image_boot_files WORK PAYLOAD_DIR MODULE...: print the kernel to boot a
# disk image with, and write WORK/initramfs.cpio: busybox, the MODULEs
# (loaded in this order), tests/vm/image-init.sh as /init and PAYLOAD_DIR,
# which /init lays over the image's root at every boot.  Needs $here
# (tests/vm) and root (apt-get download into $cache).
image_boot_files() {
	local work=$1 payload=$2 kdeb kernel mods bb root m
	shift 2
	mkdir -p "$cache/debs" "$cache/kernel" "$cache/root" "$cache/modules"
	if id _apt >/dev/null 2>&1; then
		chown _apt "$cache/debs"
	fi
	kdeb=$(fetch "$(kernel_package)")
	kernel=$(kernel_image "$kdeb")
	mods=$(kernel_modules "$kdeb" "$@")
	bb=$(extract_deb "$(fetch busybox-static)")
	root=$work/root
	mkdir -p "$root/bin" "$root/modules" "$root/payload"
	cp "$bb/bin/busybox" "$root/bin/busybox"
	install -m 0755 "${here:?}/image-init.sh" "$root/init"
	for m in "$@"; do
		cp "$mods/$m.ko" "$root/modules/"
		echo "$m" >>"$root/modules/order"
	done
	cp -a "$payload/." "$root/payload/"
	(cd "$root" && find . -print | LC_ALL=C sort | "$bb/bin/busybox" cpio -o -H newc 2>/dev/null) >"$work/initramfs.cpio"
	rm -rf "$root"
	log "initramfs $(stat -c %s "$work/initramfs.cpio") bytes"
	echo "$kernel"
}
