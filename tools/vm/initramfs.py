#!/usr/bin/env python3
"""tools/vm/initramfs.py DIR OUT [NODE...] — pack DIR as an initramfs (cpio "newc").

Every entry is owned by root whoever runs this, so it needs no privilege;
NODE (PATH:c|b:MAJOR:MINOR) adds a device node, which an unprivileged user
cannot create in DIR. Entries are sorted, so the same tree packs the same.
"""
import os
import stat
import sys

MAGIC = b"070701"


def entry(name, mode, data=b"", nlink=1, rdev=(0, 0), ino=[0]):
    ino[0] += 1
    name = name.encode() + b"\0"
    fields = (ino[0], mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name), 0)
    hdr = MAGIC + b"".join(b"%08x" % v for v in fields) + name
    hdr += b"\0" * (-len(hdr) % 4)
    return hdr + data + b"\0" * (-len(data) % 4)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: initramfs.py DIR OUT [PATH:c|b:MAJOR:MINOR...]")
    top, out = sys.argv[1], sys.argv[2]
    parts = []
    for root, dirs, files in os.walk(top):
        dirs.sort()
        rel = os.path.relpath(root, top)
        if rel != ".":
            parts.append(entry(rel, stat.S_IFDIR | 0o755, nlink=2))
        for fn in sorted(files):
            path = os.path.join(root, fn)
            name = os.path.normpath(os.path.join(rel, fn))
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                parts.append(entry(name, stat.S_IFLNK | 0o777, os.readlink(path).encode()))
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    parts.append(entry(name, stat.S_IFREG | (st.st_mode & 0o777), f.read()))
            else:
                sys.exit("initramfs.py: %s: only files, links and directories are packed" % path)
    for node in sys.argv[3:]:
        try:
            path, kind, major, minor = node.split(":")
            mode = {"c": stat.S_IFCHR, "b": stat.S_IFBLK}[kind] | 0o600
            parts.append(entry(path.lstrip("/"), mode, rdev=(int(major), int(minor))))
        except (ValueError, KeyError):
            sys.exit("initramfs.py: bad node '%s' (want PATH:c|b:MAJOR:MINOR)" % node)
    parts.append(entry("TRAILER!!!", 0, nlink=1))
    with open(out + ".tmp", "wb") as f:
        f.write(b"".join(parts))
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
