#!/bin/sh
# shellcheck shell=sh
# /init of the guest test initrd (assets/<arch>/initrd.cpio.gz), run by busybox sh as PID 1.
# It proves the guest reached userspace, then does what `minivmm.action=` on the kernel
# command line asks, so one initrd serves every boot test:
#   poweroff (default) | reboot | panic | cpus | acpi-check | shell | script | exit:N | hang
#   | disk-read | disk-write | disk-sync-hang | disk-ro-check | disk-rebind   (virtio-blk)
# It also writes "boot complete" to minivmm's debug device (harmless elsewhere), so
# `minivmm -v` and the benchmarks can time the boot to userspace. The debug device is port
# 0x501/0x502 on x86 (written with tests/guest/portio.c: the kernel has no /dev/port) and
# MMIO 0x09100000/+1 on arm64 (written through /dev/mem with busybox devmem).
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

# debug_write OFFSET VALUE: one byte to minivmm's debug device; offset 0 ends minivmm with
# VALUE as its exit code, offset 1 records "boot complete".
debug_write() {
	if [ -x /bin/portio ]; then
		/bin/portio outb $((0x501 + $1)) "$2" 2>/dev/null
	else
		devmem $((0x09100000 + $1)) 8 "$2" 2>/dev/null
	fi
}

debug_write 1 123

action=poweroff
disk=vda
discard=
# Dotted parameters never reach init's argv or environment; read them from /proc/cmdline
# (one line, split into words on purpose).
# shellcheck disable=SC2013
for arg in $(cat /proc/cmdline); do
	case $arg in
	minivmm.action=*) action=${arg#minivmm.action=} ;;
	minivmm.disk=*) disk=${arg#minivmm.disk=} ;;
	minivmm.discard=*) discard=${arg#minivmm.discard=} ;;
	esac
done

# The disk actions work on /dev/$disk (minivmm.disk=, default vda). A pattern to write comes
# as /disk-pattern, in a second cpio archive the scenario appends to the initrd; the host
# checks the image byte for byte afterwards. Reads bypass the page cache (iflag=direct), so
# what they see came from the device. Applets beyond the initrd's links run as `busybox X`.

# Writes the pattern (conv=fsync: a FLUSH), syncs, reads it back from the device; with
# minivmm.discard=OFFSET:LEN, then discards that range (blkdiscard: DISCARD) and syncs.
disk_write() {
	dev=/dev/$disk
	size=$(busybox wc -c </disk-pattern)
	if ! dd if=/disk-pattern of="$dev" bs=64k conv=fsync 2>/dev/null; then
		say MINIVMM-DISK-WRITE-FAILED
		return
	fi
	sync
	say MINIVMM-DISK-WRITTEN
	if dd if="$dev" bs=4k count=$((size / 4096)) iflag=direct 2>/dev/null | cmp -s - /disk-pattern; then
		say MINIVMM-DISK-READBACK-OK
	else
		say MINIVMM-DISK-READBACK-MISMATCH
	fi
	if [ -n "$discard" ] && busybox blkdiscard -o "${discard%:*}" -l "${discard#*:}" "$dev"; then
		sync
		say MINIVMM-DISK-DISCARDED
	fi
}

# What the device gives: size, serial (GET_ID), and the md5 of everything on it.
disk_read() {
	dev=/dev/$disk
	sum=$(dd if="$dev" bs=64k iflag=direct 2>/dev/null | md5sum)
	say "MINIVMM-DISK-SIZE=$(blockdev --getsize64 "$dev")"
	say "MINIVMM-DISK-SERIAL=$(cat "/sys/block/$disk/serial")"
	say "MINIVMM-DISK-MD5=${sum%% *}"
}

# A read-only disk: the kernel sees it read-only and a write does not get through.
disk_ro_check() {
	dev=/dev/$disk
	say "MINIVMM-DISK-RO=$(cat "/sys/block/$disk/ro")"
	if dd if=/dev/zero of="$dev" bs=4k count=1 oflag=direct 2>/dev/null; then
		say MINIVMM-DISK-RO-WRITE-ACCEPTED
	else
		say MINIVMM-DISK-RO-WRITE-REFUSED
	fi
}

# The driver lets go of the disk and takes it again (sysfs unbind/bind): Linux resets the
# device and deletes its queue (QUEUE_READY 0), then probes it from scratch. The data
# reads the same before and after, and a write after the rebind reaches the image.
disk_rebind() {
	dev=/dev/$disk
	drv=/sys/bus/virtio/drivers/virtio_blk
	id=$(cd "/sys/block/$disk/device" && pwd -P)
	id=${id##*/}
	before=$(dd if="$dev" bs=64k iflag=direct 2>/dev/null | md5sum)
	echo "$id" >"$drv/unbind" && say "MINIVMM-DISK-UNBOUND=$id"
	[ -e "/sys/block/$disk" ] || say MINIVMM-DISK-GONE
	echo "$id" >"$drv/bind" && say MINIVMM-DISK-REBOUND
	n=0
	while [ ! -b "$dev" ] && [ $n -lt 20 ]; do
		sleep 1
		n=$((n + 1))
	done
	after=$(dd if="$dev" bs=64k iflag=direct 2>/dev/null | md5sum)
	if [ "$before" = "$after" ]; then
		say "MINIVMM-DISK-SAME-AFTER-REBIND=${after%% *}"
	else
		say MINIVMM-DISK-CHANGED-AFTER-REBIND
	fi
	printf MINIVMM-WRITTEN-AFTER-REBIND | dd of="$dev" bs=512 conv=sync,fsync 2>/dev/null &&
		say MINIVMM-DISK-WROTE-AFTER-REBIND
}

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
disk-read)
	disk_read
	poweroff -f
	;;
disk-write)
	disk_write
	poweroff -f
	;;
disk-sync-hang)
	# Writes the pattern, syncs, says so and waits to be killed (SIGKILL of minivmm).
	dd if=/disk-pattern of="/dev/$disk" bs=64k 2>/dev/null && sync && say MINIVMM-DISK-SYNCED
	while :; do sleep 3600; done
	;;
disk-rebind)
	disk_rebind
	poweroff -f
	;;
disk-ro-check)
	disk_ro_check
	disk_read
	poweroff -f
	;;
shell) setsid -c sh ;;
hang)
	# Stays up until the VMM stops it (signals, --timeout).
	while :; do sleep 3600; done
	;;
exit:*)
	# minivmm's debug device: the byte written becomes minivmm's exit code.
	debug_write 0 "${action#exit:}"
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
