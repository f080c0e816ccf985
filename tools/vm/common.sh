# tools/vm/common.sh — sourced by the check-vm scripts: where things live.
#
# VM_CACHE holds what is downloaded and unpacked once per kernel version
# (overridable with PERSONA_VM_CACHE); VM_BUILD holds what this checkout
# builds and what a run leaves (the initramfs, the kernel's console log).
VM_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VM_CACHE=${PERSONA_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/persona/vm}
VM_BUILD=${PERSONA_VM_BUILD:-$VM_ROOT/build/vm}
