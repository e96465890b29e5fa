#!/usr/bin/env bash
# virtio-blk seen from a guest driver with no Linux in between (virtio_blk_guest.c), on the
# host's /dev/kvm through the whole minivmm: the status byte of every request, a writable
# disk taking a write that the host then finds in the image, and a read-only disk answering
# the same write with IOERR and keeping every byte (Linux never sends that write: its block
# layer refuses it first, so only a guest of our own can show the device's answer).
# usage: test_virtio_blk_guest.sh MINIVMM GUEST_ELF
set -uo pipefail

minivmm=$1
guest=$2
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! { exec 3<>/dev/kvm; } 2>/dev/null; then
	echo "*** virtio_blk_guest NOT RUN: /dev/kvm cannot be opened read-write" >&2
	[ "${MINIVMM_REQUIRE_KVM:-}" = 1 ] && exit 1
	exit 77
fi
exec 3>&-

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# expect FILE LINE: the guest printed exactly this line.
expect() {
	if grep -qxF -- "$2" "$1"; then
		echo "ok: $2"
	else
		fail "no line '$2' in $1:"
		sed 's/^/    /' "$1"
	fi
}

# An 8-sector image: sector 0 holds a text the guest reads back, the rest is zero.
make_image() {
	printf 'minivmm disk sector 0' >"$1"
	truncate -s 4096 "$1"
}

run() {
	local rc
	timeout 60 "$minivmm" --kernel "$guest" --timeout 30 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	cat "$tmp/out" "$tmp/err" | sed 's/^/    | /'
	[ "$rc" -eq 0 ] || fail "minivmm $*: exit $rc, want 0"
}

echo "== writable disk"
make_image "$tmp/rw.img"
run --disk "$tmp/rw.img"
out=$tmp/out
expect "$out" "virtio-blk: features RO=0 FLUSH=1 capacity 8"
expect "$out" "virtio-blk: IN sector 0 status 0 len 513"
expect "$out" 'virtio-blk: sector 0 reads "minivmm disk sector 0"'
expect "$out" "virtio-blk: GET_ID status 0 len 21"
expect "$out" "virtio-blk: OUT sector 1 status 0 len 1"
expect "$out" "virtio-blk: FLUSH status 0 len 1"
expect "$out" "virtio-blk: IN sector 1 status 0 len 513"
expect "$out" 'virtio-blk: sector 1 reads "written by the guest"'
expect "$out" "virtio-blk: IN sector 8 status 1 len 1"
expect "$out" "virtio-blk-guest: done"
if [ "$(dd if="$tmp/rw.img" bs=512 skip=1 count=1 status=none | tr -d '\0')" = "written by the guest" ]; then
	echo "ok: the host finds the guest's write in sector 1 of the image"
else
	fail "sector 1 of the image does not hold the guest's write"
fi

echo "== read-only disk"
make_image "$tmp/ro.img"
cp "$tmp/ro.img" "$tmp/ro.orig"
run --disk "$tmp/ro.img,ro"
expect "$out" "virtio-blk: features RO=1 FLUSH=1 capacity 8"
expect "$out" 'virtio-blk: sector 0 reads "minivmm disk sector 0"'
expect "$out" "virtio-blk: OUT sector 1 status 1 len 1"
expect "$out" "virtio-blk: IN sector 1 status 0 len 513"
expect "$out" 'virtio-blk: sector 1 reads ""'
expect "$out" "virtio-blk-guest: done"
if cmp -s "$tmp/ro.img" "$tmp/ro.orig"; then
	echo "ok: the read-only image is unchanged"
else
	fail "the read-only image changed"
fi

[ "$fails" -eq 0 ] || {
	echo "$fails failure(s)"
	exit 1
}
echo "all virtio_blk_guest checks passed"
