#!/usr/bin/env bash
# The test command: builds minivmm four times with warnings as errors and runs every suite:
#   build          plain                 unit, kvm
#   build-asan     ASan + UBSan          unit, kvm
#   build-static   static                boot (nested real KVM: the L1 host has no libc)
#   build-aarch64  static, cross-built   unit (under qemu-aarch64-static), boot (nested
#                  for aarch64           arm64 KVM under qemu-system-aarch64)
# It first installs what is missing (scripts/setup.sh) and fetches the guest assets
# (tests/fetch-assets.sh, amd64 and arm64); both are idempotent, so on a fresh Debian machine
# this one command does everything. --no-boot skips the nested boot suites.
# usage: scripts/test.sh [--no-boot]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
tests/fetch-assets.sh
tests/fetch-assets.sh --arch arm64

configure() {
	local dir=$1
	shift
	if [ -d "$dir" ]; then
		meson setup --reconfigure "$dir" -Dwerror=true "$@" >/dev/null
	else
		meson setup "$dir" -Dwerror=true "$@" >/dev/null
	fi
	ninja -C "$dir"
}

boot=1
[ "${1:-}" = --no-boot ] && boot=0

configure build
configure build-asan -Db_sanitize=address,undefined -Db_lundef=false
[ "$boot" -eq 0 ] || configure build-static -Dstatic=true -Dtests=true
# The cross file's toolchain and sysroot come from scripts/setup.sh.
configure build-aarch64 --cross-file cross/aarch64-linux-gnu.ini -Dstatic=true -Dtests=true

echo "== tests: plain build"
meson test -C build --print-errorlogs
echo "== tests: ASan+UBSan build"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs
echo "== tests: aarch64 cross build, unit suites under qemu-aarch64-static"
# QEMU's user mode has neither KVM nor io_uring (ENOSYS): the suites that need them skip there
# by name (77), so CI's "required" switches are off for this one run.
env -u MINIVMM_REQUIRE_KVM -u MINIVMM_REQUIRE_IO_URING \
	meson test -C build-aarch64 --suite unit --print-errorlogs
if [ "$boot" -eq 1 ]; then
	echo "== tests: boot scenarios in nested real KVM (static build)"
	meson test -C build-static --suite boot --print-errorlogs
	echo "== tests: arm64 boot scenarios in nested real arm64 KVM (aarch64 build)"
	meson test -C build-aarch64 --suite boot --print-errorlogs
fi
