#!/usr/bin/env python3
"""Scenario files and L1 console logs of the nested-KVM boot harness.

  harness.py l1-list SCENARIOS            scenario list for L1's /init (name TAB timeout TAB cmd)
  harness.py budget SCENARIOS             whole-run timeout in seconds for run.sh
  harness.py monitor SCENARIOS LOG RESULTS [--verbose]
        copy L1's console from stdin to LOG, print progress as markers arrive, then the
        result table; RESULTS gets one tab-separated line per scenario. Exit 1 unless all pass.
  harness.py report SCENARIOS LOG [RESULTS]
        the same table from a saved LOG (no host timings)

Scenario file: a `name=` line starts a scenario, the following `key=value` lines describe it;
blank lines and `#` comments are ignored, a trailing backslash continues a line.
  name=<[A-Za-z0-9._-]+>  required, unique
  cmd=<shell command>     required; run by sh inside L1, output goes to the console
  timeout=<seconds>       default 120; then SIGTERM, SIGKILL 5 s later
  expect_exit=<0..255>    default 0
  expect_output=<text>    repeatable; each must appear in the scenario's output
  expect_no_output=<text> repeatable; none may appear
"""

import re
import sys
import time

DEFAULT_TIMEOUT = 120
KILL_GRACE = 5          # l1-init.sh GRACE_SECS
L1_BOOT_BUDGET = 300    # generous: TCG speed varies with host load
TAIL_LINES = 15

MARKER = re.compile(r"@@MINIVMM-([A-Z0-9-]+)(?: ([^@]*))?@@")
NAME = re.compile(r"^[A-Za-z0-9._-]+$")


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
        self.fatal = None
        self.done = False
        self.qemu_rc = None         # from run.sh's HOST-QEMU-EXIT marker
        self.begun = {}             # name -> host seconds at BEGIN
        self.ended = {}             # name -> dict(rc, ms, timeout)
        self.output = {}            # name -> list of output lines
        self.current = None
        self.unknown = []           # scenario names in the log but not in the file
        self.tail = []              # last console lines, for when L1 never got going
        self.ready_host = None

    def feed(self, line, now):
        """Consume one console line; return (event, args) for a marker, else None."""
        line = line.rstrip("\r\n").replace("\r", "")
        m = MARKER.search(line)
        if m is None or m.group(1) != "HOST-QEMU-EXIT":
            self.tail = (self.tail + [line])[-TAIL_LINES:]
        if self.current and (m is None or m.group(1) != "SCENARIO-BEGIN"):
            before = line[:m.start()] if m else line
            if m is None or before:
                self.output[self.current].append(before)
        if m is None:
            return None
        kind, args = m.group(1), (m.group(2) or "")
        if kind == "L1-READY":
            self.ready, self.ready_host = args, now
        elif kind == "L1-FATAL":
            self.fatal = args
        elif kind == "L1-DONE":
            self.done = True
        elif kind == "HOST-QEMU-EXIT":
            self.qemu_rc = int(args.split("=", 1)[1])
        elif kind == "SCENARIO-BEGIN":
            self.current = args
            self.begun[args] = now
            self.output[args] = []
        elif kind == "SCENARIO-END":
            name, *rest = args.split()
            fields = dict(f.split("=", 1) for f in rest if "=" in f)
            self.ended[name] = dict(rc=int(fields["rc"]), ms=int(fields["ms"]),
                                    timeout=fields.get("timeout") == "1")
            self.current = None
        return kind, args


def judge(s, run):
    """Return (status, detail) for scenario s."""
    if s.name not in run.begun:
        return "NOT-RUN", "never started"
    if s.name not in run.ended:
        why = "whole-run timeout" if run.qemu_rc == 124 else "L1 stopped"
        return "INCOMPLETE", f"no end marker ({why})"
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


def l1_problem(run):
    if run.fatal:
        return f"L1 FATAL: {run.fatal}"
    if run.ready is None:
        return "L1 never became ready (no @@MINIVMM-L1-READY@@)"
    if run.qemu_rc == 124:
        return "whole-run timeout: QEMU was killed"
    if not run.done:
        return "L1 did not finish (no @@MINIVMM-L1-DONE@@)"
    if run.qemu_rc not in (None, 0):
        return f"QEMU exited with {run.qemu_rc}"
    return None


def report(scenarios, run, results_path, t_start=None, t_end=None):
    rows, failed = [], 0
    for s in scenarios:
        status, detail = judge(s, run)
        end = run.ended.get(s.name)
        rc = str(end["rc"]) if end else "-"
        ms = end["ms"] if end else None
        rows.append((s, status, rc, ms, detail))
        failed += status != "PASS"
    print()
    print(f"{'SCENARIO':<24} {'RESULT':<10} {'EXIT':>4} {'TIME':>8}  DETAIL")
    for s, status, rc, ms, detail in rows:
        t = f"{ms / 1000:.1f}s" if ms is not None else "-"
        print(f"{s.name:<24} {status:<10} {rc:>4} {t:>8}  {detail}")
    for s, status, _, _, _ in rows:
        if status in ("FAIL", "TIMEOUT", "INCOMPLETE"):
            out = run.output.get(s.name, [])
            print(f"\n--- {s.name}: {status}, last {min(len(out), TAIL_LINES)} of "
                  f"{len(out)} output lines ---")
            for line in out[-TAIL_LINES:]:
                print(f"  | {line}")
    problem = l1_problem(run)
    if problem:
        print(f"\n*** {problem}; last console lines:")
        for line in run.tail:
            print(f"  | {line}")
    for name in run.unknown:
        print(f"\n*** scenario {name!r} ran in L1 but is not in the scenario file "
              "(prebuilt L1 initramfs from another file?)")
    print()
    if t_start is not None:
        first = min(run.begun.values(), default=None)
        boot = f"{first - t_start:.1f} s" if first else "-"
        ready = f"{run.ready_host - t_start:.1f} s" if run.ready_host else "-"
        print(f"timing: L1 ready at {ready}, first scenario at {boot}, "
              f"whole run {t_end - t_start:.1f} s (host clock, from QEMU start)")
    words = {"PASS": "passed", "FAIL": "failed", "TIMEOUT": "timed out",
             "INCOMPLETE": "incomplete", "NOT-RUN": "not run"}
    statuses = [status for _, status, _, _, _ in rows]
    summary = ", ".join(f"{statuses.count(k)} {w}" for k, w in words.items() if k in statuses)
    ok = failed == 0 and problem is None and not run.unknown
    print(f"boot tests: {'OK' if ok else 'FAILED'}: {summary}")
    if results_path:
        with open(results_path, "w") as f:
            for s, status, rc, ms, detail in rows:
                f.write(f"{s.name}\t{status}\t{rc}\t{'-' if ms is None else ms}\t{detail}\n")
    return 0 if ok else 1


def progress(event, args, run, now, t0, scenarios):
    stamp = f"[{now - t0:7.1f}s]"
    if event == "L1-READY":
        print(f"{stamp} L1 ready ({args})", flush=True)
    elif event == "L1-FATAL":
        print(f"{stamp} L1 FATAL: {args}", flush=True)
    elif event == "SCENARIO-BEGIN":
        print(f"{stamp} {args} ...", flush=True)
    elif event == "SCENARIO-END":
        name = args.split()[0]
        s = next((s for s in scenarios if s.name == name), None)
        status = judge(s, run)[0] if s else "UNKNOWN"
        print(f"{stamp} {name}: {status} ({args.split(' ', 1)[1]})", flush=True)


def note_unknown(run, scenarios, event, args):
    if event == "SCENARIO-BEGIN" and all(s.name != args for s in scenarios):
        run.unknown.append(args)


def cmd_monitor(scenarios, log_path, results_path, verbose):
    run, t0 = Run(), time.monotonic()
    with open(log_path, "w", errors="replace") as log:
        for raw in sys.stdin.buffer:
            line = raw.decode("utf-8", errors="replace")
            log.write(line)
            log.flush()
            now = time.monotonic()
            if verbose:
                sys.stdout.write(line.replace("\r", ""))
                sys.stdout.flush()
            ev = run.feed(line, now)
            if ev:
                note_unknown(run, scenarios, *ev)
                if not verbose:
                    progress(*ev, run, now, t0, scenarios)
    return report(scenarios, run, results_path, t0, time.monotonic())


def cmd_report(scenarios, log_path, results_path):
    run = Run()
    with open(log_path, errors="replace") as log:
        for line in log:
            ev = run.feed(line, 0.0)
            if ev:
                note_unknown(run, scenarios, *ev)
    return report(scenarios, run, results_path)


def main(argv):
    try:
        if len(argv) == 2 and argv[0] == "l1-list":
            for s in parse_scenarios(argv[1]):
                print(f"{s.name}\t{s.timeout}\t{s.cmd}")
            return 0
        if len(argv) == 2 and argv[0] == "budget":
            scenarios = parse_scenarios(argv[1])
            print(L1_BOOT_BUDGET + sum(s.timeout + KILL_GRACE + 5 for s in scenarios))
            return 0
        if len(argv) in (4, 5) and argv[0] == "monitor":
            verbose = argv[4:] == ["--verbose"]
            if len(argv) == 5 and not verbose:
                sys.exit(__doc__)
            return cmd_monitor(parse_scenarios(argv[1]), argv[2], argv[3], verbose)
        if len(argv) in (3, 4) and argv[0] == "report":
            return cmd_report(parse_scenarios(argv[1]), argv[2], argv[3] if len(argv) == 4 else None)
    except ScenarioError as e:
        sys.exit(f"harness: {e}")
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
