#!/bin/sh
# shellcheck shell=sh
# /init of the guest test initrd (assets/<arch>/initrd.cpio.gz), run by busybox sh as PID 1.
# It proves the guest reached userspace, then does what `minivmm.action=` on the kernel
# command line asks, so one initrd serves every boot test:
#   poweroff (default) | reboot | panic | cpus | acpi-check | shell | script | exit:N | hang
# It also writes "boot complete" to minivmm's debug port 0x502 (harmless elsewhere), so
# `minivmm -v` and the benchmarks can time the boot to userspace.
# Markers go to the console (stdout is /dev/console) and to /dev/kmsg: the kmsg copy is
# printed by the kernel's own console driver, which still works when a young VMM's UART
# interrupts do not (it is hidden under `quiet`).

say() {
	echo "$1"
	echo "$1" >/dev/kmsg 2>/dev/null
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# Drivers Debian builds as modules (panic device, virtio), dependencies first.
if [ -f /lib/modules/guest.order ]; then
	while read -r module; do
		insmod "/lib/modules/$module" || say "MINIVMM-INIT-INSMOD-FAILED=$module"
	done </lib/modules/guest.order
fi

say MINIVMM-INIT-OK

# One byte to an I/O port (tests/guest/portio.c: the kernel has no /dev/port).
outb() {
	/bin/portio outb "$2" "$1" 2>/dev/null
}

outb 123 0x502

action=poweroff
# Dotted parameters never reach init's argv or environment; read them from /proc/cmdline
# (one line, split into words on purpose).
# shellcheck disable=SC2013
for arg in $(cat /proc/cmdline); do
	case $arg in
	minivmm.action=*) action=${arg#minivmm.action=} ;;
	esac
done

case $action in
poweroff) poweroff -f ;;
reboot) reboot -f ;;
panic) echo c >/proc/sysrq-trigger ;;
cpus)
	say "MINIVMM-CPUS=$(nproc)"
	poweroff -f
	;;
acpi-check)
	# Every ACPI complaint the kernel logged about minivmm's tables, then power off.
	# ACPICA's own words for problems: "ACPI Error", "ACPI BIOS Warning (bug)", ...
	dmesg | grep -E 'ACPI (BIOS )?(Error|Warning|Exception)' | sed 's/^/MINIVMM-ACPI-PROBLEM: /'
	say MINIVMM-ACPI-CHECKED
	poweroff -f
	;;
shell) setsid -c sh ;;
hang)
	# Stays up until the VMM stops it (signals, --timeout).
	while :; do sleep 3600; done
	;;
exit:*)
	# minivmm's debug port: the byte written becomes minivmm's exit code.
	outb "${action#exit:}" 0x501
	;;
script)
	if [ -f /minivmm-script ]; then
		sh /minivmm-script
	else
		say MINIVMM-INIT-NO-SCRIPT
	fi
	;;
*)
	say "MINIVMM-INIT-BAD-ACTION=$action"
	poweroff -f
	;;
esac

# Reached when the action returned (a script ended, the shell exited, a halt was refused).
reboot -f
