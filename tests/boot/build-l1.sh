#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Builds the L1 initramfs of the nested-KVM boot harness: busybox, the KVM modules, the test
# binary as /bin/minivmm, the guest files under /guest/, the scenario list and variables,
# scenario-runner.sh and /init (l1-init.sh).
#
# Usage: tests/boot/build-l1.sh --binary FILE --scenarios FILE -o OUT [options]
#   --arch x86_64|arm64   the L1 and guest architecture (default x86_64)
#   --assets DIR          default assets/x86_64, arm64: assets/aarch64 (tests/fetch-assets.sh)
#   --image PATH          arm64: guest Image, in L1 /guest/Image = $IMAGE (default: assets')
#   --vmlinux PATH        guest ELF vmlinux, in L1 /guest/vmlinux = $VMLINUX
#                         (default: the assets' vmlinux)
#   --bzimage PATH        guest bzImage, in L1 /guest/bzImage = $BZIMAGE (default: assets')
#   --initrd PATH         guest initrd, in L1 /guest/initrd.cpio.gz = $INITRD (default:
#                         assets'; the kernel recognises the format, whatever the name says)
#   --cmdline STR         $CMDLINE (default "console=ttyS0 reboot=k panic=-1 quiet")
#   --minivmm-opts STR    $OPTS (default empty)
#   --compress METHOD     none (default), gzip, lz4, zstd: under TCG, L1 unpacks an
#                         uncompressed archive fastest (see README.md for the measurements)
#   --add HOST_PATH:L1_PATH   extra file for later tests, e.g. --add disk.img:/guest/disk.img
set -euo pipefail

prog=build-l1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

usage() {
	local fd=1
	[ "${1:-0}" -eq 0 ] || fd=2
	sed -n '2,/^set -euo/{/^set -euo/d;/^# shellcheck/d;s/^# \{0,1\}//;p}' "$0" >&"$fd"
	exit "${1:-0}"
}

# Prints the mkcpio.py spec of the whole L1 root.
l1_spec() {
	local ko item
	printf 'dir /%s 0755\n' proc sys dev tmp
	echo "nod /dev/console 0600 c 5 1"
	echo "file /init $here/l1-init.sh 0755"
	echo "file /scenario-runner.sh $here/scenario-runner.sh 0755"
	echo "file /bin/busybox $assets/busybox 0755"
	echo "slink /bin/sh busybox 0777" # the rest are installed by /init
	for ko in "$assets"/modules/*.ko "$assets"/modules/*.order; do
		echo "file /lib/modules/$(basename "$ko") $ko 0644"
	done
	echo "file /bin/minivmm $binary 0755"
	echo "file /scenarios.list $tmp/scenarios.list 0644"
	echo "file /scenarios.env $tmp/scenarios.env 0644"
	if [ "$arch" = arm64 ]; then
		echo "file /guest/Image $image 0644"
	else
		echo "file /guest/vmlinux $vmlinux 0644"
		echo "file /guest/bzImage $bzimage 0644"
	fi
	echo "file /guest/initrd.cpio.gz $initrd 0644"
	for item in "${extra[@]}"; do
		echo "file ${item#*:} ${item%%:*} 0644"
	done
}

# Filters stdin to stdout with the chosen --compress method.
compress_stream() {
	case $1 in
	none) cat ;;
	gzip) gzip -1n ;;
	lz4) lz4 -l -1 -q ;; # the kernel only unpacks LZ4's legacy frame format
	zstd) zstd -q -3 ;;
	esac
}

main() {
	local binary="" scenarios="" out="" compress=none item path
	local cmdline=$default_guest_cmdline opts=""
	assets=""
	vmlinux="" bzimage="" initrd="" image=""
	extra=()
	set_arch x86_64
	while [ $# -gt 0 ]; do
		case $1 in
		--binary | --scenarios | -o | --assets | --compress | --add | --vmlinux | --bzimage | \
			--initrd | --cmdline | --minivmm-opts | --arch | --image)
			[ $# -ge 2 ] || usage 2
			case $1 in
			--binary) binary=$2 ;;
			--scenarios) scenarios=$2 ;;
			-o) out=$2 ;;
			--assets) assets=$2 ;;
			--compress) compress=$2 ;;
			--add) extra+=("$2") ;;
			--vmlinux) vmlinux=$2 ;;
			--bzimage) bzimage=$2 ;;
			--initrd) initrd=$2 ;;
			--cmdline) cmdline=$2 ;;
			--minivmm-opts) opts=$2 ;;
			--arch) set_arch "$2" ;;
			--image) image=$2 ;;
			esac
			shift
			;;
		-h | --help) usage 0 ;;
		*) usage 2 ;;
		esac
		shift
	done
	assets=${assets:-$top/assets/$asset_arch}
	if [ -z "$binary" ] || [ -z "$scenarios" ] || [ -z "$out" ]; then
		usage 2
	fi
	case $compress in
	none | gzip | lz4 | zstd) ;;
	*) die "unknown --compress '$compress' (none, gzip, lz4, zstd)" ;;
	esac
	initrd=${initrd:-$assets/initrd.cpio.gz}
	require_l1_assets "$assets"
	if [ "$arch" = arm64 ]; then
		image=${image:-$assets/Image}
		require_file "$image" "guest Image (asset or --image)" \
			"run tests/fetch-assets.sh --arch arm64, or pass another file"
		require_file "$initrd" "guest initrd (asset or --initrd)"
	else
		vmlinux=${vmlinux:-$assets/vmlinux}
		bzimage=${bzimage:-$assets/bzImage}
		require_guest_files "$vmlinux" "$bzimage" "$initrd"
	fi
	require_static_binary "$binary"
	require_file "$scenarios" "scenario file"
	for item in "${extra[@]}"; do
		case $item in
		?*:/?*) require_file "${item%%:*}" "--add" ;;
		*) die "--add wants HOST_PATH:/L1_PATH, got '$item'" ;;
		esac
	done
	# mkcpio.py's spec is whitespace-separated.
	for path in "$here" "$assets" "$binary" "$vmlinux" "$bzimage" "$image" "$initrd" \
		"${extra[@]}"; do
		case $path in
		*[[:space:]]*) die "path with white space, which build-l1.sh cannot pack: '$path'" ;;
		esac
	done

	tmp=$(mktemp -d)
	# shellcheck disable=SC2064 # expand now: $tmp is global but may change
	trap "rm -rf '$tmp'" EXIT
	python3 "$here/harness.py" l1-list "$scenarios" >"$tmp/scenarios.list"
	if [ "$arch" = arm64 ]; then
		write_scenario_env "$tmp/scenarios.env" /bin/minivmm "" "" /guest/initrd.cpio.gz \
			"$cmdline" "$opts" /guest/Image
	else
		write_scenario_env "$tmp/scenarios.env" /bin/minivmm /guest/vmlinux /guest/bzImage \
			/guest/initrd.cpio.gz "$cmdline" "$opts"
	fi
	l1_spec | python3 "$here/mkcpio.py" | compress_stream "$compress" >"$out.tmp"
	mv "$out.tmp" "$out"
	log "$out: $(du -h "$out" | cut -f1) ($compress), $(wc -l <"$tmp/scenarios.list") scenarios"
}

main "$@"
