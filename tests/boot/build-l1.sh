#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Builds the L1 initramfs of the nested-KVM boot harness: busybox, the KVM modules, the test
# binary as /bin/minivmm, the guest kernel and initrd under /guest/, the scenario list and
# /init (l1-init.sh).
#
# Usage: tests/boot/build-l1.sh --binary FILE --scenarios FILE -o OUT
#            [--assets DIR] [--compress none|gzip|lz4|zstd] [--add HOST_PATH:L1_PATH]...
#   --assets    default assets/x86_64 (made by tests/fetch-assets.sh)
#   --compress  default none: under TCG, L1 unpacks an uncompressed archive fastest
#               (see README.md for the measurements)
#   --add       extra file for later tests, e.g. --add disk.img:/guest/disk.img
set -euo pipefail

prog=build-l1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;/^# shellcheck/d;s/^# \{0,1\}//;p}' "$0"
	exit "${1:-0}"
}

# Prints the mkcpio.py spec of the whole L1 root.
l1_spec() {
	local ko item
	printf 'dir /%s 0755\n' proc sys dev tmp
	echo "nod /dev/console 0600 c 5 1"
	echo "file /init $here/l1-init.sh 0755"
	echo "file /bin/busybox $assets/busybox 0755"
	echo "slink /bin/sh busybox 0777" # the rest are installed by /init
	for ko in "$assets"/modules/*.ko "$assets"/modules/*.order; do
		echo "file /lib/modules/$(basename "$ko") $ko 0644"
	done
	echo "file /bin/minivmm $binary 0755"
	echo "file /scenarios.list $list 0644"
	for item in "${guest_asset_files[@]}"; do
		echo "file /guest/$item $assets/$item 0644"
	done
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
	local binary="" scenarios="" out="" compress=none item
	assets=$top/assets/x86_64
	extra=()
	while [ $# -gt 0 ]; do
		case $1 in
		--binary | --scenarios | -o | --assets | --compress | --add)
			[ $# -ge 2 ] || usage 2
			case $1 in
			--binary) binary=$2 ;;
			--scenarios) scenarios=$2 ;;
			-o) out=$2 ;;
			--assets) assets=$2 ;;
			--compress) compress=$2 ;;
			--add) extra+=("$2") ;;
			esac
			shift
			;;
		-h | --help) usage 0 ;;
		*) usage 2 ;;
		esac
		shift
	done
	if [ -z "$binary" ] || [ -z "$scenarios" ] || [ -z "$out" ]; then
		usage 2
	fi
	case $compress in
	none | gzip | lz4 | zstd) ;;
	*) die "unknown --compress '$compress' (none, gzip, lz4, zstd)" ;;
	esac
	require_assets "$assets"
	require_static_binary "$binary"
	require_file "$scenarios" "scenario file"
	for item in "${extra[@]}"; do
		case $item in
		?*:/?*) require_file "${item%%:*}" "--add" ;;
		*) die "--add wants HOST_PATH:/L1_PATH, got '$item'" ;;
		esac
	done

	local tmp
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064 # expand now: $tmp is local
	trap "rm -rf '$tmp'" EXIT
	list=$tmp/scenarios.list
	python3 "$here/harness.py" l1-list "$scenarios" >"$list"
	l1_spec | python3 "$here/mkcpio.py" | compress_stream "$compress" >"$out.tmp"
	mv "$out.tmp" "$out"
	log "$out: $(du -h "$out" | cut -f1) ($compress), $(wc -l <"$list") scenarios"
}

main "$@"
