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
	# nested real-KVM boot tests and the QEMU side of the benchmarks
	qemu-system-x86 qemu-utils
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

if [ "${#missing[@]}" -eq 0 ]; then
	echo "setup: all ${#packages[@]} packages already installed"
	exit 0
fi
echo "setup: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
