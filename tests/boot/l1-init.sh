#!/bin/sh
# shellcheck shell=sh
# /init of the L1 initramfs (built by build-l1.sh, booted by run.sh under QEMU TCG).
# It loads real KVM, then hands over to /scenario-runner.sh, which runs every scenario of
# /scenarios.list in order with the variables of /scenarios.env, and powers off at the end.
# The host parses the @@MINIVMM-...@@ markers (harness.py); their format is part of the
# harness. This script prints only
#   @@MINIVMM-L1-FATAL <reason>@@
# the runner prints L1-READY, SCENARIO-BEGIN/END and L1-DONE (see scenario-runner.sh).
# No `set -e`: if PID 1 exits, L1 panics and the remaining results are lost.

marker() {
	echo "@@MINIVMM-$*@@"
}

fatal() {
	marker "L1-FATAL $*"
	poweroff -f
	sleep 60 # poweroff -f does not return; keep PID 1 alive if it ever does
}

mount_filesystems() {
	# No applet links exist yet, and busybox finds itself through /proc/self/exe.
	/bin/busybox mount -t proc proc /proc
	/bin/busybox --install -s /bin # scenario commands may use any applet
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mount -t tmpfs tmpfs /tmp
}

# Loads the KVM vendor module matching L1's CPU, dependencies first. arm64's Debian kernel
# has KVM built in: /dev/kvm is there from the start.
load_kvm() {
	if [ -c /dev/kvm ]; then
		kvm_order=built-in
		return
	fi
	if grep -qw svm /proc/cpuinfo; then
		kvm_order=kvm-amd.order
	elif grep -qw vmx /proc/cpuinfo; then
		kvm_order=kvm-intel.order
	else
		fatal "no /dev/kvm, and L1 CPU has neither svm nor vmx (QEMU needs -cpu max; arm64: virtualization=on)"
	fi
	while read -r ko; do
		insmod "/lib/modules/$ko" || fatal "insmod /lib/modules/$ko failed"
	done <"/lib/modules/$kvm_order"
	[ -c /dev/kvm ] || fatal "no /dev/kvm after loading $(cat "/lib/modules/$kvm_order")"
}

main() {
	mount_filesystems
	load_kvm
	[ -x /bin/minivmm ] || fatal "/bin/minivmm missing or not executable"
	cd / || fatal "cannot cd /"
	sh /scenario-runner.sh /scenarios.list /scenarios.env /tmp/boot "kvm=$kvm_order"
	poweroff -f
	sleep 60
}

main
