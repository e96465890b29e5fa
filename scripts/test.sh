#!/usr/bin/env bash
# The test command: builds minivmm three times with warnings as errors and runs every suite:
#   build        plain          unit, kvm
#   build-asan   ASan + UBSan   unit, kvm
#   build-static static         boot (nested real KVM: the L1 host has no libc)
# usage: scripts/test.sh [--no-boot]
set -euo pipefail
cd "$(dirname "$0")/.."

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

echo "== tests: plain build"
meson test -C build --print-errorlogs
echo "== tests: ASan+UBSan build"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs
if [ "$boot" -eq 1 ]; then
	echo "== tests: boot scenarios in nested real KVM (static build)"
	meson test -C build-static --suite boot --print-errorlogs
fi
