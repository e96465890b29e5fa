# shellcheck shell=bash
# Helpers shared by the boot-harness scripts (sourced, not run).

# Prefix for messages; the sourcing script sets it.
: "${prog:=boot}"
# 1 when stdout carries TAP (run.sh --tap): a fatal error then also says "Bail out!" there.
: "${tap:=0}"

# The base guest command line, $CMDLINE of the scenarios (run.sh --cmdline).
# shellcheck disable=SC2034 # used by the scripts that source this file
default_guest_cmdline="console=ttyS0 reboot=k panic=-1 quiet"

log() { echo "$prog: $*" >&2; }

# Failures are loud on purpose: a missing asset must never look like a skipped test.
die() {
	{
		echo "$prog: ************************************************************"
		echo "$prog: ERROR: $*"
		echo "$prog: ************************************************************"
	} >&2
	[ "$tap" != 1 ] || echo "Bail out! $prog: $*"
	exit 1
}

warn_loudly() {
	{
		echo "$prog: ************************************************************"
		echo "$prog: WARNING: $*"
		echo "$prog: ************************************************************"
	} >&2
}

require_file() {
	[ -f "$1" ] || die "$2: $1 is missing${3:+ ($3)}"
}

# The architecture of the boot tests: x86_64 (default) or arm64. Sets $arch (x86_64 or
# arm64), $fetch_arch (fetch-assets.sh --arch) and $asset_arch (the assets/ subdirectory).
set_arch() {
	case $1 in
	x86_64 | amd64) arch=x86_64 fetch_arch=amd64 ;;
	arm64 | aarch64) arch=arm64 fetch_arch=arm64 ;;
	*) die "unknown --arch '$1' (x86_64 or arm64)" ;;
	esac
	# shellcheck disable=SC2034 # used by the scripts that source this file
	asset_arch=${arch/arm64/aarch64}
}

# What L1 itself needs from tests/fetch-assets.sh: its kernel (the guest's bzImage or Image
# is the same file unless --bzimage/--image says otherwise), busybox and, on x86, the KVM
# modules (arm64's kernel has KVM built in).
require_l1_assets() {
	local dir=$1 f hint="run tests/fetch-assets.sh --arch ${fetch_arch:-amd64}" files
	files=(bzImage busybox MANIFEST modules/kvm-amd.order modules/kvm-intel.order)
	[ "${arch:-x86_64}" != arm64 ] || files=(Image busybox MANIFEST)
	[ -d "$dir" ] || die "assets directory $dir is missing ($hint)"
	for f in "${files[@]}"; do
		require_file "$dir/$f" "asset" "$hint"
	done
}

# The guest files of the scenarios: require_guest_files VMLINUX BZIMAGE INITRD
require_guest_files() {
	local what=(vmlinux bzImage initrd) i=0 f
	for f in "$@"; do
		require_file "$f" "guest ${what[i]} (asset or --${what[i],,})" \
			"run tests/fetch-assets.sh, or pass another file"
		i=$((i + 1))
	done
}

# L1 has no dynamic loader or libc: the binary under test must be static.
require_static_binary() {
	local bin=$1 kind
	require_file "$bin" "test binary"
	[ -x "$bin" ] || die "test binary $bin is not executable"
	kind=$(file -b "$bin")
	case $kind in
	*ELF*"statically linked"* | *ELF*"static-pie linked"*) ;;
	*) die "test binary $bin is not a static ELF executable ($kind)" ;;
	esac
}

# Prints $1 quoted for sh: it's -> 'it'\''s'
shell_quote() {
	local q="'\\''"
	printf "'%s'" "${1//\'/$q}"
}

# Writes the scenario variables (README.md) to $1 for scenario-runner.sh, which sources it
# with `set -a`: write_scenario_env FILE MINIVMM VMLINUX BZIMAGE INITRD CMDLINE OPTS [IMAGE]
# (IMAGE: the arm64 Image; x86 runs leave it out).
write_scenario_env() {
	local file=$1 name
	shift
	{
		echo "# Scenario variables (tests/boot/README.md), written by $prog."
		for name in MINIVMM VMLINUX BZIMAGE INITRD CMDLINE OPTS IMAGE; do
			[ $# -gt 0 ] || break
			echo "$name=$(shell_quote "$1")"
			shift
		done
	} >"$file"
}
