#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Runs boot scenarios with real KVM: boots one L1 Debian kernel under QEMU's software
# emulation (-accel tcg -cpu max, which emulates AMD SVM), loads kvm.ko + kvm-amd.ko there,
# runs every scenario of the file one after another inside that L1, then prints a
# PASS/FAIL table. See README.md for the scenario format.
#
# Usage: tests/boot/run.sh --binary FILE --scenarios FILE [options]
#   --binary FILE         static test binary, installed in L1 as /bin/minivmm
#   --scenarios FILE      scenario file
#   --assets DIR          guest assets (default assets/x86_64, from tests/fetch-assets.sh)
#   --l1-initramfs FILE   boot this prebuilt L1 initramfs (made by build-l1.sh from the same
#                         scenario file) instead of building one
#   --compress METHOD     L1 initramfs compression: none (default), gzip, lz4, zstd
#   --add HOST:L1         extra file for L1 (see build-l1.sh)
#   --workdir DIR         output directory (default assets/boot-run): l1.cpio, console.log,
#                         results.tsv (name, result, exit, ms, detail)
#   --timeout SECS        whole-run limit (default 300 + each scenario's timeout + 10)
#   --verbose             stream the whole L1 console, not only progress lines
# Exit status: 0 every scenario passed; 1 a scenario failed, timed out or did not run, or
# L1 failed; 2 bad usage.
set -euo pipefail

prog=boot-run
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

# L1's kernel command line stays quiet: a chatty console slows TCG and was seen to provoke
# lost interrupts in nested guests (TEST-ENVIRONMENT.md §2, pitfall 7).
l1_append="console=ttyS0 panic=-1 quiet"

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;/^# shellcheck/d;s/^# \{0,1\}//;p}' "$0"
	exit "${1:-0}"
}

# Boots L1 and feeds its console to the monitor; the last line tells the monitor how QEMU
# ended (124 = killed by the whole-run timeout).
boot_l1() {
	local rc=0
	log "booting L1 (timeout ${budget}s): console in $workdir/console.log"
	timeout --foreground -k 10 "$budget" \
		qemu-system-x86_64 -accel tcg -cpu max -m 2048 -smp 1 -nographic -no-reboot \
		-kernel "$assets/bzImage" -initrd "$l1" -append "$l1_append" </dev/null 2>&1 || rc=$?
	echo "@@MINIVMM-HOST-QEMU-EXIT rc=$rc@@"
}

main() {
	local binary="" scenarios="" l1="" compress=none workdir="" budget="" verbose=()
	local assets=$top/assets/x86_64 add=()
	while [ $# -gt 0 ]; do
		case $1 in
		--binary | --scenarios | --assets | --l1-initramfs | --compress | --add | --workdir | --timeout)
			[ $# -ge 2 ] || usage 2
			case $1 in
			--binary) binary=$2 ;;
			--scenarios) scenarios=$2 ;;
			--assets) assets=$2 ;;
			--l1-initramfs) l1=$2 ;;
			--compress) compress=$2 ;;
			--add) add+=(--add "$2") ;;
			--workdir) workdir=$2 ;;
			--timeout) budget=$2 ;;
			esac
			shift
			;;
		--verbose) verbose=(--verbose) ;;
		-h | --help) usage 0 ;;
		*) usage 2 ;;
		esac
		shift
	done
	[ -n "$scenarios" ] || usage 2
	[ -n "$binary" ] || [ -n "$l1" ] || usage 2

	require_assets "$assets"
	require_file "$scenarios" "scenario file"
	command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not installed (scripts/setup.sh)"
	workdir=${workdir:-$top/assets/boot-run}
	mkdir -p "$workdir"
	[ -n "$budget" ] || budget=$(python3 "$here/harness.py" budget "$scenarios")

	if [ -n "$l1" ]; then
		require_file "$l1" "--l1-initramfs"
		[ -z "$binary" ] || log "note: --binary is ignored, $l1 already holds /bin/minivmm"
	else
		l1=$workdir/l1.cpio
		"$here/build-l1.sh" --binary "$binary" --scenarios "$scenarios" --assets "$assets" \
			--compress "$compress" "${add[@]}" -o "$l1"
	fi

	boot_l1 | python3 "$here/harness.py" monitor "$scenarios" "$workdir/console.log" \
		"$workdir/results.tsv" "${verbose[@]}"
}

main "$@"
