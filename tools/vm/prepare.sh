#!/bin/sh
# tools/vm/prepare.sh — unpack the kernel and busybox that tools/vm/deps.sh
# downloaded, and build the guest's initramfs. Quick when nothing changed.
#
# In the cache, once per kernel package: the unpacked package with its
# modules.dep (Debian ships none: depmod -b makes it), and the ELF vmlinux
# unpacked from the bzImage (booted through its PVH entry; the bzImage is the
# fall-back). In the build dir: initramfs.cpio (busybox, the guest's modules,
# tools/vm/init) and kernel.env, which tells run.sh what to boot.
set -e
. "$(dirname "$0")/common.sh"
cd "$VM_ROOT"
# depmod lives in sbin, which a user's PATH may lack
PATH=$PATH:/usr/sbin:/sbin
PYTHON=${PYTHON:-python3}
# 9p and its transport for the root, binfmt_misc for the binfmt test (the
# guest cannot load modules once it has left the initramfs). Built-in ones
# (virtio-pci and the console in 6.12) are skipped.
GUEST_MODULES="virtio_pci virtio_console 9pnet_virtio 9p binfmt_misc"

[ -f "$VM_CACHE/debs.list" ] || { echo "persona: run tools/vm/deps.sh first (nothing in $VM_CACHE)" >&2; exit 1; }
. "$VM_CACHE/debs.list"

kdir=$VM_CACHE/$(basename "$kernel_deb" .deb)
if [ ! -f "$kdir/.ok" ]; then
	echo "persona: unpacking $(basename "$kernel_deb") into $kdir"
	rm -rf "$kdir"; mkdir -p "$kdir"
	dpkg-deb -x "$kernel_deb" "$kdir/root"
	kver=$(ls "$kdir/root/lib/modules")
	[ -f "$kdir/root/boot/vmlinuz-$kver" ] || { echo "persona: $kernel_deb has no vmlinuz-$kver" >&2; exit 1; }
	depmod -b "$kdir/root" "$kver"
	if "$PYTHON" tools/vm/vmlinux.py "$kdir/root/boot/vmlinuz-$kver" "$kdir/vmlinux"; then
		boot=$kdir/vmlinux
	else
		echo "persona: booting the compressed bzImage instead"
		boot=$kdir/root/boot/vmlinuz-$kver
	fi
	printf 'vm_kver=%s\nvm_kernel=%s\nvm_moddir=%s\n' "$kver" "$boot" "$kdir/root/lib/modules/$kver" >"$kdir/kernel.env"
	touch "$kdir/.ok"
fi

bdir=$VM_CACHE/$(basename "$busybox_deb" .deb)
if [ ! -f "$bdir/.ok" ]; then
	rm -rf "$bdir"; mkdir -p "$bdir"
	dpkg-deb -x "$busybox_deb" "$bdir/root"
	# e_machine (ELF offset 18) 0x3e is x86-64: the i386 build would not run
	[ "$(od -An -tx1 -j18 -N2 "$bdir/root/bin/busybox" | tr -d ' ')" = 3e00 ] ||
		{ echo "persona: $busybox_deb holds no x86-64 busybox" >&2; exit 1; }
	touch "$bdir/.ok"
fi

mkdir -p "$VM_BUILD"
cpio=$VM_BUILD/initramfs.cpio
fresh=1
[ -f "$cpio" ] || fresh=0
for f in "$VM_CACHE/debs.list" tools/vm/init tools/vm/prepare.sh tools/vm/modules.py tools/vm/initramfs.py; do
	[ "$f" -nt "$cpio" ] && fresh=0
done
[ "$fresh" = 1 ] && exit 0

. "$kdir/kernel.env"
stage=$(mktemp -d "$VM_BUILD/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/newroot"
cp "$bdir/root/bin/busybox" "$stage/bin/busybox"
cp tools/vm/init "$stage/init"; chmod 755 "$stage/init"
mods=$("$PYTHON" tools/vm/modules.py "$vm_moddir" "$stage/modules" $GUEST_MODULES)
"$PYTHON" tools/vm/initramfs.py "$stage" "$cpio" /dev/console:c:5:1
cp "$kdir/kernel.env" "$VM_BUILD/kernel.env"
echo "persona: initramfs for $vm_kver: busybox and" $mods
