#!/bin/sh
# shellcheck shell=sh
# Runs every scenario of a list one after another, each with a hard timeout, and prints the
# @@MINIVMM-...@@ markers that harness.py parses. Nested mode: L1's /init (l1-init.sh) runs it
# inside L1 under busybox sh. Direct mode: run.sh runs it on the host (dash, bash).
#
# Usage: scenario-runner.sh LIST ENV STATE READY_INFO
#   LIST        one line per scenario: "<name>\t<timeout seconds>\t<shell command>"
#               (harness.py l1-list)
#   ENV         sourced with `set -a`: MINIVMM, VMLINUX, BZIMAGE, INITRD, CMDLINE, OPTS
#               (lib.sh write_scenario_env)
#   STATE       a private writable directory: the watchdog's flag and, under tmp/<name>/,
#               each scenario's own empty $TMPDIR, which is also its working directory
#   READY_INFO  words for the READY marker, e.g. "kvm=kvm-amd.order" or "kvm=host direct=1"
#
# Markers (their format is part of the harness):
#   @@MINIVMM-L1-READY uptime_ms=N READY_INFO@@
#   @@MINIVMM-SCENARIO-BEGIN <name>@@
#   @@MINIVMM-SCENARIO-END <name> rc=N ms=N timeout=0|1@@
#   @@MINIVMM-L1-DONE scenarios=N@@
# SIGTERM, SIGINT or SIGHUP (run.sh's whole-run timeout, Ctrl-C) kill the running scenario's
# session and its watchdog, then end the runner with 128 + the signal number.
# No `set -e`: in L1 this runs under PID 1, and one failing command must not lose the results.

GRACE_SECS=5 # between SIGTERM and SIGKILL of a scenario that overran its timeout
TAB=$(printf '\t')

marker() {
	echo "@@MINIVMM-$*@@"
}

uptime_ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# Sends SIGTERM, then SIGKILL, to process group $1 once $2 seconds have passed. It runs in
# its own session so that stopping it also stops its sleep.
start_watchdog() {
	setsid sh -c "sleep $2; : >'$state/timed-out'; kill -TERM -$1; sleep $GRACE_SECS;
		kill -KILL -$1" </dev/null &
	watchdog=$!
}

# Killing the pid too matters when a scenario ends so fast that the watchdog has not yet
# become a session leader; after that, the group kill gets its sleep.
stop_watchdog() {
	kill -KILL "$watchdog" 2>/dev/null
	kill -KILL "-$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	watchdog=
}

# Runs one scenario in a session of its own, so a timeout stops the command and anything it
# started. Its output goes straight to stdout (L1: the console), between the two markers.
run_scenario() {
	name=$1
	dir=$state/tmp/$name
	rm -rf "$state/timed-out" "$dir"
	mkdir -p "$dir"
	marker "SCENARIO-BEGIN $name"
	start=$(uptime_ms)
	# A background child of a non-interactive shell is no process-group leader, so setsid
	# execs in place and the command's pid is also its process group id.
	(cd "$dir" && TMPDIR=$dir exec setsid sh -c "$3") </dev/null &
	pid=$!
	start_watchdog "$pid" "$2"
	wait "$pid"
	rc=$?
	pid=
	stop_watchdog
	timed_out=0
	[ ! -e "$state/timed-out" ] || timed_out=1
	marker "SCENARIO-END $name rc=$rc ms=$(($(uptime_ms) - start)) timeout=$timed_out"
}

# Whole-run timeout or Ctrl-C: nothing of the running scenario may outlive the runner.
abort() {
	for p in $pid $watchdog; do
		kill -KILL "$p" 2>/dev/null
		kill -KILL "-$p" 2>/dev/null
	done
	echo "scenario-runner: stopped by SIG$1" >&2
	exit "$2"
}

main() {
	if [ $# -ne 4 ]; then
		echo "usage: scenario-runner.sh LIST ENV STATE READY_INFO" >&2
		exit 2
	fi
	list=$1
	state=$3
	pid=
	watchdog=
	trap 'abort TERM 143' TERM
	trap 'abort INT 130' INT
	trap 'abort HUP 129' HUP
	set -a
	# shellcheck disable=SC1090 # written at run time
	case $2 in
	/*) . "$2" ;;
	*) . "./$2" ;; # `.` looks a name without a slash up in $PATH
	esac
	set +a
	mkdir -p "$state/tmp"
	marker "L1-READY uptime_ms=$(uptime_ms) $4"
	count=0
	while IFS=$TAB read -r name secs cmd; do
		run_scenario "$name" "$secs" "$cmd"
		count=$((count + 1))
	done <"$list"
	marker "L1-DONE scenarios=$count"
}

main "$@"
