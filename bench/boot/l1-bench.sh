#!/bin/sh
# shellcheck shell=sh
# The nested-L1 rows, run as boot scenarios (bench/run.sh writes the scenario file): inside
# the nested L1 (busybox sh) or, on a host with hardware KVM, directly. Every VMM boots
# Debian's kernel with the busybox initrd RUNS times, interleaved (the order rotates every
# run: later boots in one L1 run slower).
#
#   boot  exec -> MINIVMM-INIT-OK on the VMM's serial output, timed by bench-stamp, which
#         then samples the VMM's memory and kills it (the guest's init hangs:
#         minivmm.action=hang, so shutdown paths do not enter the numbers). One line a boot:
#         @@BENCH boot <vmm> <run> rc=N total_ns=T line_ns=T hwm_kib=K rss_kib=K guest_rss_kib=K@@
#   disk  the guest runs /minivmm-script (bench/guests/disk_bench.c on /dev/vda: sequential
#         and 4k random O_DIRECT reads) on a 256 MiB raw image in L1's tmpfs, attached
#         read-only with the host page cache (tmpfs has no O_DIRECT): minivmm --disk vs QEMU
#         virtio-blk-device with aio=io_uring. One line a boot:
#         @@BENCH disk <vmm> <run> seq_mb_s=X rand_iops=Y bytes=Z@@
#
# Usage: l1-bench.sh boot|disk RUNS STAMP MINIVMM QEMU VMLINUX INITRD CMDLINE
set -u

mode=$1 runs=$2 stamp=$3 minivmm=$4 qemu=$5 vmlinux=$6 initrd=$7
mem_mib=512
disk=/tmp/bench-disk.img
case $mode in
boot)
	cmdline="$8 nokaslr minivmm.action=hang"
	vmms="minivmm-64bit minivmm-pvh qemu-microvm"
	;;
disk)
	cmdline="$8 nokaslr minivmm.action=script"
	vmms="minivmm-64bit qemu-microvm"
	dd if=/dev/zero of="$disk" bs=1M count=256 2>/dev/null
	;;
*)
	echo "l1-bench: unknown mode '$mode'" && exit 2
	;;
esac

# --add packs files 0644; the stamp, QEMU and the dynamic loader must be executable.
for f in "$stamp" "$qemu" /lib64/ld-linux-x86-64.so.2; do
	[ -x "$f" ] || chmod 0755 "$f" 2>/dev/null || true
done
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu

# QEMU's CPU model: the host's where KVM takes it (real KVM), else qemu64 (kvm_pvm rejects
# -cpu host/max: "failed to set MSR 0x10a").
qemu_cpu=host
"$qemu" -M microvm -accel kvm -cpu host -m 16M -nodefaults -no-user-config -display none \
	-S -monitor none -serial none -daemonize -pidfile /tmp/qemu-probe.pid >/dev/null 2>&1 ||
	qemu_cpu=qemu64
[ -f /tmp/qemu-probe.pid ] && kill "$(cat /tmp/qemu-probe.pid)" 2>/dev/null
echo "l1-bench: $mode, QEMU $("$qemu" --version | head -n 1), -cpu $qemu_cpu; $runs runs per VMM"


run_one() { # vmm run
	vmm=$1 run=$2 err=/tmp/bench-$mode-$1-$2.err out=/tmp/bench-$mode-$1-$2.out
	case $vmm in
	minivmm-*)
		if [ "$vmm" = minivmm-pvh ]; then
			set -- "$minivmm" --boot pvh
		else
			set -- "$minivmm"
		fi
		set -- "$@" --mem "${mem_mib}M" --kernel "$vmlinux" --initrd "$initrd" \
			--cmdline "$cmdline"
		[ "$mode" = boot ] || set -- "$@" --disk "$disk,ro,cache=writeback"
		;;
	qemu-microvm)
		set -- "$qemu" -M microvm -accel kvm -cpu "$qemu_cpu" -m "${mem_mib}M" -smp 1 \
			-nodefaults -no-user-config -display none -serial stdio \
			-kernel "$vmlinux" -initrd "$initrd" -append "$cmdline"
		[ "$mode" = boot ] || set -- "$@" -drive \
			"id=d0,if=none,file=$disk,format=raw,readonly=on,cache=writeback,aio=io_uring" \
			-device virtio-blk-device,drive=d0
		;;
	esac
	if [ "$mode" = boot ]; then
		result=$("$stamp" --markers "" --line MINIVMM-INIT-OK --guest-mem $((mem_mib << 20)) \
			--timeout 180 --stderr "$err" -- "$@")
		echo "@@BENCH boot $vmm $run $result@@"
		case $result in
		*line_ns=*) return ;;
		esac
		echo "l1-bench: $vmm run $run never printed MINIVMM-INIT-OK"
	else
		"$stamp" --markers "" --line @@BENCH-DISK --timeout 300 --stderr "$err" --copy "$out" \
			-- "$@" >/dev/null
		result=$(sed -n 's/.*@@BENCH-DISK \(.*\)@@.*/\1/p' "$out" | head -n 1)
		if [ -n "$result" ]; then
			echo "@@BENCH disk $vmm $run $result@@"
			return
		fi
		echo "l1-bench: $vmm run $run printed no @@BENCH-DISK line; its output:"
		tail -n 20 "$out"
	fi
	echo "l1-bench: its stderr:"
	tail -n 20 "$err"
}

run=1
while [ "$run" -le "$runs" ]; do
	order=$vmms
	i=1
	while [ "$i" -lt "$run" ]; do
		first=${order%% *}
		order="${order#* } $first"
		i=$((i + 1))
	done
	for vmm in $order; do
		run_one "$vmm" "$run"
	done
	run=$((run + 1))
done
echo "@@BENCH $mode-done@@"
