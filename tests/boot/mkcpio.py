#!/usr/bin/env python3
"""Write a newc cpio archive (the initramfs format) from a list of entries on stdin.

  mkcpio.py < spec > archive.cpio

One entry a line, in the spirit of the kernel's usr/gen_init_cpio:
  dir   <name> <mode>
  file  <name> <host path> <mode>
  slink <name> <target> <mode>
  nod   <name> <mode> <c|b> <major> <minor>
Blank lines and lines starting with '#' are ignored; modes are octal.

Why not GNU cpio: it can only archive what exists on disk, so /dev/console would need mknod
(root), and it records the builder's uid and mtimes. Here every entry is owned by root with
mtime 0, so equal inputs give byte-identical archives, and missing parent directories are
added (the kernel's unpacker does not create them).
"""

import os
import shutil
import stat
import sys

ALIGN = 4


class Writer:
    def __init__(self, out):
        self.out = out
        self.ino = 0
        self.dirs = set()

    def _pad(self, n):
        self.out.write(b"\0" * (-n % ALIGN))

    def _header(self, name, mode, size=0, rdev=(0, 0)):
        self.ino += 1
        fields = [self.ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, 0, size,
                  0, 0, rdev[0], rdev[1], len(name) + 1, 0]
        head = b"070701" + b"".join(b"%08X" % f for f in fields) + name.encode() + b"\0"
        self.out.write(head)
        self._pad(len(head))

    def _parents(self, name):
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            self.add_dir("/".join(parts[:i]), 0o755)

    def add_dir(self, name, perm):
        if name not in self.dirs:
            self._parents(name)
            self.dirs.add(name)
            self._header(name, stat.S_IFDIR | perm)

    def add_file(self, name, src, perm):
        self._parents(name)
        size = os.path.getsize(src)
        self._header(name, stat.S_IFREG | perm, size)
        with open(src, "rb") as f:
            shutil.copyfileobj(f, self.out, 1 << 20)
        self._pad(size)

    def add_slink(self, name, target, perm):
        self._parents(name)
        data = target.encode()
        self._header(name, stat.S_IFLNK | perm, len(data))
        self.out.write(data)
        self._pad(len(data))

    def add_nod(self, name, perm, kind, major, minor):
        self._parents(name)
        kinds = {"c": stat.S_IFCHR, "b": stat.S_IFBLK}
        self._header(name, kinds[kind] | perm, rdev=(major, minor))

    def finish(self):
        self._header("TRAILER!!!", 0)


def main():
    w = Writer(sys.stdout.buffer)
    for lineno, line in enumerate(sys.stdin, 1):
        f = line.split()
        if not f or f[0].startswith("#"):
            continue
        try:
            name = f[1].strip("/")
            if f[0] == "dir" and len(f) == 3:
                w.add_dir(name, int(f[2], 8))
            elif f[0] == "file" and len(f) == 4:
                w.add_file(name, f[2], int(f[3], 8))
            elif f[0] == "slink" and len(f) == 4:
                w.add_slink(name, f[2], int(f[3], 8))
            elif f[0] == "nod" and len(f) == 6 and f[3] in "cb":
                w.add_nod(name, int(f[2], 8), f[3], int(f[4]), int(f[5]))
            else:
                raise ValueError("unknown entry or wrong field count")
        except (ValueError, OSError) as e:
            sys.exit(f"mkcpio: spec line {lineno}: {line.strip()!r}: {e}")
    w.finish()


if __name__ == "__main__":
    main()
