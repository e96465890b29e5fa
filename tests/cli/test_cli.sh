#!/usr/bin/env bash
# minivmm's command line, end to end: --dump-layout on Debian's real kernels,
# and every kind of bad input giving one error line and a documented exit code.
# usage: test_cli.sh MINIVMM ASSETS_DIR ECHO_GUEST_ELF
set -uo pipefail

minivmm=$1
assets=$2
guest=$3
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# expect_error RC SUBSTRING ARGS...: exit code RC, exactly one stderr line
# containing SUBSTRING, nothing on stdout.
expect_error() {
	local want_rc=$1 want=$2 rc lines
	shift 2
	"$minivmm" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$rc" -ne "$want_rc" ]; then
		fail "minivmm $*: exit $rc, want $want_rc ($(cat "$tmp/err"))"
	elif [ "$lines" -ne 1 ]; then
		fail "minivmm $*: $lines stderr lines, want 1: $(cat "$tmp/err")"
	elif ! grep -qF -- "$want" "$tmp/err"; then
		fail "minivmm $*: stderr '$(cat "$tmp/err")' lacks '$want'"
	elif [ -s "$tmp/out" ]; then
		fail "minivmm $*: printed to stdout on error"
	else
		echo "ok: $want"
	fi
}

# expect_line FILE REGEX: the dump has a line matching REGEX.
expect_line() {
	if grep -qE -- "$2" "$1"; then
		echo "ok: /$2/"
	else
		fail "$1 has no line matching /$2/"
	fi
}

check_help() {
	"$minivmm" --help >"$tmp/help" || fail "--help exited non-zero"
	for code in 0 1 2 3; do
		expect_line "$tmp/help" "^  $code  "
	done
	"$minivmm" --version | grep -q '^minivmm ' || fail "--version"
}

check_bad_input() {
	local k=$assets/vmlinux
	head -c 100 "$k" >"$tmp/truncated"
	head -c 4096 /dev/urandom >"$tmp/random"
	printf 'MZ' >"$tmp/tiny"
	expect_error 1 "--kernel is required"
	expect_error 1 "unknown option" --kernel "$k" --bogus
	expect_error 1 "kernel: $tmp/missing: cannot open: No such file or directory" \
		--dump-layout --kernel "$tmp/missing"
	expect_error 1 "kernel: $tmp: not a regular file" --dump-layout --kernel "$tmp"
	expect_error 1 "$tmp/truncated: program header table at e_phoff 0x40" \
		--dump-layout --kernel "$tmp/truncated"
	expect_error 1 "$tmp/random: unknown kernel format (4096 bytes" \
		--dump-layout --kernel "$tmp/random"
	expect_error 1 "$tmp/tiny: unknown kernel format (2 bytes, first bytes 4d 5a 00 00)" \
		--dump-layout --kernel "$tmp/tiny"
	expect_error 1 "initrd: $tmp/missing: cannot open" \
		--dump-layout --kernel "$k" --initrd "$tmp/missing"
	expect_error 1 "raise --mem" --dump-layout --kernel "$k" --initrd "$k" --mem 64M
	expect_error 1 "command line is 3000 bytes, the limit is 2047" \
		--dump-layout --kernel "$k" --cmdline "$(head -c 3000 /dev/zero | tr '\0' a)"
	expect_error 1 "--mem: memory size 1 MiB is outside 2 MiB .. 1024 GiB" \
		--dump-layout --kernel "$k" --mem 1M
	expect_error 1 "not a multiple of 2 MiB" --dump-layout --kernel "$k" --mem 513M
	expect_error 1 "--mem: '12Q': unknown size suffix" --dump-layout --kernel "$k" --mem 12Q
	expect_error 1 "kernel does not fit in guest RAM (32 MiB)" \
		--dump-layout --kernel "$k" --mem 32M
	expect_error 1 "beyond guest RAM (16 MiB)" --dump-layout --kernel "$assets/bzImage" --mem 16M
	expect_error 1 "--boot fast: expected 64bit or pvh" --kernel "$k" --boot fast
	expect_error 1 "a bzImage has no PVH entry" \
		--dump-layout --kernel "$assets/bzImage" --boot pvh
}

# KVM that is missing, not KVM, or not ours: exit 3 and one line naming the device.
check_kvm_errors() {
	MINIVMM_KVM_DEVICE=$tmp/nokvm expect_error 3 \
		"$tmp/nokvm: no such device: KVM is not available" --kernel "$guest"
	MINIVMM_KVM_DEVICE=/dev/null expect_error 3 \
		"/dev/null: not a KVM device (KVM_GET_API_VERSION: Inappropriate ioctl for device)" \
		--kernel "$guest"
	if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && [ -e /dev/kvm ] &&
		! setpriv --reuid=65534 --regid=65534 --clear-groups test -r /dev/kvm; then
		cp "$minivmm" "$guest" "$tmp/" && chmod 755 "$tmp" "$tmp/$(basename "$minivmm")"
		chmod 644 "$tmp/$(basename "$guest")"
		minivmm="setpriv --reuid=65534 --regid=65534 --clear-groups $tmp/$(basename "$minivmm")" \
			expect_error_as_nobody
	else
		echo "NOTE: the /dev/kvm permission check needs root, setpriv and a /dev/kvm that"
		echo "      user nobody cannot open; not checked here"
	fi
	MINIVMM_KVM_DEVICE=$tmp/nokvm expect_error 1 "--mem: memory size 3145728 bytes is not" \
		--kernel "$guest" --mem 3M
}

expect_error_as_nobody() {
	local rc
	$minivmm --kernel "$tmp/$(basename "$guest")" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 3 ] && grep -qF "/dev/kvm: permission denied: add your user to the 'kvm' group" "$tmp/err"; then
		echo "ok: /dev/kvm permission denied"
	else
		fail "as nobody: exit $rc, $(cat "$tmp/err")"
	fi
}

# dump KERNEL [ARGS...]: run --dump-layout into $tmp/dump, which must succeed.
dump() {
	local kernel=$1
	shift
	if ! "$minivmm" --dump-layout --kernel "$kernel" --initrd "$assets/initrd.cpio.gz" "$@" \
		>"$tmp/dump" 2>"$tmp/err"; then
		fail "--dump-layout --kernel $kernel $*: $(cat "$tmp/err")"
	fi
}

check_common_layout() {
	local initrd_size
	initrd_size=$(stat -c %s "$assets/initrd.cpio.gz")
	expect_line "$tmp/dump" "^  0x0000000000001000 0x0000000000002000 +1 exclusive .* x86-gdt$"
	expect_line "$tmp/dump" "^  0x0000000000003000 0x0000000000004000 +1 exclusive .* linux-cmdline$"
	expect_line "$tmp/dump" "^initrd:  .* \($initrd_size bytes\) at \[0x[0-9a-f]+, 0x20000000\)|^initrd:  .* \($initrd_size bytes\) at \[0x[0-9a-f]+, 0x1ffff[0-9a-f]{3}\)"
	expect_line "$tmp/dump" " linux-initrd$"
	expect_line "$tmp/dump" "^  \[0x0000000000100000, 0x0000000020000000\) RAM$"
}

check_vmlinux_dumps() {
	local entry
	entry=$(readelf -h "$assets/vmlinux" | awk '/Entry point/ { print $4 }')
	dump "$assets/vmlinux"
	check_common_layout
	expect_line "$tmp/dump" "^  0x0000000000002000 0x0000000000003000 +1 exclusive .* linux-zeropage$"
	expect_line "$tmp/dump" "^  0x0000000000004000 0x000000000000a000 +6 exclusive .* x86-pagetables$"
	expect_line "$tmp/dump" "^  0x0000000001000000 0x[0-9a-f]+ +[0-9]+ exclusive .* linux-kernel$"
	expect_line "$tmp/dump" "^  RIP +$entry$"
	expect_line "$tmp/dump" "^  RSI +0x2000$"
	expect_line "$tmp/dump" "^  CR3 +0x4000$"
	expect_line "$tmp/dump" "^  CS +selector=0x8 base=0x0 limit=0xffffffff attributes=0xa09b$"
	dump "$assets/vmlinux" --boot pvh
	expect_line "$tmp/dump" "^kernel: .*pvh entry at 0x[0-9a-f]+, PVH note present$"
	expect_line "$tmp/dump" " pvh-start-info$"
	expect_line "$tmp/dump" "^  RBX +0x2000$"
	expect_line "$tmp/dump" "^  CR0 +0x11$"
}

check_paravisor_dumps() {
	local tag
	if ! "$minivmm" --dump-layout --paravisor --kernel "$assets/vmlinux" \
		--initrd "$assets/initrd.cpio.gz" >"$tmp/dump" 2>"$tmp/err"; then
		fail "--dump-layout --paravisor: $(cat "$tmp/err")"
	fi
	expect_line "$tmp/dump" "^  VTL2 range \[0x8000000, 0x18000000\), relocatable$"
	for tag in underhill-kernel underhill-boot-shim underhill-initrd underhill-gdt \
		underhill-shim-params underhill-command-line "underhill-slit \(parameter area\)" \
		"underhill-device-tree \(parameter area\)" loader-imported-regions \
		underhill-vtl2-measured-config ohcl-boot-shim-log-buffer ohcl-boot-shim-heap \
		underhill-page-tables underhill-measured-config acpi-madt; do
		expect_line "$tmp/dump" " $tag$"
	done
	expect_line "$tmp/dump" "^  0x0000000008200000 0x[0-9a-f]+ +[0-9]+ exclusive .* underhill-kernel$"
	expect_line "$tmp/dump" "^  CR0 +0x80000021$"
	expect_line "$tmp/dump" "^  CS +selector=0x10 base=0x0 limit=0xffffffff attributes=0xa09b$"
	if ! "$minivmm" --dump-layout --paravisor --relocate auto --mem 1G \
		--kernel "$assets/vmlinux" >"$tmp/dump" 2>"$tmp/err"; then
		fail "--dump-layout --paravisor --relocate auto: $(cat "$tmp/err")"
	fi
	expect_line "$tmp/dump" "^  relocated from 0x8000000 by \+0x28000000 \(--relocate\)$"
	expect_line "$tmp/dump" "^  0x0000000030200000 0x[0-9a-f]+ +[0-9]+ exclusive .* underhill-kernel$"
	expect_error 1 "--relocate 0x8100000: the region" \
		--dump-layout --paravisor --relocate 0x8100000 --kernel "$assets/vmlinux"
	expect_error 1 "needs 0x" --dump-layout --paravisor --vtl2-mem 32M --kernel "$assets/vmlinux"
	expect_error 1 "--shim needs --paravisor" --dump-layout --shim x --kernel "$assets/vmlinux"
	expect_error 1 "paravisor command line is 5000 bytes" --dump-layout --paravisor \
		--kernel "$assets/vmlinux" --cmdline "$(head -c 5000 /dev/zero | tr '\0' a)"
}

check_bzimage_dump() {
	dump "$assets/bzImage"
	check_common_layout
	expect_line "$tmp/dump" "^kernel: .*\(bzImage, [0-9]+ bytes\), 64bit entry at 0x100200$"
	expect_line "$tmp/dump" "^  0x0000000000100000 0x[0-9a-f]+ +[0-9]+ exclusive .* linux-kernel$"
	expect_line "$tmp/dump" "^  RIP +0x100200$"
}

# --disk: every unusable image or value is one line and exit 1, before KVM is touched
# (MINIVMM_KVM_DEVICE points at nothing: reaching KVM would be exit 3).
check_disk_errors() {
	local k=$assets/vmlinux many=() _
	mkdir -p "$tmp/disks"
	truncate -s 1000 "$tmp/disks/odd.img"
	: >"$tmp/disks/empty.img"
	truncate -s 1M "$tmp/disks/good.img"
	for _ in 1 2 3 4 5 6 7 8 9; do many+=(--disk "$tmp/disks/good.img,ro"); done # 9 > 8
	export MINIVMM_KVM_DEVICE=$tmp/nokvm
	expect_error 1 "disk $tmp/disks/missing.img: cannot open: No such file or directory" \
		--kernel "$k" --disk "$tmp/disks/missing.img"
	expect_error 1 "disk $tmp/disks/odd.img: size 1000 bytes is not a multiple of 512" \
		--kernel "$k" --disk "$tmp/disks/odd.img"
	expect_error 1 "disk $tmp/disks/empty.img: the image is empty (0 bytes)" \
		--kernel "$k" --disk "$tmp/disks/empty.img"
	expect_error 1 "disk $tmp/disks: not a regular file or block device" \
		--kernel "$k" --disk "$tmp/disks,ro"
	expect_error 1 "disk $tmp/disks/good.img: in use: another disk or process has it open" \
		--kernel "$k" --disk "$tmp/disks/good.img" --disk "$tmp/disks/good.img"
	expect_error 1 "--disk x.img,rw: unknown option 'rw' (expected ro, cache=none or" \
		--kernel "$k" --disk x.img,rw
	expect_error 1 "at most 8 disks" --kernel "$k" "${many[@]}"
	expect_error 1 "--disk: the paravisor layout has no virtio devices" \
		--paravisor --kernel "$k" --disk "$tmp/disks/good.img"
	unset MINIVMM_KVM_DEVICE
}

for f in vmlinux bzImage initrd.cpio.gz; do
	if [ ! -r "$assets/$f" ]; then
		echo "*** CLI tests NOT RUN: $assets/$f is missing; run tests/fetch-assets.sh" >&2
		[ "${MINIVMM_REQUIRE_ASSETS:-0}" = 1 ] && exit 1
		exit 77
	fi
done
check_help
check_bad_input
check_kvm_errors
check_disk_errors
check_vmlinux_dumps
check_bzimage_dump
check_paravisor_dumps
if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all CLI checks passed"
