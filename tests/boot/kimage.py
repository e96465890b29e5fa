#!/usr/bin/env python3
"""Kernel image helpers for the test-asset scripts.

  kimage.py extract-vmlinux BZIMAGE OUT   decompress the ELF vmlinux inside an x86 bzImage
  kimage.py module-depends MODULE.ko      print the module's "depends=" list, one name a line

Only the standard library is used; LZ4 and zstd payloads go through the lz4/zstd command-line
tools because Python has no built-in decoder for them.
"""

import lzma
import os
import struct
import subprocess
import sys
import zlib

SETUP_SECTS_OFF = 0x1F1
HDRS_MAGIC_OFF = 0x202
VERSION_OFF = 0x206
PAYLOAD_OFFSET_OFF = 0x248
PAYLOAD_LENGTH_OFF = 0x24C
MIN_PAYLOAD_VERSION = 0x0208  # payload_offset/payload_length exist since boot protocol 2.08

ELF_MAGIC = b"\x7fELF"
ELFCLASS64 = 2
ELFDATA2LSB = 1
EM_X86_64 = 62


def fail(msg):
    sys.exit(f"kimage: {msg}")


def bzimage_payload(path):
    """Return the compressed kernel exactly as the setup header describes it."""
    with open(path, "rb") as f:
        img = f.read()
    if len(img) < 0x250 or img[HDRS_MAGIC_OFF:HDRS_MAGIC_OFF + 4] != b"HdrS":
        fail(f"{path}: no 'HdrS' setup header at 0x{HDRS_MAGIC_OFF:x}")
    version = struct.unpack_from("<H", img, VERSION_OFF)[0]
    if version < MIN_PAYLOAD_VERSION:
        fail(f"{path}: boot protocol 0x{version:04x} < 0x0208 has no payload fields")
    setup_sects = img[SETUP_SECTS_OFF] or 4  # 0 means 4 for historical reasons
    pm_start = (setup_sects + 1) * 512
    offset, length = struct.unpack_from("<II", img, PAYLOAD_OFFSET_OFF)
    start, end = pm_start + offset, pm_start + offset + length
    if length < 8 or end > len(img):
        fail(f"{path}: payload [0x{start:x}, 0x{end:x}) outside file of {len(img)} bytes "
             f"(setup_sects={setup_sects} payload_offset=0x{offset:x} payload_length={length})")
    return img[start:end]


def run_tool(argv, data):
    res = subprocess.run(argv, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if res.returncode != 0:
        fail(f"{' '.join(argv)} failed ({res.returncode}): {res.stderr.decode(errors='replace')}")
    return res.stdout


def decompress(payload):
    """Decompress by magic. Every format but gzip carries a le32 size that the kernel build
    appended after the stream (the *_with_size rules); gzip's own trailer ends in the same
    size, so the last four bytes are always the expected length (mod 2^32)."""
    expect = struct.unpack("<I", payload[-4:])[0]
    stream = payload[:-4]
    if payload.startswith(b"\x1f\x8b"):
        # wbits=31: gzip wrapper; the decompressor stops at the end of the member.
        name, out = "gzip", zlib.decompressobj(wbits=31).decompress(payload)
    elif payload.startswith(b"\xfd7zXZ\x00"):
        # Like zlib, LZMADecompressor stops at the end of the stream: trailing bytes are harmless.
        name, out = "xz", lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(stream)
    elif payload.startswith(b"\x02\x21\x4c\x18"):
        name, out = "lz4 (legacy)", run_tool(["lz4", "-dc"], stream)
    elif payload.startswith(b"\x28\xb5\x2f\xfd"):
        name, out = "zstd", run_tool(["zstd", "-dc"], stream)
    else:
        fail(f"unknown payload compression, first bytes {payload[:6].hex()}")
    if len(out) % 2**32 != expect:
        fail(f"{name}: decompressed {len(out)} bytes, size trailer says {expect}")
    return name, out


def check_elf_x86_64(data):
    if data[:4] != ELF_MAGIC:
        fail(f"decompressed kernel is not ELF (starts {data[:4].hex()})")
    machine = struct.unpack_from("<H", data, 18)[0]
    if data[4] != ELFCLASS64 or data[5] != ELFDATA2LSB or machine != EM_X86_64:
        fail(f"decompressed kernel is not ELF64 LE x86-64 (class {data[4]}, data {data[5]}, "
             f"e_machine {machine})")


def extract_vmlinux(bzimage, out_path):
    name, vmlinux = decompress(bzimage_payload(bzimage))
    check_elf_x86_64(vmlinux)
    with open(out_path, "wb") as f:
        f.write(vmlinux)
    print(f"kimage: {os.path.basename(bzimage)}: {name} payload -> {os.path.basename(out_path)}, "
          f"{len(vmlinux)} bytes, ELF64 x86-64")


def elf_section(data, wanted):
    """Return the bytes of the named section of an ELF64 little-endian file, or None."""
    if data[:4] != ELF_MAGIC or data[4] != ELFCLASS64:
        fail("module is not an ELF64 file")
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)

    def header(i):
        # sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size
        return struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)

    strtab_off = header(shstrndx)[4]
    for i in range(shnum):
        name_off, _, _, _, off, size = header(i)
        end = data.index(b"\0", strtab_off + name_off)
        if data[strtab_off + name_off:end].decode() == wanted:
            return data[off:off + size]
    return None


def module_depends(path):
    with open(path, "rb") as f:
        modinfo = elf_section(f.read(), ".modinfo")
    if modinfo is None:
        fail(f"{path}: no .modinfo section")
    for entry in modinfo.split(b"\0"):
        if entry.startswith(b"depends="):
            for dep in entry[len(b"depends="):].decode().split(","):
                if dep:
                    print(dep)


def main(argv):
    if len(argv) == 3 and argv[0] == "extract-vmlinux":
        extract_vmlinux(argv[1], argv[2])
    elif len(argv) == 2 and argv[0] == "module-depends":
        module_depends(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
