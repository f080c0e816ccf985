#!/usr/bin/env python3
"""tools/vm/vmlinux.py BZIMAGE OUT — unpack the ELF vmlinux inside an x86 bzImage.

QEMU boots an ELF vmlinux that carries a PVH entry note directly in 64-bit
mode, skipping the bzImage's real-mode setup and in-guest decompression
(seconds under TCG). The compressed kernel's place is in the boot protocol's
setup header (payload_offset/payload_length, protocol 2.08+); its format is
told by its magic. Exits 2, writing nothing, when the image cannot be unpacked
or has no PVH note: the caller then boots the bzImage itself.
"""
import gzip
import os
import lzma
import struct
import subprocess
import sys

SETUP_SECTS = 0x1F1         # u8: 512-byte setup sectors after the boot sector (0 means 4)
HDR_MAGIC = 0x202           # "HdrS"
HDR_VERSION = 0x206         # u16 boot protocol version
PAYLOAD = 0x248             # u32 payload_offset, u32 payload_length (from the protected-mode code)
PVH_NOTE_NAME = b"Xen"
XEN_ELFNOTE_PHYS32_ENTRY = 18
PT_NOTE = 4


def payload(img):
    if img[HDR_MAGIC:HDR_MAGIC + 4] != b"HdrS":
        raise ValueError("not a bzImage (no HdrS setup header)")
    version, = struct.unpack_from("<H", img, HDR_VERSION)
    if version < 0x208:
        raise ValueError("boot protocol %#x has no payload fields" % version)
    sects = img[SETUP_SECTS] or 4
    off, length = struct.unpack_from("<II", img, PAYLOAD)
    start = (sects + 1) * 512 + off
    return img[start:start + length]


def decompress(data):
    # The kernel appends the uncompressed size (u32, little-endian) to every
    # format but gzip, whose own trailer holds it.
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    size, = struct.unpack_from("<I", data, len(data) - 4)
    body = data[:-4]
    if body[:6] == b"\xfd7zXZ\x00":
        out = lzma.LZMADecompressor(lzma.FORMAT_XZ).decompress(body)
    elif body[:4] == b"\x28\xb5\x2f\xfd":
        out = subprocess.run(["zstd", "-dcq"], input=body, stdout=subprocess.PIPE,
                             check=True).stdout
    elif body[:3] == b"\x5d\x00\x00":
        out = lzma.LZMADecompressor(lzma.FORMAT_ALONE).decompress(body)
    else:
        raise ValueError("unknown compression (magic %s)" % body[:6].hex())
    if len(out) != size:
        raise ValueError("unpacked %d bytes, the image says %d" % (len(out), size))
    return out


def has_pvh_note(elf):
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        raise ValueError("the payload is not a 64-bit ELF file")
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    for i in range(phnum):
        ptype, _, poff, _, _, filesz = struct.unpack_from("<IIQQQQ", elf, phoff + i * phentsize)
        if ptype != PT_NOTE:
            continue
        pos, end = poff, poff + filesz
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", elf, pos)
            name = elf[pos + 12:pos + 12 + namesz].rstrip(b"\0")
            if name == PVH_NOTE_NAME and ntype == XEN_ELFNOTE_PHYS32_ENTRY:
                return True
            pos += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
    return False


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: vmlinux.py BZIMAGE OUT")
    with open(sys.argv[1], "rb") as f:
        img = f.read()
    try:
        elf = decompress(payload(img))
        if not has_pvh_note(elf):
            raise ValueError("the vmlinux has no PVH entry note")
    except (ValueError, OSError, lzma.LZMAError, subprocess.CalledProcessError) as e:
        print("vmlinux.py: %s: %s" % (sys.argv[1], e), file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[2] + ".tmp", "wb") as f:
        f.write(elf)
    os.replace(sys.argv[2] + ".tmp", sys.argv[2])


if __name__ == "__main__":
    main()
