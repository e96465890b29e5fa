#!/usr/bin/env python3
"""Scenario files and console logs of the boot harness (nested L1 or direct on the host).

  harness.py l1-list SCENARIOS            scenario list for scenario-runner.sh
                                          (name TAB timeout TAB cmd)
  harness.py budget SCENARIOS             whole-run timeout in seconds for run.sh
  harness.py monitor SCENARIOS LOG RESULTS [--verbose] [--tap]
        copy the runner's console (L1's serial console, or the direct runner's output) from
        stdin to LOG, print progress as markers arrive, then the result table; RESULTS gets
        one tab-separated line per scenario. Exit 1 unless all pass.
        --tap: TAP on stdout (one line per scenario as it ends, failure output as
        diagnostics), progress and table on stderr.
  harness.py report SCENARIOS LOG [RESULTS] [--tap]
        the same from a saved LOG (no host timings)

Scenario file: a `name=` line starts a scenario, the following `key=value` lines describe it;
blank lines and `#` comments are ignored, a trailing backslash continues a line.
  name=<[A-Za-z0-9._-]+>  required, unique
  cmd=<shell command>     required; run by sh, output goes to the console
  timeout=<seconds>       default 120; then SIGTERM, SIGKILL 5 s later
  expect_exit=<0..255>    default 0
  expect_output=<text>    repeatable; each must appear in the scenario's output
  expect_no_output=<text> repeatable; none may appear
"""

import argparse
import re
import sys
import time

DEFAULT_TIMEOUT = 120
KILL_GRACE = 5          # scenario-runner.sh GRACE_SECS
L1_BOOT_BUDGET = 300    # generous: TCG speed varies with host load
TAIL_LINES = 60         # output lines shown for a scenario that did not pass

MARKER = re.compile(r"@@MINIVMM-([A-Z0-9-]+)(?: ([^@]*))?@@")
END_ARGS = re.compile(r"^(\S+) rc=(\d+) ms=(\d+) timeout=([01])$")
NAME = re.compile(r"^[A-Za-z0-9._-]+$")
# The host's last word on how the runner ended: run.sh prints it after QEMU (nested) or the
# direct runner exits; rc 124 means the whole-run timeout killed it.
HOST_EXIT = {"HOST-QEMU-EXIT": "QEMU", "HOST-DIRECT-EXIT": "the direct runner"}

STATUS_WORDS = {"PASS": "passed", "FAIL": "failed", "TIMEOUT": "timed out",
                "INCOMPLETE": "incomplete", "NOT-RUN": "not run"}


class ScenarioError(Exception):
    pass


class Scenario:
    def __init__(self, name, lineno):
        self.name = name
        self.lineno = lineno
        self.cmd = None
        self.timeout = DEFAULT_TIMEOUT
        self.expect_exit = 0
        self.expect_output = []
        self.expect_no_output = []

    def set(self, key, value, where):
        if key == "cmd":
            if "\t" in value:
                raise ScenarioError(f"{where}: cmd may not contain tabs")
            self.cmd = value
        elif key in ("timeout", "expect_exit"):
            if not value.isdigit():
                raise ScenarioError(f"{where}: {key} must be a number, got {value!r}")
            if key == "expect_exit" and int(value) > 255:
                raise ScenarioError(f"{where}: expect_exit {value} > 255")
            setattr(self, key, int(value))
        elif key in ("expect_output", "expect_no_output"):
            if not value:
                raise ScenarioError(f"{where}: empty {key}")
            getattr(self, key).append(value)
        else:
            raise ScenarioError(f"{where}: unknown key {key!r}")


def logical_lines(text):
    """Yield (line number, line) with backslash continuations joined by a space."""
    pending, start = None, 0
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if pending is not None:
            line = pending + " " + line
        else:
            start = lineno
        if line.endswith("\\"):
            pending = line[:-1].rstrip()
            continue
        pending = None
        yield start, line
    if pending is not None:
        yield start, pending


def parse_scenarios(path):
    with open(path) as f:
        text = f.read()
    scenarios, current = [], None
    for lineno, line in logical_lines(text):
        where = f"{path}:{lineno}"
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep:
            raise ScenarioError(f"{where}: expected key=value, got {line!r}")
        if key == "name":
            if not NAME.match(value):
                raise ScenarioError(f"{where}: bad scenario name {value!r}")
            if any(s.name == value for s in scenarios):
                raise ScenarioError(f"{where}: duplicate scenario name {value!r}")
            current = Scenario(value, lineno)
            scenarios.append(current)
        elif current is None:
            raise ScenarioError(f"{where}: {key}= before the first name=")
        else:
            current.set(key, value, where)
    for s in scenarios:
        if not s.cmd:
            raise ScenarioError(f"{path}:{s.lineno}: scenario {s.name!r} has no cmd=")
    if not scenarios:
        raise ScenarioError(f"{path}: no scenarios")
    return scenarios


class Run:
    """What the console log says happened, built one line at a time."""

    def __init__(self):
        self.ready = None           # L1-READY marker text
        self.ready_host = None      # host seconds at L1-READY
        self.direct = False         # the runner ran on the host (run.sh direct mode)
        self.fatal = None
        self.done = False
        self.host_rc = None         # from run.sh's HOST-...-EXIT marker
        self.host_what = "QEMU"
        self.begun = {}             # name -> host seconds at BEGIN
        self.ended = {}             # name -> dict(rc, ms, timeout)
        self.output = {}            # name -> list of output lines
        self.current = None
        self.unknown = []           # scenario names in the log but not in the file
        self.tail = []              # last console lines, for when L1 never got going

    @property
    def where(self):
        return "the host" if self.direct else "L1"

    def feed(self, line, now):
        """Consume one console line; return (event, args) for a marker, else None."""
        line = line.rstrip("\r\n").replace("\r", "")
        m = MARKER.search(line)
        kind, args = (m.group(1), m.group(2) or "") if m else (None, "")
        if kind not in HOST_EXIT:
            self.tail = (self.tail + [line])[-TAIL_LINES:]
        if self.current and kind != "SCENARIO-BEGIN":
            before = line[:m.start()] if m else line
            if m is None or before:
                self.output[self.current].append(before)
        if kind is None:
            return None
        if kind == "L1-READY":
            self.ready, self.ready_host = args, now
            self.direct = "direct=1" in args.split()
        elif kind == "L1-FATAL":
            self.fatal = args
        elif kind == "L1-DONE":
            self.done = True
        elif kind in HOST_EXIT:
            self.host_what = HOST_EXIT[kind]
            self.host_rc = int(args.split("=", 1)[1])
        elif kind == "SCENARIO-BEGIN":
            self.current = args
            self.begun[args] = now
            self.output[args] = []
        elif kind == "SCENARIO-END":
            end = END_ARGS.match(args)
            if end:
                name, rc, ms, timed_out = end.groups()
                self.ended[name] = dict(rc=int(rc), ms=int(ms), timeout=timed_out == "1")
            self.current = None
        return kind, args

    def stop_reason(self):
        """Why scenarios stopped being run, for those that did not end."""
        if self.host_rc == 124:
            return "whole-run timeout"
        if self.fatal:
            return f"L1 FATAL: {self.fatal}"
        if self.ready is None:
            return "L1 never became ready"
        return f"{self.where} stopped"


def judge(s, run):
    """Return (status, detail) for scenario s."""
    if s.name not in run.begun:
        return "NOT-RUN", f"never started ({run.stop_reason()})"
    if s.name not in run.ended:
        return "INCOMPLETE", f"no end marker ({run.stop_reason()})"
    end = run.ended[s.name]
    out = "\n".join(run.output.get(s.name, []))
    if end["timeout"]:
        how = "SIGKILL: SIGTERM was ignored" if end["rc"] == 137 else "stopped by SIGTERM"
        return "TIMEOUT", f"still running after {s.timeout} s, {how}"
    problems = []
    if end["rc"] != s.expect_exit:
        problems.append(f"exit {end['rc']}, expected {s.expect_exit}")
    problems += [f"missing output {t!r}" for t in s.expect_output if t not in out]
    problems += [f"unexpected output {t!r}" for t in s.expect_no_output if t in out]
    return ("FAIL", "; ".join(problems)) if problems else ("PASS", "")


def run_problem(run):
    """A problem of the run as a whole (not of one scenario), or None."""
    if run.fatal:
        return f"L1 FATAL: {run.fatal}"
    if run.ready is None:
        return "L1 never became ready (no @@MINIVMM-L1-READY@@)"
    if run.host_rc == 124:
        return f"whole-run timeout: {run.host_what} was killed"
    if not run.done:
        return f"{run.where} did not finish (no @@MINIVMM-L1-DONE@@)"
    if run.host_rc not in (None, 0):
        return f"{run.host_what} exited with {run.host_rc}"
    return None


def output_tail(run, s, prefix):
    """The last TAIL_LINES output lines of scenario s, each line prefixed."""
    out = run.output.get(s.name, [])
    shown = out[-TAIL_LINES:]
    return [f"{prefix}last {len(shown)} of {len(out)} output lines:"] + \
        [f"{prefix}  | {line}" for line in shown]


class Reporter:
    """Progress, the result table and (with tap) TAP, from the events of one Run.

    The TAP stream gets `1..N` first, then one line per scenario in file order as soon as
    it has ended; whatever never ended is reported `not ok` by finish().
    """

    def __init__(self, scenarios, run, human, tap=None):
        self.scenarios = scenarios
        self.run = run
        self.human = human
        self.tap = tap
        self.tapped = 0
        if tap:
            print(f"1..{len(scenarios)}", file=tap, flush=True)

    def event(self, kind, args, stamp):
        """Note a marker: unknown scenarios, TAP lines, a progress line (stamp None: none)."""
        run = self.run
        if kind == "SCENARIO-BEGIN" and all(s.name != args for s in self.scenarios):
            run.unknown.append(args)
        self.tap_ended()
        if stamp is None:
            return
        if kind == "L1-READY":
            text = "ready, direct on the host" if run.direct else "L1 ready"
            self.say(f"{stamp} {text} ({args})")
        elif kind == "L1-FATAL":
            self.say(f"{stamp} L1 FATAL: {args}")
        elif kind == "SCENARIO-BEGIN":
            self.say(f"{stamp} {args} ...")
        elif kind == "SCENARIO-END":
            name, _, rest = args.partition(" ")
            s = next((s for s in self.scenarios if s.name == name), None)
            status = judge(s, run)[0] if s else "UNKNOWN"
            self.say(f"{stamp} {name}: {status} ({rest})")

    def say(self, text=""):
        print(text, file=self.human, flush=True)

    def tap_ended(self, final=False):
        """TAP lines for the next scenarios in file order that ended (all of them if final)."""
        while self.tap and self.tapped < len(self.scenarios):
            s = self.scenarios[self.tapped]
            if not final and s.name not in self.run.ended:
                return
            self.tapped += 1
            self.tap_result(self.tapped, s)

    def tap_result(self, number, s):
        status, detail = judge(s, self.run)
        end = self.run.ended.get(s.name)
        took = f" # {end['ms'] / 1000:.1f} s" if end else ""
        lines = [f"{'ok' if status == 'PASS' else 'not ok'} {number} - {s.name}{took}"]
        if status != "PASS":
            lines.append(f"# {status}: {detail}")
            if s.name in self.run.begun:
                lines += output_tail(self.run, s, "# ")
        print("\n".join(lines), file=self.tap, flush=True)

    def finish(self, results_path, t_start=None, t_end=None):
        """Report everything not reported yet; return the exit status (0: all passed)."""
        run = self.run
        self.tap_ended(final=True)
        rows = []
        for s in self.scenarios:
            status, detail = judge(s, run)
            end = run.ended.get(s.name)
            rows.append((s, status, str(end["rc"]) if end else "-", end and end["ms"], detail))
        self.table(rows)
        problem = run_problem(run)
        notes = []
        if problem:
            notes.append(f"*** {problem}; last console lines:")
            notes += [f"  | {line}" for line in run.tail]
        notes += [f"*** scenario {name!r} ran but is not in the scenario file "
                  "(prebuilt L1 initramfs from another file?)" for name in run.unknown]
        for note in notes:
            self.say(note)
            if self.tap:
                print(f"# {note}", file=self.tap, flush=True)
        self.say()
        if t_start is not None:
            first = min(run.begun.values(), default=None)
            boot = f"{first - t_start:.1f} s" if first else "-"
            ready = f"{run.ready_host - t_start:.1f} s" if run.ready_host else "-"
            since = "the direct runner's start" if run.direct else "QEMU start"
            self.say(f"timing: {'runner' if run.direct else 'L1'} ready at {ready}, first "
                     f"scenario at {boot}, whole run {t_end - t_start:.1f} s "
                     f"(host clock, from {since})")
        statuses = [row[1] for row in rows]
        summary = ", ".join(f"{statuses.count(k)} {w}" for k, w in STATUS_WORDS.items()
                            if k in statuses)
        ok = statuses.count("PASS") == len(rows) and problem is None and not run.unknown
        self.say(f"boot tests: {'OK' if ok else 'FAILED'}: {summary}")
        if results_path:
            with open(results_path, "w") as f:
                for s, status, rc, ms, detail in rows:
                    f.write(f"{s.name}\t{status}\t{rc}\t{'-' if ms is None else ms}\t{detail}\n")
        return 0 if ok else 1

    def table(self, rows):
        width = max([24] + [len(s.name) for s in self.scenarios])
        self.say()
        self.say(f"{'SCENARIO':<{width}} {'RESULT':<10} {'EXIT':>4} {'TIME':>8}  DETAIL")
        for s, status, rc, ms, detail in rows:
            took = f"{ms / 1000:.1f}s" if ms is not None else "-"
            self.say(f"{s.name:<{width}} {status:<10} {rc:>4} {took:>8}  {detail}")
        for s, status, _, _, _ in rows:
            if status in ("FAIL", "TIMEOUT", "INCOMPLETE"):
                if self.tap:    # the TAP diagnostics carry the output
                    continue
                self.say(f"\n--- {s.name}: {status} ---")
                for line in output_tail(self.run, s, "  "):
                    self.say(line)


def cmd_monitor(scenarios, log_path, results_path, verbose, tap):
    run, t0 = Run(), time.monotonic()
    human = sys.stderr if tap else sys.stdout
    reporter = Reporter(scenarios, run, human, sys.stdout if tap else None)
    with open(log_path, "w", errors="replace") as log:
        for raw in sys.stdin.buffer:
            line = raw.decode("utf-8", errors="replace")
            log.write(line)
            log.flush()
            now = time.monotonic()
            if verbose:
                human.write(line.replace("\r", ""))
                human.flush()
            ev = run.feed(line, now)
            if ev:
                reporter.event(*ev, None if verbose else f"[{now - t0:7.1f}s]")
    return reporter.finish(results_path, t0, time.monotonic())


def cmd_report(scenarios, log_path, results_path, tap):
    run = Run()
    reporter = Reporter(scenarios, run, sys.stderr if tap else sys.stdout,
                        sys.stdout if tap else None)
    with open(log_path, errors="replace") as log:
        for line in log:
            ev = run.feed(line, 0.0)
            if ev:
                reporter.event(*ev, None)
    return reporter.finish(results_path)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="harness.py", description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n", 2)[2])
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("l1-list", "budget"):
        sub.add_parser(name).add_argument("scenarios")
    monitor = sub.add_parser("monitor")
    monitor.add_argument("scenarios")
    monitor.add_argument("log")
    monitor.add_argument("results")
    monitor.add_argument("--verbose", action="store_true")
    monitor.add_argument("--tap", action="store_true")
    report = sub.add_parser("report")
    report.add_argument("scenarios")
    report.add_argument("log")
    report.add_argument("results", nargs="?")
    report.add_argument("--tap", action="store_true")
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    try:
        scenarios = parse_scenarios(args.scenarios)
    except (ScenarioError, OSError) as e:
        sys.exit(f"harness: {e}")
    if args.command == "l1-list":
        for s in scenarios:
            print(f"{s.name}\t{s.timeout}\t{s.cmd}")
    elif args.command == "budget":
        print(L1_BOOT_BUDGET + sum(s.timeout + KILL_GRACE + 5 for s in scenarios))
    elif args.command == "monitor":
        return cmd_monitor(scenarios, args.log, args.results, args.verbose, args.tap)
    else:
        return cmd_report(scenarios, args.log, args.results, args.tap)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
