#!/bin/sh
# tests/e2e/addrspace.sh — the i386 address space, natively and under
# `persona run` (and under it inside a filter that kills any i386-ABI call),
# static and dynamic (tests/prog/addrspace.c): where mappings go without a
# hint (top-down, space given back found again), hints taken where free and
# raised to the kernel's mmap_min_addr, MAP_FIXED_NOREPLACE and MAP_32BIT,
# brk refused a page below anything mapped and far beyond what can be
# mapped, and the whole space from mmap_min_addr up the program's to fill.
# See lib/same.sh.
. tests/e2e/lib/same.sh

for kind in static dynamic; do
	p=$progdir/addrspace-$kind
	# in a fresh process: brk far first, then 1 GiB, then a hint
	same "brk far, then 1 GiB, then a hint $kind" -- "$p" farbrk
	same "top-down placement, hints, MAP_32BIT $kind" -- "$p" topdown
	same "MAP_FIXED_NOREPLACE $kind" -- "$p" fixed
	same "mmap_min_addr $kind" -- "$p" min_addr
	same "brk stops a page below a mapping $kind" -- "$p" brk
	same "the whole space below the image $kind" -- "$p" fill
done
same "static-pie: everything in one process" -- "$progdir/addrspace-static-pie"

# An unlimited stack: the kernel keeps the layout top-down but puts the
# mmap base five sixths of the way down, so 1 GiB goes to the bottom-up
# fallback above a third of the space.
if (ulimit -s unlimited) 2>/dev/null; then
	ulimit -s unlimited
	same "unlimited stack: brk far, 1 GiB, a hint" -- "$progdir/addrspace-static" farbrk
	same "unlimited stack: top-down placement" -- "$progdir/addrspace-dynamic" topdown
else
	skip "unlimited stack: brk far, 1 GiB, a hint" "cannot raise the stack limit here"
	skip "unlimited stack: top-down placement" "cannot raise the stack limit here"
fi
