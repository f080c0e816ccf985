#!/bin/sh
# tests/e2e/selfview.sh — what an i386 program reads about itself names
# itself, as after a native exec (tests/prog/selfview.c, static and
# dynamic; see lib/same.sh): /proc/self/exe (link, open, openat, openat2,
# re-exec through it), /proc/self/cmdline (live, in pieces), /proc/self/auxv
# (32-bit pairs), getauxval, /proc/self/comm and PR_GET_NAME, uname's
# machine with and without PER_LINUX32, and no personality descriptor where
# the program expects a free one (also with --log FILE).
. tests/e2e/lib/same.sh

for kind in static dynamic; do
	prog=$progdir/selfview-$kind
	same "self exe $kind" -- "$prog" exe
	same "self cmdline $kind" -- "$prog" cmdline one "two words" "" three
	same "self auxv $kind" -- "$prog" auxv
	same "self getauxval $kind" -- "$prog" getauxval
	same "self comm $kind" -- "$prog" comm
	same "self uname $kind" -- "$prog" uname
	same "self re-exec through /proc/self/exe $kind" -- "$prog" reexec
	same "self descriptors $kind" -- "$prog" fds
	PERSONA_RUN_OPTS="$base_run_opts --log $t/persona.log"
	same "self descriptors with --log $kind" -- "$prog" fds
	PERSONA_RUN_OPTS=$base_run_opts
done
