#!/usr/bin/env bash
# minivmm's ACPI tables as a third party reads them: `minivmm --dump-acpi DIR
# --cpus N` for N in 1, 2 and 64, every table disassembled with ACPICA's
# `iasl -d` (Debian package acpica-tools). iasl must report no error and no
# warning for any table (it exits 0 even on a bad checksum, so its output is
# checked too), the DSDT must compile back cleanly, and the disassembly must
# show what the guest relies on: a hardware-reduced FADT with the reset and
# sleep registers, N processors and the IOAPIC in the MADT, and COM1, the
# panic device and \_S5 in the DSDT, and one LNRO0005 virtio-mmio device per --disk.
# usage: test_iasl.sh MINIVMM
set -uo pipefail

minivmm=$(realpath -- "$1") # the checks run inside the dump directories
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

if ! command -v iasl >/dev/null; then
	echo "###############################################################"
	echo "### iasl not found: install Debian's acpica-tools to check  ###"
	echo "### minivmm's ACPI tables (apt-get install acpica-tools)    ###"
	echo "###############################################################"
	[ "${MINIVMM_REQUIRE_ASSETS:-0}" = 1 ] && exit 1
	exit 77
fi
echo "using $(iasl -v 2>&1 | grep -m1 -i 'version')"

# What iasl says when something is wrong with a table: warnings and errors on
# its output, "****" notes and unknown/invalid fields in the disassembly.
bad_output='warning|error|invalid|unknown|\*\*\*\*|does not contain|terminates'

# expect DSL REGEX WHAT: the disassembly has a line matching REGEX.
expect() {
	if grep -qE -- "$2" "$1"; then
		echo "ok: $3"
	else
		fail "$1: no line matching /$2/ ($3)"
	fi
}

# gas_address DSL TITLE: the Space ID and Address lines of the Generic Address
# Structure titled TITLE, as "SPACE ADDRESS" (e.g. "01 0000000000000604").
gas_address() {
	awk -v title="$2" '
		index($0, title " :") { found = 1; next }
		found && /Space ID/ { space = $NF == "[SystemIO]" ? $(NF - 1) : $NF }
		found && /Address :/ { print space, $NF; exit }' "$1"
}

# disassemble NAME: iasl -d NAME.dat in the current directory, clean and exit 0.
disassemble() {
	local name=$1 rc
	iasl -d "$name.dat" >"$name.out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "iasl -d $name.dat exited $rc: $(cat "$name.out")"
	elif [ ! -s "$name.dsl" ]; then
		fail "iasl -d $name.dat wrote no $name.dsl: $(cat "$name.out")"
	elif grep -qiE -- "$bad_output" "$name.out" "$name.dsl"; then
		fail "iasl complains about $name: $(grep -hiE -- "$bad_output" "$name.out" "$name.dsl")"
	else
		echo "ok: iasl -d $name.dat, no errors or warnings"
	fi
}

# The RSDP has no standard header ("RSD PTR " then a checksum): some iasl
# versions (Debian's 20200925 among them) read bytes 4-7 as a table length and
# refuse the file. Disassemble it where iasl can; check its checksums either way.
check_rsdp() {
	local b sum20=0 sum36=0 i
	iasl -d rsdp.dat >rsdp.out 2>&1
	if [ -s rsdp.dsl ]; then
		disassemble rsdp
		expect rsdp.dsl 'Revision : 02' "RSDP revision 2"
		expect rsdp.dsl 'XSDT Address : 00000000000E1000' "RSDP points at the XSDT"
	else
		echo "note: this iasl cannot read an RSDP file; checking its checksums here"
	fi
	read -ra b < <(od -An -v -tu1 rsdp.dat | tr -s ' \n' ' ')
	[ "${#b[@]}" -eq 36 ] || fail "rsdp.dat is ${#b[@]} bytes, want 36"
	for ((i = 0; i < ${#b[@]}; i++)); do
		((i < 20)) && sum20=$((sum20 + b[i]))
		sum36=$((sum36 + b[i]))
	done
	[ $((sum20 % 256)) -eq 0 ] || fail "RSDP: the first 20 bytes sum to $((sum20 % 256))"
	[ $((sum36 % 256)) -eq 0 ] || fail "RSDP: the 36 bytes sum to $((sum36 % 256))"
	[ "$(head -c 8 rsdp.dat)" = "RSD PTR " ] || fail "RSDP signature"
}

check_fadt() {
	expect facp.dsl 'Hardware Reduced \((V5|ACPI 5)\) *: 1' "FADT hardware-reduced flag"
	expect facp.dsl 'Reset Register Supported \(V2\) *: 1' "FADT reset register supported"
	expect facp.dsl 'Value to cause reset : 01' "FADT reset value 1"
	expect facp.dsl 'DSDT Address : 00000000000E4000' "FADT X_DSDT"
	local reg want got
	for reg in "Reset Register=01 0000000000000604" \
		"Sleep Control Register=01 0000000000000600" \
		"Sleep Status Register=01 0000000000000601"; do
		want=${reg#*=}
		got=$(gas_address facp.dsl "${reg%%=*}")
		if [ "$got" = "$want" ]; then
			echo "ok: ${reg%%=*} is system I/O ${want#* }"
		else
			fail "FADT ${reg%%=*}: '$got', want '$want'"
		fi
	done
}

check_madt() {
	local n=$1 cpus enabled i
	cpus=$(grep -c 'Subtable Type : 00 \[Processor Local APIC\]' apic.dsl)
	enabled=$(grep -c 'Processor Enabled : 1' apic.dsl)
	[ "$cpus" -eq "$n" ] || fail "MADT lists $cpus processors, want $n"
	[ "$enabled" -eq "$n" ] || fail "MADT has $enabled enabled processors, want $n"
	for ((i = 0; i < n; i++)); do
		grep -q "Local Apic ID : $(printf '%02X' "$i")\$" apic.dsl ||
			fail "MADT has no Local APIC ID $i"
	done
	expect apic.dsl 'Subtable Type : 01 \[I/O APIC\]' "MADT has an IOAPIC"
	expect apic.dsl 'Address : FEC00000' "IOAPIC at 0xfec00000"
	expect apic.dsl 'Local Apic Address : FEE00000' "LAPIC at 0xfee00000"
	expect apic.dsl 'Subtable Type : 04 \[Local APIC NMI\]' "MADT has a LAPIC NMI"
	[ "$cpus" -eq "$n" ] && echo "ok: MADT lists $n processors"
}

check_dsdt() {
	expect dsdt.dsl 'EisaId \("PNP0501"\)' "DSDT has COM1 (PNP0501)"
	expect dsdt.dsl 'Name \(_HID, "QEMU0001"\)' "DSDT has the panic device (QEMU0001)"
	expect dsdt.dsl 'Name \(\\_S5, Package' "DSDT has \\_S5"
	expect dsdt.dsl '0x03F8, +// Range Minimum' "COM1 at 0x3f8"
	# Round trip: what iasl disassembled must compile with no error or warning.
	if iasl -p recompiled dsdt.dsl >recompile.out 2>&1 &&
		grep -q 'Compilation successful. 0 Errors, 0 Warnings' recompile.out; then
		echo "ok: the disassembled DSDT compiles with 0 errors, 0 warnings"
	else
		fail "the disassembled DSDT does not compile cleanly: $(cat recompile.out)"
	fi
}

for n in 1 2 64; do
	dir=$tmp/cpus$n
	mkdir -p "$dir"
	echo "--- --cpus $n"
	if ! "$minivmm" --dump-acpi "$dir" --cpus "$n"; then
		fail "minivmm --dump-acpi $dir --cpus $n failed"
		continue
	fi
	cd "$dir" || exit 1
	for name in xsdt facp apic dsdt; do
		disassemble "$name"
	done
	check_rsdp
	check_fadt
	check_madt "$n"
	check_dsdt
	cd "$tmp" || exit 1
done

# --disk: one LNRO0005 virtio-mmio device per disk, 4 KiB windows from 0xd0000000 and edge
# interrupts on GSIs from 16 (arch/x86_64/layout.h). --dump-acpi does not open the images.
check_virtio() {
	local i
	for i in 0 1 2; do
		expect dsdt.dsl "Device \(VR0$i\)" "DSDT has virtio-mmio device VR0$i"
		expect dsdt.dsl "0xD000${i}000, +// Address Base" "VR0$i at 0xd000${i}000"
		expect dsdt.dsl "0x0000001$i," "VR0$i on GSI $((16 + i))"
	done
	[ "$(grep -c '"LNRO0005"' dsdt.dsl)" -eq 3 ] && echo "ok: three LNRO0005 devices"
	expect dsdt.dsl 'Interrupt \(ResourceConsumer, Edge, ActiveHigh, Exclusive' "edge interrupts"
}

dir=$tmp/disks
mkdir -p "$dir"
echo "--- --disk x3"
if "$minivmm" --dump-acpi "$dir" --disk a.img --disk b.img,ro --disk c.img,cache=none; then
	cd "$dir" || exit 1
	disassemble dsdt
	check_dsdt
	check_virtio
	cd "$tmp" || exit 1
else
	fail "minivmm --dump-acpi $dir --disk ... failed"
fi

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all ACPI tables pass iasl"
