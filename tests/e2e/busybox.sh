#!/bin/sh
# tests/e2e/busybox.sh — Debian's static i386 busybox, an unmodified real
# program, natively and under `persona run`: the same output for file
# tools, archives and the shell (pipes, command substitution, redirections,
# background jobs, scripts). See lib/same.sh.
. tests/e2e/lib/same.sh

bb=$(dpkg -L busybox-static 2>/dev/null | grep '/bin/busybox$' | head -1)
if [ -z "$bb" ] || [ ! -x "$bb" ]; then
	echo "ok 1 - busybox # SKIP busybox-static (i386) is not installed (tools/deps.sh installs it)"
	exit 0
fi
if ! od -An -tx1 -j4 -N1 "$bb" | grep -q 01; then
	echo "ok 1 - busybox # SKIP $bb is not the i386 build"
	exit 0
fi

# fixed input files, with fixed times so listings agree
d=$t/data
mkdir -p "$d/sub"
printf 'alpha\nbeta\ngamma\n' >"$d/a.txt"
printf 'pear\napple\nfig\napple\nkiwi\napple\nfig\n' >"$d/b.txt"
printf 'nested\n' >"$d/sub/c.txt"
printf '#!%s sh\necho "script args: $*"\nexit 4\n' "$bb" >"$d/script.sh"
chmod 755 "$d/script.sh"
find "$d" -exec touch -d '2020-01-02 03:04:05' {} +

same "busybox echo" -- "$bb" echo hello world
same "busybox cat" -- "$bb" cat "$d/a.txt" "$d/b.txt"
same "busybox ls -l" -- "$bb" ls -l "$d" "$d/sub"
same "busybox wc" -- "$bb" wc "$d/a.txt" "$d/b.txt"
same "busybox sort" -- "$bb" sort "$d/b.txt"
same "busybox sha256sum" -- "$bb" sha256sum "$d/a.txt" "$d/b.txt"
same "busybox find" -- "$bb" find "$d" -name '*.txt'
same "busybox tar c" --dir -- "$bb" tar cf archive.tar -C "$d" a.txt b.txt sub
tar cf "$t/archive-fixture.tar" -C "$d" a.txt b.txt sub
same "busybox tar t" -- "$bb" tar tvf "$t/archive-fixture.tar"
same "busybox sh pipes" -- "$bb" sh -c "cat '$d/b.txt' | sort | uniq -c | sort -rn | head -2"
same "busybox sh command substitution" -- "$bb" sh -c 'x=$(echo sub; echo line2); echo "got $x"; echo "$(ls '"$d"' | wc -l) entries"'
same "busybox sh redirections" --dir -- "$bb" sh -c 'echo one >f; echo two >>f; cat <f; wc -l <f; ls /nonexistent 2>err; cat err; echo x >&2'
same "busybox sh background jobs" -- "$bb" sh -c 'sleep 0.2 & p=$!; echo started; wait $p; echo "waited $?"; (exit 3) & wait $!; echo "status $?"'
same "busybox sh status and control" -- "$bb" sh -c '(exit 3); echo $?; false || echo alt; for i in 1 2 3; do echo $i; done | sort -r; exit 5'
same "busybox sh runs a script" -- "$bb" sh -c "'$d/script.sh' a b; echo \"script status \$?\""
same "busybox sh exec of a missing program" -- "$bb" sh -c 'nosuchprogram-here; echo "status $?"'
same "busybox /proc/self/exe names busybox" -- "$bb" sh -c 'readlink /proc/self/exe; realpath /proc/self/exe'
same "busybox applets re-exec /proc/self/exe" -- "$bb" sh -c 'env | grep -c PERSONA_REGISTRY; xargs echo <'"$d/a.txt"
