#!/usr/bin/env bash
# Benchmarks minivmm against Debian's QEMU on the same guests, interleaved, in one run, and
# prints one table (also written to bench/results/latest.md, raw numbers to latest.tsv):
# per row the runs, min/median/max for each side, and the ratio of the medians
# (minivmm / baseline; below 1 is better for minivmm in every row).
#
# Usage: bench/run.sh [--quick] [--runs N] [--boot-runs N] [--no-l1] [--out FILE]
#   --quick          smoke check: 3 runs of the host rows, 1 boot per VMM in L1, fewer exits
#   --runs N         runs of each host row and side (default 10; at least 5 for real numbers)
#   --boot-runs N    boots per VMM in the nested L1 (default 5)
#   --no-l1          skip the rows that need the nested L1 (boot to init, disk); they are
#                    printed as skipped
#   --out FILE       the table (default bench/results/latest.md; FILE.tsv beside it: raw)
#
# Rows (README.md, "Benchmarks", says how each is measured):
#   start-up        exec -> the guest's first instruction / boot complete / VMM exited: a tiny
#                   PVH guest (bench/guests/pvh_bench.S) on this host's /dev/kvm, minivmm
#                   --boot pvh vs qemu-system-x86_64 -M microvm -kernel (the same ELF)
#   exit round trip the same guest doing N port writes: ns per exit
#   memory          peak RSS minus the guest RAM touched
#   load            Debian's vmlinux + a 100 MB initrd into fresh guest RAM: minivmm's loader
#                   vs memcpy of the same bytes
#   boot to init    Debian's cloud kernel + busybox initrd to MINIVMM-INIT-OK, in one nested
#                   real-KVM L1 (tests/boot/run.sh): minivmm 64-bit and PVH vs QEMU microvm
#   disk            when minivmm has --disk (else the row says "not available yet"): sequential
#                   and 4k random O_DIRECT reads in the guest, minivmm vs QEMU
#                   virtio-blk-device with aio=io_uring, in the same L1 boot
# Needs: scripts/setup.sh's packages (run here; it installs what is missing), /dev/kvm, and
# the assets of tests/fetch-assets.sh (fetched when missing).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)

runs=10
boot_runs=5
exits=200000
use_l1=1
out=$here/results/latest.md
mem_mib=512

log() {
	echo "bench: $*" >&2
}

die() {
	echo "bench: ERROR: $*" >&2
	exit 1
}

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
	exit "${1:-0}"
}

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--quick)
			runs=3 boot_runs=1 exits=20000
			;;
		--runs) runs=${2:?--runs N} && shift ;;
		--boot-runs) boot_runs=${2:?--boot-runs N} && shift ;;
		--no-l1) use_l1=0 ;;
		--out) out=${2:?--out FILE} && shift ;;
		-h | --help) usage 0 ;;
		*) echo "bench: unknown option $1" >&2 && usage 2 >&2 ;;
		esac
		shift
	done
	[[ $runs =~ ^[1-9][0-9]*$ && $boot_runs =~ ^[1-9][0-9]*$ ]] ||
		die "--runs and --boot-runs want a positive number"
}

# ---- setup ---------------------------------------------------------------------------

prepare() {
	"$top/scripts/setup.sh" >&2
	"$top/tests/fetch-assets.sh" >&2
	if ! [ -c /dev/kvm ] || ! (: <>/dev/kvm) 2>/dev/null; then
		die "/dev/kvm is missing or cannot be opened read-write: the host rows need it"
	fi
	build "$top/build-bench" -Dstatic=false
	if [ "$use_l1" = 1 ]; then
		build "$top/build-bench-static" -Dstatic=true
	fi
	minivmm=$top/build-bench/minivmm
	stamp=$top/build-bench/bench/bench-stamp
	guest=$top/build-bench/bench/pvh_bench.elf
	work=$(mktemp -d /tmp/minivmm-bench.XXXXXX)
	raw=$work/raw.tsv
	: >"$raw"
}

# Release builds of minivmm and the bench tools, kept beside the test trees.
build() {
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$top" --buildtype=release -Dtests=false "$@" >&2
	fi
	ninja -C "$dir" >&2 || die "build in $dir failed"
}

# The table's header: when, on what (the numbers mean nothing without it).
machine_line() {
	local cpu kvm
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	kvm="no kvm_pvm, no kvm_intel/kvm_amd loaded"
	[ ! -e /sys/module/kvm_intel ] || kvm="hardware (kvm_intel)"
	[ ! -e /sys/module/kvm_amd ] || kvm="hardware (kvm_amd)"
	[ ! -e /sys/module/kvm_pvm ] || kvm="kvm_pvm (paravirtual, no vmx/svm)"
	printf '%s, %s cores, %s GiB, Linux %s, /dev/kvm: %s; %s; minivmm %s (%s)' \
		"$cpu" "$(nproc)" "$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" \
		"$(uname -r)" "$kvm" "$(qemu-system-x86_64 --version | head -n 1)" \
		"$("$minivmm" --version | awk '{ print $NF }')" \
		"$(git -C "$top" describe --always --dirty 2>/dev/null || echo "no git")"
}

# ---- host rows: the tiny PVH guest ----------------------------------------------------

# QEMU's CPU model on this host: "host" where KVM accepts it, else qemu64 without the
# features kvm_pvm lacks (it rejects host/max: "failed to set MSR 0x10a").
pick_qemu_cpu() {
	local cpu
	for cpu in host qemu64,pni=off qemu64; do
		if "$stamp" --timeout 20 -- qemu-system-x86_64 "${qemu_common[@]}" -cpu "$cpu" \
			-append 0 | grep -q 'F_ns='; then
			qemu_cpu=$cpu
			log "QEMU runs on this /dev/kvm with -cpu $cpu"
			return
		fi
	done
	die "QEMU microvm does not boot the bench guest on this /dev/kvm with any CPU model tried"
}

record() { # row side value
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$raw"
}

# Field NAME of a bench-stamp line, or fail loudly with the line.
field() { # line name
	local v
	v=$(tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p")
	[ -n "$v" ] || die "no $2 in bench-stamp output '$1' (see $work/*.err)"
	echo "$v"
}

# One VMM, one run of every host row.
host_run() { # side(minivmm|qemu) run
	local side=$1 run=$2 l
	local -a cmd
	if [ "$side" = minivmm ]; then
		cmd=("$minivmm" --boot pvh --mem "${mem_mib}M" --kernel "$guest" --cmdline)
	else
		cmd=(qemu-system-x86_64 "${qemu_common[@]}" -cpu "$qemu_cpu" -append)
	fi
	l=$("$stamp" --stderr "$work/$side-$run-start.err" -- "${cmd[@]}" 0)
	record startup_first "$side" "$(($(field "$l" F_ns) / 1000))"
	record startup_boot "$side" "$(($(field "$l" B_ns) / 1000))"
	record startup_exit "$side" "$(($(field "$l" total_ns) / 1000))"
	l=$("$stamp" --stderr "$work/$side-$run-exits.err" -- "${cmd[@]}" "$exits")
	record exit_rt "$side" "$((($(field "$l" E_ns) - $(field "$l" S_ns)) / exits))"
	l=$("$stamp" --hold E --guest-mem $((mem_mib << 20)) --stderr "$work/$side-$run-mem.err" \
		-- "${cmd[@]}" "0 hold")
	record memory "$side" "$(($(field "$l" hwm_kib) - $(field "$l" guest_rss_kib)))"
}

host_rows() {
	local run
	qemu_common=(-M microvm -accel kvm -m "${mem_mib}M" -smp 1 -nodefaults -no-user-config
		-display none -serial stdio -device "isa-debug-exit,iobase=0x501,iosize=1"
		-kernel "$guest")
	pick_qemu_cpu
	log "host rows: $runs runs per VMM, interleaved; $exits exits per exit run"
	for ((run = 1; run <= runs; run++)); do
		if ((run % 2)); then
			host_run minivmm "$run" && host_run qemu "$run"
		else
			host_run qemu "$run" && host_run minivmm "$run"
		fi
	done
}

# ---- load -------------------------------------------------------------------------------

load_rows() {
	local vmlinux=$top/assets/x86_64/vmlinux initrd=$work/initrd-100m.img method ns
	# 100 MB that do not compress: the loader copies bytes, whatever they are.
	head -c $((100 << 20)) /dev/urandom >"$initrd"
	log "load: $(du -m "$vmlinux" | cut -f1) MB vmlinux + 100 MB initrd, $runs runs"
	"$top/build-bench/bench/bench-load" "$vmlinux" "$initrd" "$runs" "$mem_mib" >"$work/load.out" ||
		die "bench-load failed"
	while read -r method ns; do
		case $method in
		import) record load minivmm "$((ns / 1000))" ;;
		memcpy) record load memcpy "$((ns / 1000))" ;;
		pread | mmap | mmap+touch) record "load_$method" info "$((ns / 1000))" ;;
		bytes) load_bytes=$ns ;;
		esac
	done <"$work/load.out"
	rm -f "$initrd"
}

# ---- nested L1: boot to init, disk ------------------------------------------------------

hardware_kvm() {
	[ -e /dev/kvm ] && [ ! -e /sys/module/kvm_pvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo
}

minivmm_has_disk() {
	"$top/build-bench-static/minivmm" --help 2>&1 | grep -q -- '--disk'
}

# QEMU, its libraries, its dynamic loader and the firmware microvm loads, for --add: at the
# same paths in L1 as here.
qemu_files() {
	local qemu lib
	qemu=$(command -v qemu-system-x86_64)
	echo "$qemu"
	ldd "$qemu" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\/lib64\// { print $1 }' |
		while read -r lib; do
			# Pack the file under the name the loader asks for, with the symlink resolved.
			echo "$(readlink -f "$lib"):$lib"
		done
	for f in bios-microvm.bin pvh.bin; do
		echo "/usr/share/qemu/$f"
	done
}

l1_rows() {
	local dir=$work/boot scen stamp_l1 script_l1 initrd_disk item
	local -a adds=()
	mkdir -p "$dir"
	# The guest initrd plus the disk script and tool (a second archive: the kernel unpacks both).
	printf '/bin/bench-disk /dev/vda 256 20000\n' >"$dir/minivmm-script"
	printf 'file /minivmm-script %s 0755\nfile /bin/bench-disk %s 0755\n' "$dir/minivmm-script" \
		"$top/build-bench-static/bench/bench-disk" | python3 "$top/tests/boot/mkcpio.py" |
		gzip -1n >"$dir/disk-script.cpio.gz"
	cat "$top/assets/x86_64/initrd.cpio.gz" "$dir/disk-script.cpio.gz" >"$dir/initrd-disk.img"
	if hardware_kvm; then
		stamp_l1=$top/build-bench-static/bench/bench-stamp script_l1=$here/boot/l1-bench.sh
		initrd_disk=$dir/initrd-disk.img
	else
		stamp_l1=/bench/bench-stamp script_l1=/bench/l1-bench.sh
		initrd_disk=/bench/initrd-disk.img
		adds=(--add "$top/build-bench-static/bench/bench-stamp:$stamp_l1"
			--add "$here/boot/l1-bench.sh:$script_l1")
		if minivmm_has_disk; then
			adds+=(--add "$dir/initrd-disk.img:$initrd_disk")
		fi
		while read -r item; do
			case $item in
			*:*) adds+=(--add "$item") ;;
			*) adds+=(--add "$(readlink -f "$item"):$item") ;;
			esac
		done < <(qemu_files)
	fi
	scen=$dir/scenarios.txt
	cat >"$scen" <<-EOF
		name=bench-boot-to-init
		timeout=$((boot_runs * 3 * 190 + 60))
		expect_output=@@BENCH boot-done@@
		cmd=sh $script_l1 boot $boot_runs $stamp_l1 "\$MINIVMM" $(command -v qemu-system-x86_64) \\
		    "\$VMLINUX" "\$INITRD" "\$CMDLINE"
	EOF
	if minivmm_has_disk; then
		cat >>"$scen" <<-EOF

			name=bench-disk
			timeout=$((boot_runs * 2 * 310 + 60))
			expect_output=@@BENCH disk-done@@
			cmd=sh $script_l1 disk $boot_runs $stamp_l1 "\$MINIVMM" $(command -v qemu-system-x86_64) \\
			    "\$VMLINUX" $initrd_disk "\$CMDLINE"
		EOF
	else
		log "WARNING: disk row not available yet: minivmm --help lists no --disk"
	fi
	log "nested rows: one L1 boot, $boot_runs boots per VMM and row (minutes; progress in $dir)"
	"$top/tests/boot/run.sh" --binary "$top/build-bench-static/minivmm" --scenarios "$scen" \
		--workdir "$dir" "${adds[@]}" >&2 || log "the L1 run reported a failure (see above)"
	parse_boot "$dir/console.log"
	parse_disk "$dir/console.log"
}

parse_disk() { # console.log
	local vmm seq rand
	while read -r vmm seq rand; do
		record disk_seq "${vmm%%-*}" "$seq"
		record disk_rand "${vmm%%-*}" "$rand"
	done < <(tr -d '\r' <"$1" | sed -n 's/.*@@BENCH disk \([a-z0-9-]*\) [0-9]* seq_mb_s=\([0-9.]*\) rand_iops=\([0-9]*\).*/\1 \2 \3/p')
}

parse_boot() { # console.log
	local vmm line_ns hwm rss guest n=0
	while read -r vmm line_ns hwm rss guest; do
		case $vmm in
		minivmm-64bit) record boot_64 minivmm "$((line_ns / 1000))" ;;
		minivmm-pvh) record boot_pvh minivmm "$((line_ns / 1000))" ;;
		qemu-microvm)
			record boot_64 qemu "$((line_ns / 1000))"
			record boot_pvh qemu "$((line_ns / 1000))"
			;;
		esac
		case $vmm in
		minivmm-64bit | qemu-microvm)
			record boot_mem "${vmm%%-*}" "$((hwm - guest))"
			record boot_rss "${vmm%%-*}" "$((rss - guest))"
			;;
		esac
		n=$((n + 1))
	done < <(tr -d '\r' <"$1" | sed -n 's/.*@@BENCH boot \([a-z0-9-]*\) [0-9]* .*line_ns=\([0-9]*\) hwm_kib=\([0-9]*\) rss_kib=\([0-9]*\) guest_rss_kib=\([0-9]*\)@@.*/\1 \2 \3 \4 \5/p')
	[ "$n" -gt 0 ] || log "WARNING: no boot-to-init result in $1"
}

# ---- the table ---------------------------------------------------------------------------

# row id, title, unit, divisor (raw value / divisor = unit), baseline name
rows_spec() {
	cat <<-EOF
		startup_first|start-up: exec → first guest instruction (tiny PVH guest)|ms|1000|QEMU microvm
		startup_boot|start-up: exec → boot complete (tiny PVH guest)|ms|1000|QEMU microvm
		startup_exit|start-up: exec → VMM exited (tiny PVH guest)|ms|1000|QEMU microvm
		exit_rt|exit round trip: port write → VMM → guest|ns/exit|1|QEMU microvm
		memory|VMM memory: peak RSS − guest RAM touched (tiny guest)|MiB|1024|QEMU microvm
		load|load: vmlinux + 100 MB initrd into fresh guest RAM|ms|1000|memcpy
		boot_64|boot to init (nested L1): minivmm 64-bit entry vs QEMU microvm PVH|s|1000000|QEMU microvm
		boot_pvh|boot to init (nested L1): minivmm PVH vs QEMU microvm PVH|s|1000000|QEMU microvm
		boot_mem|VMM memory at init: peak RSS − guest RAM touched (Linux, nested L1)|MiB|1024|QEMU microvm
		boot_rss|VMM memory at init: RSS − guest RAM touched (Linux, nested L1)|MiB|1024|QEMU microvm
		disk_seq|disk: sequential 1 MiB O_DIRECT reads in the guest (nested L1; higher is better)|MB/s|1|QEMU virtio-blk-device, aio=io_uring
		disk_rand|disk: 4k random O_DIRECT reads, queue depth 1 (nested L1; higher is better)|IOPS|1|QEMU virtio-blk-device, aio=io_uring
	EOF
}

# min / median / max of one row and side, in the row's unit; "n min med max" or nothing.
stats() { # row side divisor
	awk -F'\t' -v r="$1" -v s="$2" '$1 == r && $2 == s { print $3 }' "$raw" | sort -n |
		awk -v d="$3" '{ v[NR] = $1 / d }
		END {
			if (!NR) exit
			med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%d %s %s %s\n", NR, v[1], med, v[NR]
		}'
}

fmt() {
	awk -v x="$1" 'BEGIN {
		a = x < 0 ? -x : x
		if (a >= 100) printf "%.0f", x; else if (a >= 10) printf "%.1f", x; else printf "%.2f", x
	}'
}

table() {
	local id title unit div base side why m b nm mmin mmed mmax nb bmin bmed bmax ratio runs_s
	echo "# minivmm benchmarks"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'): $(machine_line)"
	echo
	echo "| row | runs | minivmm min / **median** / max | baseline | baseline min / **median** / max | ratio of medians | unit |"
	echo "|---|---|---|---|---|---|---|"
	while IFS='|' read -r id title unit div base; do
		m=$(stats "$id" minivmm "$div")
		side=qemu
		[ "$base" != memcpy ] || side=memcpy
		b=$(stats "$id" "$side" "$div")
		if [ -z "$m" ] || [ -z "$b" ]; then
			why="**no result** (see the log above)"
			if [ "$use_l1" = 0 ] && [[ $id == boot* || $id == disk* ]]; then
				why="skipped (--no-l1)"
			elif [[ $id == disk* ]] && ! minivmm_has_disk; then
				why="**not available yet (minivmm has no --disk)**"
			fi
			echo "| $title | — | $why | $base | — | — | $unit |"
			continue
		fi
		read -r nm mmin mmed mmax <<<"$m"
		read -r nb bmin bmed bmax <<<"$b"
		ratio=$(awk -v a="$mmed" -v b="$bmed" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "—" }')
		runs_s=$nm
		[ "$nm" = "$nb" ] || runs_s="$nm / $nb"
		echo "| $title | $runs_s | $(fmt "$mmin") / **$(fmt "$mmed")** / $(fmt "$mmax") | $base" \
			"| $(fmt "$bmin") / **$(fmt "$bmed")** / $(fmt "$bmax") | $ratio | $unit |"
	done < <(rows_spec)
	echo
	notes
}

notes() {
	local method s
	echo "Ratios are minivmm / baseline: below 1 minivmm is faster or smaller (disk rows: above 1"
	echo "minivmm is faster)."
	echo "Host rows: $runs runs per side, interleaved (the order alternates), $exits exits per"
	echo "exit-round-trip run, guest RAM ${mem_mib} MiB, 1 vCPU, QEMU -cpu ${qemu_cpu:-?}."
	if [ -n "${load_bytes:-}" ]; then
		printf 'Load: %s MB of file bytes per run (the kernel'"'"'s PT_LOAD segments + initrd). Other\n' \
			"$(awk -v b="$load_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')"
		printf 'ways to the same bytes (medians, ms; not used by minivmm, see README):'
		for method in pread mmap mmap+touch; do
			s=$(stats "load_$method" info 1000)
			[ -n "$s" ] && printf ' %s %s;' "$method" "$(fmt "$(cut -d' ' -f3 <<<"$s")")"
		done
		echo
	fi
	if [ "$use_l1" = 1 ]; then
		echo "Nested L1 rows: $boot_runs boots per VMM in one L1 boot (QEMU TCG, -cpu max, real"
		echo "kvm-amd inside), order rotating; exec → MINIVMM-INIT-OK on the serial console."
		if minivmm_has_disk; then
			echo "Disk: 256 MiB raw image in L1's tmpfs, read-only, host page cache (tmpfs has no"
			echo "O_DIRECT); the guest reads it with O_DIRECT (bench/guests/disk_bench.c)."
		fi
	fi
}

main() {
	parse_args "$@"
	prepare
	host_rows
	load_rows
	if [ "$use_l1" = 1 ]; then
		l1_rows
	fi
	mkdir -p "$(dirname "$out")"
	table | tee "$out.tmp"
	mv "$out.tmp" "$out"
	cp "$raw" "${out%.md}.tsv"
	log "table in $out, raw numbers in ${out%.md}.tsv"
	rm -rf "$work"
}

main "$@"
