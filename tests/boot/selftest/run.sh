#!/usr/bin/env bash
# Smoke test of the boot harness itself. It builds kvm-probe (a static stand-in for
# minivmm), checks that missing inputs fail loudly, boots L1 once with scenarios.txt and
# checks every verdict against expected.tsv (pass, wrong exit, missing and unwanted output,
# three kinds of timeout), then replays a cut-off console log to check the verdicts for a
# run that dies midway (INCOMPLETE, NOT-RUN).
#
# Usage: tests/boot/selftest/run.sh [--workdir DIR]   (default assets/boot-run/selftest)
# Exit status 0 when the harness behaved as expected.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
boot=$(dirname "$here")
top=$(cd "$boot/../.." && pwd)
workdir=$top/assets/boot-run/selftest
failures=0

note() { echo "selftest: $*"; }
bad() {
	echo "selftest: FAILED: $*" >&2
	failures=$((failures + 1))
}

# Runs "$@", which must fail with exit status 1 and say $1 on stderr.
expect_loud_failure() {
	local what=$1 rc=0
	shift
	"$@" >"$workdir/neg.out" 2>&1 || rc=$?
	if [ "$rc" -eq 1 ] && grep -q "ERROR.*$what\|harness: .*$what" "$workdir/neg.out"; then
		note "ok: fails loudly on $what"
	else
		bad "expected a loud failure about '$what' (exit $rc):"
		sed 's/^/  | /' "$workdir/neg.out" >&2
	fi
}

check_inputs_fail_loudly() {
	local empty=$workdir/empty-assets bad_scenarios=$workdir/bad-scenarios.txt
	mkdir -p "$empty"
	printf 'name=x\ntimeout=soon\ncmd=true\n' >"$bad_scenarios"
	expect_loud_failure "test binary" \
		"$boot/run.sh" --binary "$workdir/no-such-binary" --scenarios "$here/scenarios.txt"
	expect_loud_failure "asset" "$boot/run.sh" --binary "$probe" --assets "$empty" \
		--scenarios "$here/scenarios.txt"
	expect_loud_failure "not a static" \
		"$boot/run.sh" --binary /bin/true --scenarios "$here/scenarios.txt"
	expect_loud_failure "timeout must be a number" \
		"$boot/run.sh" --binary "$probe" --scenarios "$bad_scenarios"
}

# Compares the result column of results.tsv ($1) with the expected verdicts ($2).
compare_results() {
	local got=$1 want=$2 name status
	while read -r name status; do
		if ! grep -q "^$name	$status	" "$got"; then
			bad "$name: expected $status, got '$(grep "^$name	" "$got" | cut -f2)'"
		fi
	done <"$want"
	[ "$(wc -l <"$got")" -eq "$(wc -l <"$want")" ] || bad "$got and $want differ in length"
}

check_full_run() {
	local rc=0
	"$boot/run.sh" --binary "$probe" --scenarios "$here/scenarios.txt" \
		--workdir "$workdir" || rc=$?
	[ "$rc" -eq 1 ] || bad "run.sh exited $rc, expected 1 (some scenarios are meant to fail)"
	compare_results "$workdir/results.tsv" "$here/expected.tsv"
}

# A log cut off inside timeout-kill, as if the whole-run timeout had struck there.
check_cut_off_run() {
	local log=$workdir/cut-off.log want=$workdir/cut-off.expected rc=0
	sed '/@@MINIVMM-SCENARIO-BEGIN timeout-kill@@/q' "$workdir/console.log" >"$log"
	echo "@@MINIVMM-HOST-QEMU-EXIT rc=124@@" >>"$log"
	sed -e '/^timeout-kill	/,$d' "$here/expected.tsv" >"$want"
	printf 'timeout-kill\tINCOMPLETE\n' >>"$want"
	sed -n '/^timeout-pipeline	/,$s/	.*/	NOT-RUN/p' "$here/expected.tsv" >>"$want"
	python3 "$boot/harness.py" report "$here/scenarios.txt" "$log" "$workdir/cut-off.tsv" \
		>"$workdir/cut-off.report" || rc=$?
	[ "$rc" -eq 1 ] || bad "report on a cut-off log exited $rc, expected 1"
	grep -q "whole-run timeout" "$workdir/cut-off.report" || bad "cut-off report does not name the whole-run timeout"
	compare_results "$workdir/cut-off.tsv" "$want"
}

main() {
	case ${1:-} in
	--workdir) workdir=${2:?--workdir needs a directory} ;;
	"") ;;
	*)
		sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
		exit 2
		;;
	esac
	mkdir -p "$workdir"
	probe=$workdir/kvm-probe
	gcc -static -O2 -Wall -Wextra -Werror -o "$probe" "$here/kvm-probe.c"
	check_inputs_fail_loudly
	check_full_run
	check_cut_off_run
	if [ "$failures" -ne 0 ]; then
		echo "selftest: $failures check(s) FAILED" >&2
		exit 1
	fi
	note "OK: the harness gave every verdict expected.tsv asks for"
}

main "$@"
