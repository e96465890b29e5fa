# shellcheck shell=bash
# Helpers shared by the boot-harness scripts (sourced, not run).

# Prefix for messages; the sourcing script sets it.
: "${prog:=boot}"

log() { echo "$prog: $*" >&2; }

# Failures are loud on purpose: a missing asset must never look like a skipped test.
die() {
	{
		echo "$prog: ************************************************************"
		echo "$prog: ERROR: $*"
		echo "$prog: ************************************************************"
	} >&2
	exit 1
}

require_file() {
	[ -f "$1" ] || die "$2: $1 is missing${3:+ ($3)}"
}

# The guest assets made by tests/fetch-assets.sh, in the order they are packed.
guest_asset_files=(bzImage vmlinux initrd.cpio.gz)

require_assets() {
	local dir=$1 f hint="run tests/fetch-assets.sh"
	[ -d "$dir" ] || die "assets directory $dir is missing ($hint)"
	for f in "${guest_asset_files[@]}" busybox MANIFEST modules/kvm-amd.order modules/kvm-intel.order; do
		require_file "$dir/$f" "asset" "$hint"
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
