#!/usr/bin/env python3
"""minivmm's console on a terminal, end to end, with a tiny echo guest on /dev/kvm.

usage: test_console.py MINIVMM ECHO_GUEST_ELF

Checks: the terminal is put in raw mode while the guest runs and restored on every exit
path (Ctrl-A x, SIGTERM); typed bytes reach the guest; Ctrl-A Ctrl-A sends one Ctrl-A;
Ctrl-A x ends minivmm with exit code 6; without a terminal, the end of input does not stop
the guest, a partial line reaches a pipe while the guest runs, and -v at --timeout shows
where the vCPUs were. Without a usable /dev/kvm it says so and exits 77 (skip), or 1 when
MINIVMM_REQUIRE_KVM=1.
"""

import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time

EXIT_TIMEOUT = 5
EXIT_USER = 6


class Guest:
    """minivmm running the echo guest with a pseudo-terminal as its console."""

    def __init__(self, minivmm, guest, extra=()):
        self.master, self.slave = pty.openpty()
        self.before = termios.tcgetattr(self.slave)
        self.proc = subprocess.Popen(
            [minivmm, "--kernel", guest, "--timeout", "20", *extra],
            stdin=self.slave, stdout=self.slave, stderr=subprocess.PIPE)
        self.output = b""

    def read_until(self, needle, seconds=10):
        deadline = time.monotonic() + seconds
        while needle not in self.output:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise AssertionError(f"no {needle!r} in console output {self.output!r}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                self.output += os.read(self.master, 4096)

    def type(self, data):
        os.write(self.master, data)

    def finish(self):
        _, err = self.proc.communicate(timeout=30)
        after = termios.tcgetattr(self.slave)
        os.close(self.master)
        os.close(self.slave)
        return self.proc.returncode, err.decode(), after


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    return 0 if cond else 1


def raw_while_running(g):
    lflag = termios.tcgetattr(g.slave)[3]
    return not (lflag & termios.ICANON) and not (lflag & termios.ECHO)


def test_ctrl_a_x(minivmm, guest):
    g = Guest(minivmm, guest)
    g.read_until(b"READY")
    fails = check(raw_while_running(g), "the terminal is raw while the guest runs")
    g.type(b"hello")
    g.read_until(b"hello")
    g.type(b"\x01\x01")          # Ctrl-A Ctrl-A: one Ctrl-A for the guest
    g.read_until(b"\x01")
    g.type(b"\x01x")             # Ctrl-A x: quit
    rc, err, after = g.finish()
    fails += check(rc == EXIT_USER, f"Ctrl-A x exits with {EXIT_USER} (got {rc}: {err.strip()})")
    fails += check("stopped by the user (Ctrl-A x)" in err, "the reason is printed")
    fails += check(after == g.before, "the terminal settings are restored after Ctrl-A x")
    return fails


def stop_by_signal(minivmm, guest, sig, name):
    g = Guest(minivmm, guest)
    g.read_until(b"READY")
    g.proc.send_signal(sig)
    rc, err, after = g.finish()
    fails = check(rc == EXIT_USER, f"{name} exits with {EXIT_USER} (got {rc}: {err.strip()})")
    fails += check(f"stopped by signal {signal.strsignal(sig)}" in err, f"{name} is named")
    fails += check(after == g.before, f"the terminal settings are restored after {name}")
    return fails


def test_sigterm(minivmm, guest):
    return stop_by_signal(minivmm, guest, signal.SIGTERM, "SIGTERM")


def test_sigint(minivmm, guest):
    # In raw mode a typed Ctrl-C is a byte for the guest; SIGINT from elsewhere stops it.
    return stop_by_signal(minivmm, guest, signal.SIGINT, "SIGINT")


def test_end_of_input_keeps_guest_running(minivmm, guest):
    proc = subprocess.run([minivmm, "--kernel", guest, "--timeout", "2"], input=b"abc",
                          capture_output=True, timeout=30)
    fails = check(proc.returncode == EXIT_TIMEOUT,
                  f"with piped input, EOF does not stop the guest (exit {proc.returncode})")
    fails += check(b"READY\nabc" in proc.stdout, "piped bytes reach the guest unchanged")
    return fails


def test_partial_line_shows_on_a_pipe(minivmm, guest):
    # Output that is not a terminal is line-buffered, but a line the guest has not ended
    # (a shell prompt) must still show while the guest waits, not only at the next newline.
    proc = subprocess.Popen([minivmm, "--kernel", guest, "--timeout", "20"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdin.write(b"prompt $ ")
    proc.stdin.flush()
    out = b""
    deadline = time.monotonic() + 5
    while b"READY\nprompt $ " not in out and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.1)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            out += chunk
    fails = check(b"READY\nprompt $ " in out and proc.poll() is None,
                  f"a partial line reaches a pipe while the guest runs (got {out!r})")
    proc.terminate()
    proc.communicate(timeout=30)
    return fails


def test_timeout_shows_where_the_vcpus_were(minivmm, guest):
    proc = subprocess.run([minivmm, "-v", "--kernel", guest, "--timeout", "1"],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    err = proc.stderr.decode(errors="replace")
    return check(proc.returncode == EXIT_TIMEOUT and "minivmm: the vCPUs at the timeout:" in err
                 and "vCPU 0: rip 0x" in err,
                 f"-v at --timeout prints the vCPUs' registers (exit {proc.returncode})")


def kvm_usable():
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
        os.close(fd)
        return True
    except OSError as e:
        print(f"*** console tests NOT RUN: /dev/kvm: {e.strerror}", file=sys.stderr)
        return False


def main():
    minivmm, guest = sys.argv[1], sys.argv[2]
    if not kvm_usable():
        sys.exit(1 if os.environ.get("MINIVMM_REQUIRE_KVM") == "1" else 77)
    fails = 0
    for test in (test_ctrl_a_x, test_sigterm, test_sigint,
                 test_end_of_input_keeps_guest_running, test_partial_line_shows_on_a_pipe,
                 test_timeout_shows_where_the_vcpus_were):
        fails += test(minivmm, guest)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
