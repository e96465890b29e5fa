#!/usr/bin/env python3
# The arm64 device tree against QEMU's `virt` machine: `minivmm --dump-dtb` for a synthetic
# arm64 Image (1 and 2 vCPUs) and `qemu-system-aarch64 -M virt,gic-version=3,
# dtb-randomness=off,dumpdtb=...` with the same memory and CPUs, both read back as sorted
# `dtc -I dtb -O dts -s` text. Every node minivmm emits must exist in QEMU's tree at the
# same path (the one intended difference: the UART, see INTENDED), carry compatible strings
# QEMU also lists there, and the same reg/interrupts where the device is the same device.
# dtc must also print no warning about minivmm's tree.
# usage: test_dtb_qemu.py MINIVMM
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

# minivmm node -> QEMU node, and why they differ.
INTENDED = {
    # A 16550A instead of QEMU's PL011: the same register window and SPI 1 (level), but the
    # interrupt-driven 8250 model minivmm already has (devices/serial.c) and ttyS0 on both
    # architectures. Linux's 8250 OF driver binds "ns16550a".
    "/serial@9000000": "/pl011@9000000",
}
# Nodes only minivmm has.
MINIVMM_ONLY = {
    # serial0 -> the UART, so Linux's 8250 OF driver numbers it ttyS0 (QEMU 7.2 has no aliases).
    "/aliases",
}
# Properties that differ on purpose in nodes both trees have.
INTENDED_PROPS = {
    # QEMU sizes the redistributor region for its 123-CPU maximum; minivmm for the vCPUs it has.
    ("/intc@8000000", "reg"),
    # QEMU names the CPU it emulates ("arm,cortex-a57"); under KVM the vCPU is the host's, so
    # minivmm says "arm,arm-v8" as kvmtool and Firecracker do.
    ("/cpus/cpu@0", "compatible"),
    ("/cpus/cpu@1", "compatible"),
    # QEMU gives a lone CPU no enable-method; minivmm always says psci (KVM implements it).
    ("/cpus/cpu@0", "enable-method"),
    # The UART's path, as above.
    ("/chosen", "stdout-path"),
    ("/aliases", "serial0"),
}
# Properties minivmm emits that are compared with QEMU's.
COMPARED = ("reg", "interrupts", "device_type", "enable-method", "method", "#interrupt-cells",
            "#address-cells", "#size-cells", "stdout-path", "serial0")

failures = 0


def fail(msg):
    global failures
    failures += 1
    print(f"FAIL: {msg}")


def skip_loudly(what):
    print("#" * 70)
    print(f"### {what}: cannot compare the arm64 device tree with QEMU's virt")
    print("### (scripts/setup.sh installs qemu-system-arm and device-tree-compiler)")
    print("#" * 70)
    sys.exit(1 if os.environ.get("MINIVMM_REQUIRE_ASSETS") == "1" else 77)


def write_image(path):
    """A minimal arm64 Image: the 64-byte header (text_offset 0, flags 0xa) and a page."""
    hdr = struct.pack("<IIQQQQQQII", 0x91005A4D, 0x14000000, 0, 0x10000, 0xA, 0, 0, 0,
                      0x644D5241, 0)
    with open(path, "wb") as f:
        f.write(hdr + bytes(4096 - len(hdr)))


def dts_nodes(dtb):
    """{path: {property: value text}} from `dtc -s`, and dtc's warnings."""
    p = subprocess.run(["dtc", "-I", "dtb", "-O", "dts", "-s", dtb], capture_output=True,
                       text=True, check=True)
    nodes, stack = {}, []
    for line in p.stdout.splitlines():
        line = line.strip()
        m = re.match(r"^([^\s=]+) \{$", line)
        if m:
            name = m.group(1)
            stack.append("" if name == "/" else name)
            nodes["/".join(stack) or "/"] = {}
        elif line == "};":
            stack.pop()
        elif stack and line.endswith(";"):
            key, _, value = line[:-1].partition(" = ")
            nodes["/".join(stack) or "/"][key] = value
    return nodes, p.stderr.strip()


def compatibles(value):
    return set(re.findall(r'[^"\\]+', value.replace("\\0", '" "'))) - {" "}


def compare(ours, qemu, cpus):
    for path, props in sorted(ours.items()):
        qpath = INTENDED.get(path, path)
        if path in MINIVMM_ONLY:
            print(f"ok: {path} (minivmm only, intended)")
            continue
        if qpath not in qemu:
            fail(f"{cpus} vCPU(s): {path} is not in QEMU's virt tree")
            continue
        qprops = qemu[qpath]
        if "compatible" in props and (path, "compatible") not in INTENDED_PROPS:
            extra = compatibles(props["compatible"]) - compatibles(qprops.get("compatible", ""))
            if extra and path not in INTENDED:
                fail(f"{path}: compatible {sorted(extra)} not among QEMU's "
                     f"{qprops.get('compatible')}")
        for key in COMPARED:
            if key not in props or (path, key) in INTENDED_PROPS:
                continue
            if props[key] != qprops.get(key):
                fail(f"{cpus} vCPU(s): {path} {key} = {props[key]}, QEMU has {qprops.get(key)}")
        print(f"ok: {path}" + (f" (QEMU: {qpath})" if qpath != path else ""))


def main():
    minivmm = sys.argv[1]
    for tool in ("qemu-system-aarch64", "dtc"):
        if not shutil.which(tool):
            skip_loudly(f"{tool} not found")
    with tempfile.TemporaryDirectory() as tmp:
        image = os.path.join(tmp, "Image")
        write_image(image)
        for cpus in (1, 2):
            ours_dtb = os.path.join(tmp, f"minivmm-{cpus}.dtb")
            qemu_dtb = os.path.join(tmp, f"qemu-{cpus}.dtb")
            subprocess.run([minivmm, "--kernel", image, "--mem", "512M", "--cpus", str(cpus),
                            "--dump-dtb", ours_dtb], check=True)
            subprocess.run(["qemu-system-aarch64", "-M",
                            f"virt,gic-version=3,dtb-randomness=off,dumpdtb={qemu_dtb}",
                            "-cpu", "max", "-smp", str(cpus), "-m", "512M", "-nographic"],
                           check=True, capture_output=True)
            ours, warnings = dts_nodes(ours_dtb)
            if warnings:
                fail(f"dtc warns about minivmm's tree: {warnings}")
            qemu, _ = dts_nodes(qemu_dtb)
            compare(ours, qemu, cpus)
            print(f"{cpus} vCPU(s): {len(ours)} minivmm nodes, {len(qemu)} QEMU nodes")
    print(f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
