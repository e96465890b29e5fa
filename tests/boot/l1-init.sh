#!/bin/sh
# shellcheck shell=sh
# /init of the L1 initramfs (built by build-l1.sh, booted by run.sh under QEMU TCG).
# It loads real KVM, then runs every scenario of /scenarios.list in order and powers off.
# Each list line is "<name>\t<timeout seconds>\t<shell command>". The host parses the
# @@MINIVMM-...@@ markers below (harness.py); their format is part of the harness:
#   @@MINIVMM-L1-READY uptime_ms=N kvm=<order file>@@
#   @@MINIVMM-L1-FATAL <reason>@@
#   @@MINIVMM-SCENARIO-BEGIN <name>@@
#   @@MINIVMM-SCENARIO-END <name> rc=N ms=N timeout=0|1@@
#   @@MINIVMM-L1-DONE scenarios=N@@
# No `set -e`: if PID 1 exits, L1 panics and the remaining results are lost.

GRACE_SECS=5 # between SIGTERM and SIGKILL of a scenario that overran its timeout
TAB=$(printf '\t')

marker() {
	echo "@@MINIVMM-$*@@"
}

fatal() {
	marker "L1-FATAL $*"
	poweroff -f
	sleep 60 # poweroff -f does not return; keep PID 1 alive if it ever does
}

uptime_ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

mount_filesystems() {
	# No applet links exist yet, and busybox finds itself through /proc/self/exe.
	/bin/busybox mount -t proc proc /proc
	/bin/busybox --install -s /bin # scenario commands may use any applet
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mount -t tmpfs tmpfs /tmp
}

# Loads the KVM vendor module matching L1's CPU, dependencies first.
load_kvm() {
	if grep -qw svm /proc/cpuinfo; then
		kvm_order=kvm-amd.order
	elif grep -qw vmx /proc/cpuinfo; then
		kvm_order=kvm-intel.order
	else
		fatal "L1 CPU has neither svm nor vmx (QEMU needs -cpu max)"
	fi
	while read -r ko; do
		insmod "/lib/modules/$ko" || fatal "insmod /lib/modules/$ko failed"
	done <"/lib/modules/$kvm_order"
	[ -c /dev/kvm ] || fatal "no /dev/kvm after loading $(cat "/lib/modules/$kvm_order")"
}

# Sends SIGTERM, then SIGKILL, to process group $1 once $2 seconds have passed. It runs in
# its own session so that stopping it also stops its sleep.
start_watchdog() {
	setsid sh -c "sleep $2; : >/tmp/timed-out; kill -s TERM -$1; sleep $GRACE_SECS;
		kill -s KILL -$1" </dev/null &
	watchdog=$!
}

stop_watchdog() {
	kill -s KILL "-$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
}

# Runs one scenario in a session of its own, so a timeout stops the command and anything it
# started. Its output goes straight to the console, between the two markers.
run_scenario() {
	name=$1
	rm -f /tmp/timed-out
	marker "SCENARIO-BEGIN $name"
	start=$(uptime_ms)
	# A background child of PID 1 is no process-group leader, so setsid execs in place and
	# the command's pid is also its process group id.
	setsid sh -c "$3" </dev/null &
	pid=$!
	start_watchdog "$pid" "$2"
	wait "$pid"
	rc=$?
	stop_watchdog
	timed_out=0
	[ ! -e /tmp/timed-out ] || timed_out=1
	marker "SCENARIO-END $name rc=$rc ms=$(($(uptime_ms) - start)) timeout=$timed_out"
}

main() {
	mount_filesystems
	load_kvm
	[ -x /bin/minivmm ] || fatal "/bin/minivmm missing or not executable"
	marker "L1-READY uptime_ms=$(uptime_ms) kvm=$kvm_order"
	count=0
	while IFS=$TAB read -r name secs cmd; do
		run_scenario "$name" "$secs" "$cmd"
		count=$((count + 1))
	done </scenarios.list
	marker "L1-DONE scenarios=$count"
	poweroff -f
	sleep 60
}

main
