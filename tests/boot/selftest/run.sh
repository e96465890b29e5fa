#!/usr/bin/env bash
# Smoke test of the boot harness itself. It builds kvm-probe (a static stand-in for
# minivmm), checks that missing inputs fail loudly, then
#   - nested: boots L1 once with scenarios.txt (run.sh --nested --tap) and checks every
#     verdict against expected.tsv (pass, wrong exit, missing and unwanted output, three
#     kinds of timeout), in results.tsv and in the TAP stream;
#   - direct: runs direct.txt on this host (run.sh --direct, plain shell scenarios that need
#     no KVM) in table and TAP mode, checks the verdicts against direct-expected.tsv, the
#     60-line failure output, and that a whole-run timeout leaves nothing running and still
#     reports every scenario; without a usable /dev/kvm it checks that --direct fails loudly;
#   - replays a cut-off console log to check the verdicts for a run that dies midway
#     (INCOMPLETE, NOT-RUN), in the table and as TAP `not ok` lines.
#
# Usage: tests/boot/selftest/run.sh [--workdir DIR]   (default assets/boot-run/selftest)
# Exit status 0 when the harness behaved as expected.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
boot=$(dirname "$here")
top=$(cd "$boot/../.." && pwd)
workdir=$top/assets/boot-run/selftest
failures=0
# Quotes and a dollar sign: the variables must reach the scenarios unchanged.
var_opts=(--cmdline "console=ttyS0 it's \"quoted\" \$HOME" --minivmm-opts "--say opts-reached-probe")

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
	expect_loud_failure "test binary" "$boot/run.sh" --nested \
		--binary "$workdir/no-such-binary" --scenarios "$here/scenarios.txt"
	expect_loud_failure "asset" "$boot/run.sh" --nested --binary "$probe" --assets "$empty" \
		--scenarios "$here/scenarios.txt"
	expect_loud_failure "not a static" "$boot/run.sh" --nested \
		--binary /bin/true --scenarios "$here/scenarios.txt"
	expect_loud_failure "timeout must be a number" "$boot/run.sh" --nested \
		--binary "$probe" --scenarios "$bad_scenarios"
	expect_loud_failure "guest initrd" "$boot/run.sh" --nested --binary "$probe" \
		--initrd "$workdir/no-such-initrd" --scenarios "$here/scenarios.txt"
	# In TAP mode a stop before the first scenario is a TAP "Bail out!".
	"$boot/run.sh" --nested --tap --binary "$probe" --assets "$empty" \
		--scenarios "$here/scenarios.txt" >"$workdir/neg.tap" 2>/dev/null || true
	grep -q "^Bail out! .*asset" "$workdir/neg.tap" || bad "--tap: no 'Bail out!' for a missing asset"
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

# Checks the TAP stream $1 against the verdicts of $2: only TAP on stdout, the plan first,
# then one line per scenario in file order, `ok` exactly for PASS.
check_tap() {
	local tap=$1 want=$2 n=0 name status word
	[ "$(head -n1 "$tap")" = "1..$(wc -l <"$want")" ] || bad "$tap: plan is '$(head -n1 "$tap")'"
	if grep -vqE '^(1\.\.[0-9]+|(not )?ok [0-9]+ - [A-Za-z0-9._-]+( # [0-9]+\.[0-9] s)?|#.*)$' "$tap"; then
		bad "$tap: lines that are not TAP: $(grep -vE '^(1\.\.|(not )?ok |#)' "$tap" | head -3)"
	fi
	while read -r name status; do
		n=$((n + 1))
		word="not ok"
		[ "$status" != PASS ] || word=ok
		grep -qE "^$word $n - $name( # [0-9]+\.[0-9] s)?\$" "$tap" || bad "$tap: no '$word $n - $name'"
	done <"$want"
	[ "$(grep -cE '^(not )?ok ' "$tap")" -eq "$n" ] || bad "$tap: not exactly $n test lines"
}

check_nested_run() {
	local rc=0
	"$boot/run.sh" --nested --tap --binary "$probe" --scenarios "$here/scenarios.txt" \
		--workdir "$workdir" "${var_opts[@]}" >"$workdir/nested.tap" || rc=$?
	[ "$rc" -eq 1 ] || bad "nested run.sh exited $rc, expected 1 (some scenarios are meant to fail)"
	compare_results "$workdir/results.tsv" "$here/expected.tsv"
	check_tap "$workdir/nested.tap" "$here/expected.tsv"
	grep -q "^# TIMEOUT: still running after 3 s, SIGKILL: SIGTERM was ignored" \
		"$workdir/nested.tap" || bad "nested TAP: no diagnostics for timeout-kill"
	note "nested run checked"
}

# Direct mode on this host: the table run, the TAP run, and a whole-run timeout.
check_direct_runs() {
	local dir=$workdir/direct rc=0 tap=$workdir/direct/direct.tap
	if ! (: <>/dev/kvm) 2>/dev/null; then
		expect_loud_failure "--direct" "$boot/run.sh" --direct --binary "$probe" \
			--scenarios "$here/direct.txt"
		note "no usable /dev/kvm here: direct runs skipped, their loud refusal checked"
		return
	fi
	mkdir -p "$dir"
	"$boot/run.sh" --direct --binary "$probe" --scenarios "$here/direct.txt" \
		--workdir "$dir" "${var_opts[@]}" >"$dir/table.out" 2>&1 || rc=$?
	[ "$rc" -eq 1 ] || bad "direct run.sh exited $rc, expected 1"
	compare_results "$dir/results.tsv" "$here/direct-expected.tsv"
	grep -q "^long-output  *FAIL" "$dir/table.out" || bad "direct: no table on stdout"
	grep -q "last 60 of 200 output lines" "$dir/table.out" || bad "direct table: no 60-line tail"

	rc=0
	"$boot/run.sh" --direct --tap --binary "$probe" --scenarios "$here/direct.txt" \
		--workdir "$dir" "${var_opts[@]}" >"$tap" 2>"$dir/tap.err" || rc=$?
	[ "$rc" -eq 1 ] || bad "direct run.sh --tap exited $rc, expected 1"
	check_tap "$tap" "$here/direct-expected.tsv"
	grep -q "^# last 60 of 200 output lines:" "$tap" || bad "direct TAP: no 60-line tail"
	if ! grep -qx "#   | 141" "$tap" || ! grep -qx "#   | 200" "$tap" || grep -qx "#   | 140" "$tap"; then
		bad "direct TAP: the tail is not lines 141..200"
	fi
	grep -q "^long-output  *FAIL" "$dir/tap.err" || bad "direct --tap: no table on stderr"

	check_direct_whole_run_timeout
	note "direct runs checked"
}

# A whole-run timeout in the middle of a scenario: it is INCOMPLETE, the next one NOT-RUN,
# both `not ok`, and the running scenario's processes are gone when run.sh returns.
check_direct_whole_run_timeout() {
	local dir=$workdir/direct-cut rc=0
	mkdir -p "$dir"
	printf 'name=hangs\ntimeout=60\ncmd=echo started; sleep 47 | cat\nname=never\ncmd=true\n' \
		>"$dir/scenarios.txt"
	printf 'hangs\tINCOMPLETE\nnever\tNOT-RUN\n' >"$dir/expected.tsv"
	"$boot/run.sh" --direct --tap --timeout 3 --binary "$probe" --scenarios "$dir/scenarios.txt" \
		--workdir "$dir" >"$dir/tap" 2>"$dir/err" || rc=$?
	[ "$rc" -eq 1 ] || bad "direct whole-run timeout: run.sh exited $rc, expected 1"
	compare_results "$dir/results.tsv" "$dir/expected.tsv"
	check_tap "$dir/tap" "$dir/expected.tsv"
	grep -q "^# INCOMPLETE: no end marker (whole-run timeout)" "$dir/tap" ||
		bad "direct whole-run timeout: not named in the TAP diagnostics"
	! pgrep -xf 'sleep 4[7]' >/dev/null || bad "direct whole-run timeout: the scenario's sleep outlived run.sh"
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
	rc=0
	python3 "$boot/harness.py" report --tap "$here/scenarios.txt" "$log" \
		>"$workdir/cut-off.tap" 2>/dev/null || rc=$?
	[ "$rc" -eq 1 ] || bad "report --tap on a cut-off log exited $rc, expected 1"
	check_tap "$workdir/cut-off.tap" "$want"
	grep -q "^# NOT-RUN: never started (whole-run timeout)" "$workdir/cut-off.tap" ||
		bad "cut-off TAP does not say why scenarios did not run"
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
	check_direct_runs
	check_nested_run
	check_cut_off_run
	if [ "$failures" -ne 0 ]; then
		echo "selftest: $failures check(s) FAILED" >&2
		exit 1
	fi
	note "OK: the harness gave every verdict expected.tsv and direct-expected.tsv ask for"
}

main "$@"
