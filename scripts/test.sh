#!/usr/bin/env bash
# The test command: builds minivmm twice (plain, and with ASan+UBSan) with
# warnings as errors, and runs every test suite on both builds.
# usage: scripts/test.sh [meson test args, e.g. --suite unit]
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

configure build
configure build-asan -Db_sanitize=address,undefined -Db_lundef=false

echo "== tests: plain build"
meson test -C build --print-errorlogs "$@"
echo "== tests: ASan+UBSan build"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs "$@"
