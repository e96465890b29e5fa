#!/usr/bin/env bash
# Fetches and builds the guest assets the boot tests need, from Debian packages:
#   assets/<arch>/bzImage            Debian cloud kernel (/boot/vmlinuz-*); arm64: Image
#   assets/<arch>/vmlinux            ELF vmlinux decompressed from that bzImage (x86_64)
#   assets/<arch>/modules/           kvm*.ko (+ their dependencies) and *.order load lists
#                                    (arm64 has KVM built in: guest modules only)
#   assets/<arch>/busybox            static busybox
#   assets/<arch>/initrd.cpio.gz     guest test initrd (/init = tests/boot/guest-init.sh)
#   assets/<arch>/MANIFEST           packages, versions and sha256 of every file above
# <arch> is x86_64 for --arch amd64 (the default) and aarch64 for --arch arm64.
#
# Usage: tests/fetch-assets.sh [--arch amd64|arm64] [--update] [--force]
#   --update  ask apt for the current package versions and rebuild if they moved
#             (by default a complete, unaltered asset set is kept without asking apt)
#   --force   rebuild even if everything is up to date
# Downloaded .deb files are cached in assets/cache/. A re-run checks the MANIFEST: the
# recipe hash (this script and its helpers) and the sha256 of every file; it rebuilds when
# one of them changed or a file is missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
boot_dir=$here/boot
assets=$top/assets
cache=$assets/cache

# Everything whose content shapes the outputs: a change to any of them forces a rebuild.
recipe_files=("$here/fetch-assets.sh" "$boot_dir/kimage.py" "$boot_dir/mkcpio.py"
	"$boot_dir/guest-init.sh" "$here/guest/portio.c")

# Applets the guest /init uses, plus a few for poking around with minivmm.action=shell.
guest_applets=(sh cat mount umount poweroff reboot nproc setsid sleep
	ls dmesg ps grep head tail uname free mkdir rm cp mv ln dd hexdump insmod sed
	sync cmp md5sum sha256sum blockdev)

log() { echo "fetch-assets: $*" >&2; }
die() {
	echo "fetch-assets: ERROR: $*" >&2
	exit 1
}

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
	exit "${1:-0}"
}

# Per-architecture settings. guest_modules: what the guest initrd loads (all =m in Debian's
# cloud kernels): the pvpanic driver for the ACPI QEMU0001 panic device (x86; arm64's kernel
# has no pvpanic), and virtio-mmio + virtio-blk for disks. pkg_arch: the apt architecture
# qualifier for packages of a foreign architecture.
arch_setup() {
	case $1 in
	amd64 | x86_64)
		deb_arch=amd64
		asset_arch=x86_64
		pkg_arch=""
		kernel_meta=linux-image-cloud-amd64
		kernel_image=bzImage
		kvm_modules=(kvm-amd kvm-intel) # kvm.ko and irqbypass.ko come in as dependencies
		guest_modules=(pvpanic-mmio virtio_mmio virtio_blk)
		extra_applets=()
		;;
	arm64 | aarch64)
		deb_arch=arm64
		asset_arch=aarch64
		pkg_arch=:arm64
		kernel_meta=linux-image-cloud-arm64:arm64
		kernel_image=Image # bookworm's arm64 vmlinuz is the raw Image, not gzip
		kvm_modules=()     # CONFIG_KVM=y: L1 needs no module
		guest_modules=(virtio_mmio virtio_blk)
		extra_applets=(devmem) # the debug device is MMIO on arm64 (guest-init.sh)
		;;
	*) die "unknown --arch '$1' (supported: amd64, arm64)" ;;
	esac
	out=$assets/$asset_arch
}

# apt needs the foreign architecture and its package lists before it can see :arm64 packages.
enable_foreign_arch() {
	[ "$deb_arch" != "$(dpkg --print-architecture)" ] || return 0
	dpkg --print-foreign-architectures | grep -qx "$deb_arch" && return 0
	log "adding the $deb_arch architecture to dpkg (apt-get update follows)"
	dpkg --add-architecture "$deb_arch" || die "dpkg --add-architecture $deb_arch failed"
	apt-get update -q >/dev/null || die "apt-get update failed"
}

# apt-get refuses to download as _apt into a root-owned directory and falls back with a
# warning; say up front that root may write there.
apt_opts=()
[ "$(id -u)" -ne 0 ] || apt_opts=(-o APT::Sandbox::User=root)

# The linux-image-<abi>-cloud-<arch> package the meta package currently points at.
resolve_kernel_package() {
	local pkg
	# A fresh machine may have no package lists yet.
	apt-cache show "$kernel_meta" >/dev/null 2>&1 || apt-get update -q >/dev/null ||
		die "apt-get update failed"
	pkg=$(apt-cache depends "$kernel_meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1)
	[ -n "$pkg" ] || die "cannot resolve $kernel_meta through apt-cache depends (run apt-get update?)"
	echo "${pkg%%:*}"
}

# Prints "<package> <version> <deb file name> <sha256>" for the candidate version of each
# package named. One apt call for all: without apt's package cache (Docker-style images
# disable it) every apt invocation costs about a second.
package_info() {
	local uris file hash pkg version
	uris=$(apt-get download "${apt_opts[@]}" --print-uris "$@" 2>/dev/null) ||
		die "apt-get download --print-uris $* failed (run apt-get update?)"
	# Lines look like: 'URI' <package>_<version, ':' as %3a>_<arch>.deb <size> SHA256:<hash>
	while read -r _ file _ hash; do
		pkg=${file%%_*}
		version=${file#*_}
		version=${version%_*}
		echo "$pkg ${version//%3a/:} $file ${hash#SHA256:}"
	done <<<"$uris"
}

# Sets kernel_{pkg,version,deb,sha} and busybox_{version,deb,sha} from apt.
resolve_packages() {
	local pkg version file sha
	kernel_pkg=$(resolve_kernel_package)
	kernel_sha="" busybox_sha=""
	while read -r pkg version file sha; do
		case $pkg in
		"$kernel_pkg") kernel_version=$version kernel_deb=$file kernel_sha=$sha ;;
		busybox-static) busybox_version=$version busybox_deb=$file busybox_sha=$sha ;;
		esac
	done < <(package_info "$kernel_pkg$pkg_arch" "busybox-static$pkg_arch")
	if [ -z "$kernel_sha" ] || [ -z "$busybox_sha" ]; then
		die "apt-get download --print-uris did not list $kernel_pkg and busybox-static"
	fi
}

# Makes sure cache/<file> exists and has the archive's sha256; downloads it otherwise.
fetch_deb() {
	local pkg=$1 version=$2 file=$3 sha=$4
	if [ -f "$cache/$file" ] && echo "$sha  $cache/$file" | sha256sum --status -c; then
		return
	fi
	log "downloading $pkg $version"
	mkdir -p "$cache"
	rm -f "$cache/$file"
	(cd "$cache" && apt-get download -q "${apt_opts[@]}" "$pkg$pkg_arch=$version" >/dev/null) ||
		die "apt-get download $pkg$pkg_arch=$version failed"
	echo "$sha  $cache/$file" | sha256sum --status -c || die "$file: sha256 mismatch after download"
}

recipe_hash() {
	cat "${recipe_files[@]}" | sha256sum | cut -d' ' -f1
}

# True when the MANIFEST was written by this recipe for this arch and every file it lists
# still has its recorded hash.
manifest_valid() {
	local manifest=$out/MANIFEST
	[ -f "$manifest" ] &&
		grep -qx "arch: $deb_arch" "$manifest" &&
		grep -qx "recipe: $(recipe_hash)" "$manifest" &&
		(cd "$out" && sed -n 's/^sha256: //p' MANIFEST | sha256sum --status -c 2>/dev/null)
}

package_lines() {
	echo "package: $kernel_pkg $kernel_version"
	echo "package: busybox-static $busybox_version"
}

manifest_has_current_packages() {
	[ "$(grep '^package: ' "$out/MANIFEST")" = "$(package_lines)" ]
}

# Writes <dir>/<name>.ko for a module that may ship compressed (.ko.xz/.zst/.gz).
copy_module() {
	local src=$1 dst=$2
	case $src in
	*.ko) cp "$src" "$dst" ;;
	*.ko.xz) xz -dc "$src" >"$dst" ;;
	*.ko.zst) zstd -qdc "$src" >"$dst" ;;
	*.ko.gz) gzip -dc "$src" >"$dst" ;;
	esac
}

# Prints the path of module $1 (a file name or a depends= name, - and _ interchangeable).
find_module() {
	local name=$1 tree=$2 cand path
	for cand in "$name" "${name//_/-}" "${name//-/_}"; do
		path=$(find "$tree" \( -name "$cand.ko" -o -name "$cand.ko.*" \) -print -quit)
		[ -z "$path" ] || {
			echo "$path"
			return
		}
	done
	die "module $name not found in $kernel_pkg"
}

declare -A module_deps # <name>.ko -> its depends= names, for modules already installed

# Installs module $1 and, first, what it depends on; appends the insmod order to file $3.
install_module() {
	local name=$1 tree=$2 order=$3 src file dep
	src=$(find_module "$name" "$tree")
	file=$(basename "$src")
	file=${file%%.ko*}.ko
	grep -qx "$file" "$order" && return
	if [ -z "${module_deps[$file]+set}" ]; then
		copy_module "$src" "$stage/modules/$file"
		module_deps[$file]=$(python3 "$boot_dir/kimage.py" module-depends "$stage/modules/$file")
	fi
	for dep in ${module_deps[$file]}; do
		install_module "$dep" "$tree" "$order"
	done
	echo "$file" >>"$order"
}

build_kernel_assets() {
	local deb=$cache/$1 tmp=$stage/.kernel top_mod
	mkdir -p "$tmp" "$stage/modules"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*' './lib/modules/*'
	# shellcheck disable=SC2012 # one file, a plain name from a Debian package
	cp "$(ls "$tmp"/boot/vmlinuz-* | head -n 1)" "$stage/$kernel_image"
	if [ "$kernel_image" = bzImage ]; then
		python3 "$boot_dir/kimage.py" extract-vmlinux "$stage/$kernel_image" "$stage/vmlinux" >&2
	fi
	# One <module>.order file per vendor module: the insmod order, dependencies first.
	# (kimage.py module-depends also rejects anything that is not an ELF64 module.)
	for top_mod in "${kvm_modules[@]}"; do
		: >"$stage/modules/$top_mod.order"
		install_module "$top_mod" "$tmp/lib/modules" "$stage/modules/$top_mod.order"
	done
	: >"$stage/modules/guest.order"
	for top_mod in "${guest_modules[@]}"; do
		install_module "$top_mod" "$tmp/lib/modules" "$stage/modules/guest.order"
	done
	rm -rf "$tmp"
}

build_busybox() {
	dpkg-deb --fsys-tarfile "$cache/$1" | tar -x -O ./bin/busybox >"$stage/busybox"
	chmod 0755 "$stage/busybox"
	file -b "$stage/busybox" | grep -q 'statically linked' || die "busybox from $1 is not static"
	# arm64's /init writes the debug device with devmem; make sure this busybox has it.
	if [ "$deb_arch" = arm64 ]; then
		local applets
		applets=$(qemu-aarch64-static "$stage/busybox" --list) ||
			die "cannot run the arm64 busybox under qemu-aarch64-static (scripts/setup.sh)"
		grep -qx devmem <<<"$applets" || die "busybox from $1 has no devmem applet"
	fi
}

# The guest's port-I/O tool (Debian's kernel has no /dev/port): freestanding, no libc.
build_portio() {
	gcc -static -nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie -O2 \
		-o "$stage/portio" "$here/guest/portio.c" || die "cannot build tests/guest/portio.c"
}

build_guest_initrd() {
	local applet module
	[ "$deb_arch" != amd64 ] || build_portio
	{
		printf 'dir /%s 0755\n' proc sys dev tmp
		echo "nod /dev/console 0600 c 5 1"
		echo "file /bin/busybox $stage/busybox 0755"
		for applet in "${guest_applets[@]}" "${extra_applets[@]}"; do
			echo "slink /bin/$applet busybox 0777"
		done
		[ "$deb_arch" != amd64 ] || echo "file /bin/portio $stage/portio 0755"
		echo "dir /lib 0755"
		echo "dir /lib/modules 0755"
		echo "file /lib/modules/guest.order $stage/modules/guest.order 0644"
		while read -r module; do
			echo "file /lib/modules/$module $stage/modules/$module 0644"
		done <"$stage/modules/guest.order"
		echo "file /init $boot_dir/guest-init.sh 0755"
	} | python3 "$boot_dir/mkcpio.py" | gzip -9n >"$stage/initrd.cpio.gz"
}

write_manifest() {
	{
		echo "arch: $deb_arch"
		package_lines
		echo "recipe: $(recipe_hash)"
		(cd "$stage" && find . -type f ! -name MANIFEST | sed 's|^\./||' | LC_ALL=C sort |
			xargs sha256sum | sed 's/^/sha256: /')
	} >"$stage/MANIFEST"
}

summary() {
	local size packages
	size=$(du -sh "$out" | cut -f1)
	packages=$(sed -n 's/^package: //p' "$out/MANIFEST" | paste -sd, | sed 's/,/, /g')
	echo "fetch-assets: $1 $out ($size): $packages"
}

main() {
	local arch=amd64 force=0 update=0
	while [ $# -gt 0 ]; do
		case $1 in
		--arch)
			[ $# -ge 2 ] || usage 2
			arch=$2
			shift
			;;
		--update) update=1 ;;
		--force) force=1 ;;
		-h | --help) usage 0 ;;
		*) usage 2 ;;
		esac
		shift
	done
	arch_setup "$arch"
	enable_foreign_arch
	# One run at a time: a second one waits, then usually finds everything up to date.
	mkdir -p "$assets"
	exec 9>"$assets/.lock"
	flock 9

	# The warm path: no apt call at all.
	if [ "$force" -eq 0 ] && [ "$update" -eq 0 ] && manifest_valid; then
		summary "up to date:"
		return
	fi
	resolve_packages
	if [ "$force" -eq 0 ] && manifest_valid && manifest_has_current_packages; then
		summary "up to date:"
		return
	fi

	fetch_deb "$kernel_pkg" "$kernel_version" "$kernel_deb" "$kernel_sha"
	fetch_deb busybox-static "$busybox_version" "$busybox_deb" "$busybox_sha"

	# Build into a staging directory and swap it in at the end, so an interrupted run never
	# leaves a half-written set behind a valid MANIFEST.
	stage=$assets/.$asset_arch.new
	rm -rf "$stage"
	trap 'rm -rf "$stage"' EXIT
	mkdir -p "$stage"
	build_kernel_assets "$kernel_deb"
	build_busybox "$busybox_deb"
	build_guest_initrd
	write_manifest
	rm -rf "$out"
	mv "$stage" "$out"
	trap - EXIT
	summary "built"
}

main "$@"
