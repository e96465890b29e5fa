#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Runs boot scenarios with real KVM and prints a PASS/FAIL table (or TAP). Two modes, same
# scenarios, markers, timeouts and verdicts:
#   nested  boots one L1 Debian kernel under QEMU's software emulation (-accel tcg -cpu max,
#           which emulates AMD SVM), loads kvm.ko + kvm-amd.ko there and runs every scenario
#           of the file inside that L1, one after another; arm64: qemu-system-aarch64 -M
#           virt,virtualization=on,gic-version=3 -cpu max, whose kernel has KVM built in;
#   direct  runs every scenario on this host, no QEMU: for hosts with hardware KVM.
# The default is direct when /dev/kvm is hardware KVM (vmx or svm in /proc/cpuinfo, no
# kvm_pvm module), else nested. See README.md for the scenario format and variables.
#
# Usage: tests/boot/run.sh --binary FILE --scenarios FILE [options]
#   --arch x86_64|arm64   the architecture of L1, minivmm and the guest (default x86_64;
#                         arm64 is always nested: minivmm is an aarch64 binary)
#   --l1-gic 3|2          arm64: the GIC of L1's virt machine (default 3; 2 makes minivmm
#                         fall back to a vGICv2)
#   --binary FILE         minivmm (or a stand-in): $MINIVMM; in L1 /bin/minivmm, so static
#   --scenarios FILE      scenario file
#   --vmlinux PATH        guest ELF vmlinux, $VMLINUX (default: the assets' vmlinux)
#   --bzimage PATH        guest bzImage, $BZIMAGE (default: the assets' bzImage)
#   --image PATH          arm64 guest Image, $IMAGE (default: the assets' Image)
#   --initrd PATH         guest initrd, $INITRD (default: the assets' initrd.cpio.gz)
#   --cmdline STR         base guest command line, $CMDLINE
#                         (default "console=ttyS0 reboot=k panic=-1 quiet")
#   --minivmm-opts STR    extra minivmm options for every scenario, $OPTS (default empty)
#   --nested              force nested mode (L1 under QEMU)
#   --direct              force direct mode; fails unless /dev/kvm can be opened
#   --tap                 TAP on stdout (one line per scenario, failure output as `#`
#                         diagnostics); progress and the table go to stderr
#   --assets DIR          guest assets (default assets/x86_64 or assets/aarch64, from
#                         tests/fetch-assets.sh [--arch arm64]);
#                         L1's kernel, busybox and KVM modules always come from here
#   --l1-initramfs FILE   nested: boot this prebuilt L1 initramfs (made by build-l1.sh from
#                         the same scenario file) instead of building one
#   --compress METHOD     nested: L1 initramfs compression: none (default), gzip, lz4, zstd
#   --add HOST:L1         nested: extra file for L1 (see build-l1.sh)
#   --workdir DIR         output directory (default assets/boot-run): l1.cpio, console.log,
#                         results.tsv (name, result, exit, ms, detail); direct mode also
#                         scenarios.list, scenarios.env and direct/tmp/<scenario>/
#   --timeout SECS        whole-run limit (default 300 + each scenario's timeout + 10)
#   --verbose             stream the whole console, not only progress lines
# Exit status: 0 every scenario passed; 1 a scenario failed, timed out or did not run, or
# L1 (the run) failed; 2 bad usage. The same with --tap.
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
	local fd=1
	[ "${1:-0}" -eq 0 ] || fd=2
	sed -n '2,/^set -euo/{/^set -euo/d;/^# shellcheck/d;s/^# \{0,1\}//;p}' "$0" >&"$fd"
	[ "${1:-0}" -eq 0 ] || [ "$tap" != 1 ] || echo "Bail out! $prog: bad usage"
	exit "${1:-0}"
}

# Hardware KVM, as opposed to the paravirtual kvm_pvm of TEST-ENVIRONMENT.md §1 (on which
# Linux guests crawl) or none at all; for --arch arm64, KVM on an aarch64 host.
hardware_kvm() {
	[ -e /dev/kvm ] && [ ! -e /sys/module/kvm_pvm ] || return 1
	if [ "$arch" = arm64 ]; then
		[ "$(uname -m)" = aarch64 ]
	else
		grep -qwE 'vmx|svm' /proc/cpuinfo
	fi
}

# --direct on a host without hardware KVM: usable /dev/kvm or a loud stop.
require_usable_kvm() {
	[ -c /dev/kvm ] || die "--direct: this host has no /dev/kvm (use --nested)"
	(: <>/dev/kvm) 2>/dev/null || die "--direct: cannot open /dev/kvm read-write (use --nested)"
	hardware_kvm || warn_loudly "--direct: /dev/kvm here is not hardware KVM" \
		"($([ -e /sys/module/kvm_pvm ] && echo kvm_pvm || echo "no vmx/svm")): Linux guests" \
		"crawl on it (TEST-ENVIRONMENT.md §1); only scenarios that boot no Linux are useful"
}

# Boots L1 and feeds its console to the monitor; the last line tells the monitor how QEMU
# ended (124 = killed by the whole-run timeout). arm64 (TEST-ENVIRONMENT.md §3): EL2 for KVM
# (virtualization=on, VHE), a GICv3 to hand to the guests, implementation-defined pointer
# authentication (the architected one is slow under TCG), two CPUs for the SMP scenarios.
boot_l1() {
	local rc=0 qemu
	qemu=(qemu-system-x86_64 -accel tcg -cpu max -m 2048 -smp 1 -kernel "$assets/bzImage"
		-append "$l1_append")
	if [ "$arch" = arm64 ]; then
		qemu=(qemu-system-aarch64 -M "virt,virtualization=on,gic-version=$l1_gic"
			-cpu "max,pauth-impdef=on" -m 2048 -smp 2 -kernel "$assets/Image"
			-append "console=ttyAMA0 panic=-1 quiet")
	fi
	log "nested: booting L1 (timeout ${budget}s): console in $workdir/console.log"
	timeout --foreground -k 10 "$budget" "${qemu[@]}" -nographic -no-reboot -initrd "$l1" \
		</dev/null 2>&1 || rc=$?
	echo "@@MINIVMM-HOST-QEMU-EXIT rc=$rc@@"
}

# Runs the scenarios on this host with the runner L1 uses, so the markers, timeouts and kill
# semantics are the same; the last line tells the monitor how the runner ended. On the
# whole-run timeout the runner gets SIGTERM and kills the running scenario's session.
run_direct() {
	local rc=0 state=$workdir/direct
	log "direct: running the scenarios on this host (timeout ${budget}s):" \
		"output in $workdir/console.log"
	rm -rf "$state"
	timeout --foreground -k 10 "$budget" sh "$here/scenario-runner.sh" \
		"$workdir/scenarios.list" "$workdir/scenarios.env" "$state" "kvm=/dev/kvm direct=1" \
		</dev/null 2>&1 || rc=$?
	echo "@@MINIVMM-HOST-DIRECT-EXIT rc=$rc@@"
}

# Sets $mode to nested or direct.
choose_mode() {
	if [ "$arch" = arm64 ] && [ "$(uname -m)" != aarch64 ]; then
		[ "$mode" != direct ] || die "--direct --arch arm64 needs an aarch64 host with KVM"
		mode=nested # the arm64 binary cannot run here
	fi
	case $mode in
	direct)
		[ -z "$l1" ] || die "--l1-initramfs needs nested mode, not --direct"
		require_usable_kvm
		;;
	nested) ;;
	auto)
		if [ -n "$l1" ]; then
			mode=nested
		elif hardware_kvm; then
			mode=direct
			log "hardware KVM found: direct mode, no QEMU (--nested to use L1 anyway)"
		else
			mode=nested
			log "no hardware KVM here$([ ! -e /sys/module/kvm_pvm ] || echo " (kvm_pvm)"):" \
				"nested mode, inside L1 under QEMU"
		fi
		;;
	esac
	if [ "$mode" = direct ] && [ "${#add[@]}" -gt 0 ]; then
		die "--add only applies to nested mode (direct scenarios see the host's files)"
	fi
}

main() {
	local binary="" scenarios="" l1="" compress=none workdir="" budget="" mode=auto
	local assets="" add=() monitor_opts=() image="" l1_gic=3
	local vmlinux="" bzimage="" initrd="" cmdline=$default_guest_cmdline opts=""
	set_arch x86_64
	while [ $# -gt 0 ]; do
		case $1 in
		--binary | --scenarios | --assets | --l1-initramfs | --compress | --add | --workdir | \
			--timeout | --vmlinux | --bzimage | --initrd | --cmdline | --minivmm-opts | \
			--arch | --image | --l1-gic)
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
			--vmlinux) vmlinux=$2 ;;
			--bzimage) bzimage=$2 ;;
			--initrd) initrd=$2 ;;
			--cmdline) cmdline=$2 ;;
			--minivmm-opts) opts=$2 ;;
			--arch) set_arch "$2" ;;
			--image) image=$2 ;;
			--l1-gic) l1_gic=$2 ;;
			esac
			shift
			;;
		--nested | --direct) mode=${1#--} ;;
		--tap)
			tap=1
			monitor_opts+=(--tap)
			;;
		--verbose) monitor_opts+=(--verbose) ;;
		-h | --help) usage 0 ;;
		*) usage 2 ;;
		esac
		shift
	done
	[ -n "$scenarios" ] || usage 2
	[ -n "$binary" ] || [ -n "$l1" ] || usage 2
	case $l1_gic in 2 | 3) ;; *) die "--l1-gic $l1_gic: expected 2 or 3" ;; esac
	assets=${assets:-$top/assets/$asset_arch}

	choose_mode
	require_file "$scenarios" "scenario file"
	budget=${budget:-$(python3 "$here/harness.py" budget "$scenarios")} ||
		die "bad scenario file $scenarios (see the harness: line above)"
	vmlinux=${vmlinux:-$assets/vmlinux}
	bzimage=${bzimage:-$assets/bzImage}
	image=${image:-$assets/Image}
	initrd=${initrd:-$assets/initrd.cpio.gz}
	workdir=${workdir:-$top/assets/boot-run}
	mkdir -p "$workdir"

	if [ "$mode" = direct ]; then
		require_file "$binary" "test binary"
		[ -x "$binary" ] || die "test binary $binary is not executable"
		python3 "$here/harness.py" l1-list "$scenarios" >"$workdir/scenarios.list"
		if [ "$arch" = arm64 ]; then # an aarch64 host with KVM
			require_file "$image" "guest Image (asset or --image)"
			require_file "$initrd" "guest initrd (asset or --initrd)"
			write_scenario_env "$workdir/scenarios.env" "$(realpath "$binary")" "" "" \
				"$(realpath "$initrd")" "$cmdline" "$opts" "$(realpath "$image")"
		else
			require_guest_files "$vmlinux" "$bzimage" "$initrd"
			write_scenario_env "$workdir/scenarios.env" "$(realpath "$binary")" \
				"$(realpath "$vmlinux")" "$(realpath "$bzimage")" "$(realpath "$initrd")" \
				"$cmdline" "$opts"
		fi
		run_direct | python3 "$here/harness.py" monitor "$scenarios" \
			"$workdir/console.log" "$workdir/results.tsv" "${monitor_opts[@]}"
		return
	fi

	require_l1_assets "$assets"
	[ -n "$l1" ] || require_static_binary "$binary"
	local qemu_bin=qemu-system-x86_64
	[ "$arch" != arm64 ] || qemu_bin="qemu-system-aarch64"
	command -v "$qemu_bin" >/dev/null || die "$qemu_bin not installed (scripts/setup.sh)"
	if [ -n "$l1" ]; then
		require_file "$l1" "--l1-initramfs"
		log "note: --binary, --vmlinux, --bzimage, --initrd, --cmdline and --minivmm-opts" \
			"are ignored: $l1 already holds them"
	else
		l1=$workdir/l1.cpio
		local guest_files=(--vmlinux "$vmlinux" --bzimage "$bzimage")
		[ "$arch" != arm64 ] || guest_files=(--image "$image")
		"$here/build-l1.sh" --arch "$arch" --binary "$binary" --scenarios "$scenarios" \
			--assets "$assets" --initrd "$initrd" "${guest_files[@]}" \
			--cmdline "$cmdline" --minivmm-opts "$opts" \
			--compress "$compress" "${add[@]}" -o "$l1" ||
			die "building the L1 initramfs failed (see above)"
	fi

	boot_l1 | python3 "$here/harness.py" monitor "$scenarios" "$workdir/console.log" \
		"$workdir/results.tsv" "${monitor_opts[@]}"
}

main "$@"
