#!/usr/bin/env python3
"""tools/vm/modules.py MODDIR OUTDIR NAME... — the modules NAME... need, in load order.

MODDIR is an unpacked lib/modules/<version> on which `depmod -b` has run
(Debian's kernel packages ship no modules.dep). Each module NAME and what it
depends on is written to OUTDIR as NN-name.ko, uncompressed (the guest's
busybox insmod takes plain files), numbered so that a glob loads every
dependency before its users. A NAME built into the kernel is skipped; a NAME
the kernel has neither way is an error.
"""
import gzip
import lzma
import os
import subprocess
import sys


def modname(path):
    base = os.path.basename(path)
    return base[:base.index(".ko")].replace("-", "_")


def read_deps(moddir):
    deps = {}
    with open(os.path.join(moddir, "modules.dep")) as f:
        for line in f:
            mod, _, rest = line.partition(":")
            deps[modname(mod)] = (mod, [modname(d) for d in rest.split()])
    return deps


def read_builtin(moddir):
    try:
        with open(os.path.join(moddir, "modules.builtin")) as f:
            return {modname(line.strip()) for line in f if line.strip()}
    except FileNotFoundError:
        return set()


def unpack(path):
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".xz"):
        return lzma.decompress(data)
    if path.endswith(".gz"):
        return gzip.decompress(data)
    if path.endswith(".zst"):
        return subprocess.run(["zstd", "-dcq"], input=data, stdout=subprocess.PIPE,
                              check=True).stdout
    return data


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: modules.py MODDIR OUTDIR NAME...")
    moddir, outdir, names = sys.argv[1], sys.argv[2], sys.argv[3:]
    deps, builtin = read_deps(moddir), read_builtin(moddir)
    order = []

    def visit(name, chain):
        if name in order or name in builtin:
            return
        if name not in deps:
            sys.exit("modules.py: the kernel in %s has no module %s (needed by %s)"
                     % (moddir, name, " <- ".join(chain) or "the guest"))
        for d in deps[name][1]:
            visit(d, chain + [name])
        order.append(name)

    for n in names:
        visit(n.replace("-", "_"), [])
    os.makedirs(outdir, exist_ok=True)
    for i, name in enumerate(order):
        with open(os.path.join(outdir, "%02d-%s.ko" % (i, name)), "wb") as f:
            f.write(unpack(os.path.join(moddir, deps[name][0])))
        print(name)


if __name__ == "__main__":
    main()
