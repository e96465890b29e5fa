#!/usr/bin/env bash
# Unpacks Debian's arm64 library packages minivmm links against (libfdt, liburing, zlib,
# Check and its libsubunit) into a private sysroot for the aarch64 cross build
# (cross/aarch64-linux-gnu.ini). Installing their :arm64 -dev packages instead would remove
# the amd64 ones (TEST-ENVIRONMENT.md §5), so they are downloaded and unpacked.
# Usage: scripts/setup-sysroot-arm64.sh [SYSROOT]   (default /opt/minivmm-sysroot/aarch64)
# Idempotent: the sysroot records the package versions it holds and is rebuilt only when
# they change. Needs the arm64 architecture in dpkg (scripts/setup.sh adds it).
set -euo pipefail

sysroot=${1:-/opt/minivmm-sysroot/aarch64}
packages=(libfdt-dev libfdt1 liburing-dev liburing2 zlib1g-dev zlib1g check libsubunit-dev
	libsubunit0)

apt_opts=()
[ "$(id -u)" -ne 0 ] || apt_opts=(-o APT::Sandbox::User=root)

versions=$(for p in "${packages[@]}"; do
	printf '%s %s\n' "$p" "$(apt-cache policy "$p:arm64" 2>/dev/null | sed -n 's/^  Candidate: //p')"
done)
if grep -q ' $' <<<"$versions"; then
	echo "setup-sysroot: no arm64 candidate for: $(grep ' $' <<<"$versions" | tr '\n' ' ')" \
		"(dpkg --add-architecture arm64 && apt-get update)" >&2
	exit 1
fi
if [ -f "$sysroot/.packages" ] && [ "$(cat "$sysroot/.packages")" = "$versions" ]; then
	echo "setup-sysroot: $sysroot is up to date"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -q "${apt_opts[@]}" "${packages[@]/%/:arm64}" >/dev/null)
rm -rf "$sysroot.new"
mkdir -p "$sysroot.new"
for deb in "$tmp"/*.deb; do
	dpkg-deb -x "$deb" "$sysroot.new"
done
echo "$versions" >"$sysroot.new/.packages"
rm -rf "$sysroot"
mv "$sysroot.new" "$sysroot"
echo "setup-sysroot: unpacked ${#packages[@]} arm64 packages into $sysroot"
