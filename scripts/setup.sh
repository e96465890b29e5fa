#!/usr/bin/env bash
# Installs every Debian package minivmm needs to build, test and boot-test.
# Usage: scripts/setup.sh            (as root, or with sudo available)
# Idempotent: packages already present are left alone.
set -euo pipefail

packages=(
	# build
	gcc libc6-dev meson ninja-build pkg-config clang-format
	# libraries (headers + static archives for the static build)
	libfdt-dev liburing-dev check linux-libc-dev
	# test assets: fetched with apt-get download, unpacked with dpkg-deb,
	# kernels decompressed, initrds packed
	apt dpkg cpio gzip xz-utils lz4 zstd python3 file
	# nested real-KVM boot tests (x86_64 and arm64) and the QEMU side of the benchmarks
	qemu-system-x86 qemu-system-arm qemu-utils
	# the aarch64 cross build (cross/aarch64-linux-gnu.ini) and its unit suites
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross linux-libc-dev-arm64-cross qemu-user-static
	# gzip'd arm64 kernels (Image.gz)
	zlib1g-dev
	# device-tree and ACPI tooling used by the tests
	device-tree-compiler acpica-tools
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
	sudo_cmd=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# The arm64 packages of the cross build's sysroot and of the arm64 test assets are
# downloaded, never installed: apt needs the architecture and its package lists for that.
updated=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "setup: adding the arm64 architecture to dpkg"
	"${sudo_cmd[@]}" dpkg --add-architecture arm64
	"${sudo_cmd[@]}" apt-get update -q
	updated=1
fi

if [ "${#missing[@]}" -eq 0 ]; then
	echo "setup: all ${#packages[@]} packages already installed"
else
	echo "setup: installing ${missing[*]}"
	[ "$updated" -eq 1 ] || "${sudo_cmd[@]}" apt-get update -q
	DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
"${sudo_cmd[@]}" "$(dirname "$0")/setup-sysroot-arm64.sh"
