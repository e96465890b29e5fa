#!/usr/bin/env bash
# minivmm's command line for arm64 guests, on whatever host runs it: --dump-layout and
# --dump-dtb on Debian's arm64 cloud Image (tests/fetch-assets.sh --arch arm64), the same
# Image gzip'd, and bad arm64 input giving one error line and exit code 1.
# usage: test_cli_arm64.sh MINIVMM ARM64_ASSETS_DIR
set -uo pipefail

minivmm=$1
assets=$2
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# expect_error RC SUBSTRING ARGS...: exit code RC, one stderr line containing SUBSTRING.
expect_error() {
	local want_rc=$1 want=$2 rc
	shift 2
	"$minivmm" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		fail "minivmm $*: exit $rc, want $want_rc ($(cat "$tmp/err"))"
	elif [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -qF -- "$want" "$tmp/err"; then
		fail "minivmm $*: stderr '$(cat "$tmp/err")' is not one line with '$want'"
	else
		echo "ok: $want"
	fi
}

expect_line() {
	if grep -qE -- "$2" "$1"; then
		echo "ok: /$2/"
	else
		fail "$1 has no line matching /$2/"
	fi
}

# The layout of LOADER-SPEC §4.5: initrd at DRAM + 16 MiB, the kernel at the next 2 MiB
# boundary, the DTB after the kernel, X0 = the DTB.
check_dump_layout() {
	"$minivmm" --dump-layout --kernel "$assets/Image" --initrd "$assets/initrd.cpio.gz" \
		--cpus 2 >"$tmp/dump" 2>"$tmp/err" || fail "--dump-layout: $(cat "$tmp/err")"
	expect_line "$tmp/dump" "^kernel: .*\(arm64 Image, [0-9]+ bytes\), entry at 0x41[2-9a-f]00000$"
	expect_line "$tmp/dump" "^         text_offset 0x0, image_size 0x[0-9a-f]+, flags 0xa; "
	expect_line "$tmp/dump" "^initrd: .* at \[0x41000000, "
	expect_line "$tmp/dump" "^dtb: .*GICv3, 2 vCPU\(s\), X0 = 0x"
	expect_line "$tmp/dump" "^  0x0000000041000000 0x[0-9a-f]+ +[0-9]+ exclusive .* linux-initrd$"
	expect_line "$tmp/dump" "^  0x00000000412?[0-9a-f]00000 0x[0-9a-f]+ .* linux-kernel$"
	expect_line "$tmp/dump" " linux-device-tree$"
	expect_line "$tmp/dump" "^  CPSR +0x3c5$"
	expect_line "$tmp/dump" "^  SCTLR_EL1 +0x30d01804$"
	expect_line "$tmp/dump" "^  TCR_EL1 +0x580803591$"
	local pc x0 dtb_start
	pc=$(sed -n 's/^  PC  *//p' "$tmp/dump")
	x0=$(sed -n 's/^  X0  *//p' "$tmp/dump")
	dtb_start=$(sed -n 's/^  \(0x[0-9a-f]*\) .* linux-device-tree$/\1/p' "$tmp/dump")
	if [ "$((x0))" -eq "$((dtb_start))" ]; then
		echo "ok: X0 $x0 = the DTB"
	else
		fail "X0 $x0 is not the DTB's address $dtb_start"
	fi
	if grep -q "entry at $pc\$" "$tmp/dump"; then
		echo "ok: PC $pc = the entry"
	else
		fail "PC $pc is not the entry"
	fi
}

# Image.gz: inflated by minivmm, placed exactly as the Image.
check_gzip() {
	gzip -1c "$assets/Image" >"$tmp/Image.gz"
	"$minivmm" --dump-layout --kernel "$tmp/Image.gz" --initrd "$assets/initrd.cpio.gz" \
		--cpus 2 >"$tmp/dump-gz" 2>"$tmp/err" || fail "--dump-layout Image.gz: $(cat "$tmp/err")"
	expect_line "$tmp/dump-gz" "^kernel: .*\(arm64 Image, gzip, [0-9]+ bytes\)"
	expect_line "$tmp/dump-gz" "^         decompressed to $(stat -c %s "$assets/Image") bytes$"
	if diff <(sed -n '/^imported ranges/,$p' "$tmp/dump") \
		<(sed -n '/^imported ranges/,$p' "$tmp/dump-gz") >/dev/null; then
		echo "ok: Image.gz imports exactly what the Image imports"
	else
		fail "Image.gz imports differ from the Image's"
	fi
	head -c 100000 "$tmp/Image.gz" >"$tmp/cut.gz"
	expect_error 1 "$tmp/cut.gz: gzip data ends early: 100000 of 100000 bytes read" \
		--dump-layout --kernel "$tmp/cut.gz"
}

# The DTB names the initrd where --dump-layout put it.
check_dump_dtb() {
	"$minivmm" --dump-dtb "$tmp/guest.dtb" --kernel "$assets/Image" \
		--initrd "$assets/initrd.cpio.gz" --cmdline "console=ttyS0 quiet" ||
		fail "--dump-dtb failed"
	if ! command -v dtc >/dev/null; then
		echo "*** dtc missing (device-tree-compiler): --dump-dtb contents not checked" >&2
		[ "${MINIVMM_REQUIRE_ASSETS:-0}" = 1 ] && fail "dtc missing"
		return
	fi
	dtc -I dtb -O dts "$tmp/guest.dtb" >"$tmp/guest.dts" 2>"$tmp/dtc.err" ||
		fail "dtc cannot read the DTB"
	[ -s "$tmp/dtc.err" ] && fail "dtc warns: $(cat "$tmp/dtc.err")"
	expect_line "$tmp/guest.dts" 'bootargs = "console=ttyS0 quiet";'
	expect_line "$tmp/guest.dts" 'linux,initrd-start = <0x00 0x41000000>;'
	expect_line "$tmp/guest.dts" 'compatible = "arm,gic-v3";'
	expect_line "$tmp/guest.dts" 'compatible = "ns16550a";'
}

# The paravisor's arm64 OpenHCL layout, recorded (the assets' arm64 busybox stands in for
# the boot shim: any arm64 ELF will do for the layout).
check_paravisor_dump() {
	"$minivmm" --paravisor --dump-layout --mem 1G --kernel "$assets/Image" \
		--initrd "$assets/initrd.cpio.gz" --shim "$assets/busybox" >"$tmp/pv" 2>"$tmp/err" ||
		fail "--paravisor --dump-layout: $(cat "$tmp/err")"
	expect_line "$tmp/pv" "^paravisor \(arm64, OpenVMM memory map: RAM from 0, recorded only\):$"
	expect_line "$tmp/pv" "^  VTL2 range \[0x8000000, 0x18000000\), relocatable$"
	expect_line "$tmp/pv" "^  0x0000000001000000 0x0000000001001000 +1 .* underhill-measured-config$"
	expect_line "$tmp/pv" " underhill-page-tables$"
	expect_line "$tmp/pv" "^  TTBR0_EL1 +0x"
	expect_error 1 "the arm64 paravisor layout needs --shim PATH" \
		--paravisor --dump-layout --kernel "$assets/Image"
}

check_bad_input() {
	expect_error 1 "arm64 guest RAM must be a multiple of 2 MiB" \
		--dump-layout --kernel "$assets/Image" --mem 3M
	expect_error 1 "command line is 2048 bytes, the limit is 2047" --dump-layout \
		--kernel "$assets/Image" --cmdline "$(head -c 2048 /dev/zero | tr '\0' a)"
	# x86_64 guests are described by ACPI (the x86 assets, when fetched)
	if [ -r "${MINIVMM_ASSETS:-}/vmlinux" ]; then
		expect_error 1 "this guest has no device tree (x86_64: see --dump-acpi)" \
			--dump-dtb "$tmp/x.dtb" --kernel "$MINIVMM_ASSETS/vmlinux"
	fi
	expect_error 1 "--dump-dtb: cannot write $tmp/no/such/dir.dtb" \
		--dump-dtb "$tmp/no/such/dir.dtb" --kernel "$assets/Image"
	if [ "$(uname -m)" != aarch64 ]; then
		expect_error 1 "a aarch64 guest needs a aarch64 host (--dump-layout works on any host)" \
			--kernel "$assets/Image"
	fi
}

for f in Image initrd.cpio.gz; do
	if [ ! -r "$assets/$f" ]; then
		echo "*** arm64 CLI tests NOT RUN: $assets/$f is missing;" \
			"run tests/fetch-assets.sh --arch arm64" >&2
		[ "${MINIVMM_REQUIRE_ASSETS:-0}" = 1 ] && exit 1
		exit 77
	fi
done
check_dump_layout
check_gzip
check_dump_dtb
check_paravisor_dump
check_bad_input
if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all arm64 CLI checks passed"
