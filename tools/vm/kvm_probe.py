#!/usr/bin/env python3
"""tools/vm/kvm_probe.py — exit 0 when KVM can run a stock x86-64 kernel.

Two things must hold. /dev/kvm must create a virtual machine (KVM_CREATE_VM,
what QEMU's -accel kvm asks for), and the KVM behind it must use the CPU's
virtualization extensions (the kvm_intel or kvm_amd module). A paravirtual
KVM such as kvm_pvm creates VMs too, but only for guest kernels built for it:
a stock kernel stops on its first privileged instruction. Otherwise exits 1
with the reason on stdout.
"""
import fcntl
import os
import sys

KVMIO = 0xAE
KVM_GET_API_VERSION = KVMIO << 8 | 0x00     # _IO(KVMIO, 0x00)
KVM_CREATE_VM = KVMIO << 8 | 0x01           # _IO(KVMIO, 0x01)
KVM_API_VERSION = 12
HARDWARE_KVM = ("kvm_intel", "kvm_amd")


def unusable(why):
    print(why)
    sys.exit(1)


try:
    kvm = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    if fcntl.ioctl(kvm, KVM_GET_API_VERSION) != KVM_API_VERSION:
        unusable("/dev/kvm speaks another API version")
    os.close(fcntl.ioctl(kvm, KVM_CREATE_VM, 0))
except OSError as e:
    unusable("/dev/kvm: %s" % e.strerror)
if not any(os.path.isdir("/sys/module/" + m) for m in HARDWARE_KVM):
    others = sorted(m for m in os.listdir("/sys/module") if m.startswith("kvm_"))
    unusable("this KVM (%s) does not use hardware virtualization"
             % (", ".join(others) or "no kvm_intel or kvm_amd"))
