#!/bin/sh
# tests/e2e/layering.sh — the personality's layers, checked on the objects.
#
# personality/c is split into layers (README.md, "Layout"); a call may go to
# its own layer or down, never up:
#
#   core     calls core, asm
#   signal   calls signal, core, asm
#   reflect  calls reflect, signal, core, asm
#   rt       calls rt, reflect, signal, core, asm
#   xl       calls xl, rt, reflect, signal, core, asm
#   asm      (the NASM stubs at the edges) calls any layer but xl
#
# and nothing calls into xl/ except the table: core/dispatch.o's references
# to the handlers it names (xl_<name>), wherever they are defined. A
# reference is an undefined symbol of one object (nm -u) that another object
# of the personality defines; symbols no object defines (the linker script's,
# the vDSO blob's) are not calls between layers. The sources' #include
# lines follow the same rule: a file of a layer includes headers of the
# layers it may call (and the ABI headers, the generated ones, the
# system's). Each call or include against the rule fails its layer's case
# and is named: object, symbol and where it lives; file and header.
#
# A last case builds a small tree with one call of each forbidden kind (and
# one forbidden include) and checks that the checker names every one.
cd "$(dirname "$0")/../.." || exit 1
build=${PERSONA_BUILD:-build}
obj=$build/obj
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

LAYERS="core signal reflect rt xl asm"

# the layers a layer may call
allowed() {
	case $1 in
	core)    echo "core asm" ;;
	signal)  echo "signal core asm" ;;
	reflect) echo "reflect signal core asm" ;;
	rt)      echo "rt reflect signal core asm" ;;
	xl)      echo "xl rt reflect signal core asm" ;;
	asm)     echo "core signal reflect rt asm" ;;
	esac
}

# layer_of OBJECT ROOT: core, rt, ... from the object's folder
layer_of() {
	case ${1#"$2"/} in
	personality/asm/*) echo asm ;;
	personality/c/*/*) l=${1#"$2"/personality/c/}; echo "${l%%/*}" ;;
	*) echo unknown ;;
	esac
}

# check SRC OBJ OUT: writes "layer object symbol definer-object" to OUT for
# every reference against the rule among the objects in OBJ built from the
# sources in SRC (SRC/personality/c/<layer>/*.c, SRC/personality/asm/*.asm;
# objects of sources that are gone do not count); returns 1 if one of those
# objects is missing.
check() {
	src=$1 root=$2 out=$3
	( cd "$src" && find personality/c -mindepth 2 -name '*.c' ! -name asm-offsets.c &&
	  find personality/asm -name '*.asm' ) 2>/dev/null | sed 's/\.[a-z]*$/.o/' | sort > "$tmp/objs"
	: > "$tmp/missing"
	while read -r o; do [ -f "$root/$o" ] || echo "$o" >> "$tmp/missing"; done < "$tmp/objs"
	[ -s "$tmp/objs" ] && [ ! -s "$tmp/missing" ] || return 1
	: > "$tmp/defs"; : > "$tmp/uses"
	while read -r o; do
		nm --defined-only "$root/$o" | awk -v o="$root/$o" '$2 ~ /^[TDBRVWCG]$/ { print $3, o }' >> "$tmp/defs"
		nm -u "$root/$o" | awk -v o="$root/$o" '{ print $NF, o }' >> "$tmp/uses"
	done < "$tmp/objs"
	sort -k1,1 -o "$tmp/defs" "$tmp/defs"
	sort -k1,1 -o "$tmp/uses" "$tmp/uses"
	: > "$out"
	join "$tmp/uses" "$tmp/defs" | while read -r sym user def; do
		[ "$user" = "$def" ] && continue
		from=$(layer_of "$user" "$root") to=$(layer_of "$def" "$root")
		# the table's references to its handlers
		case $user:$sym in */core/dispatch.o:xl_*) continue ;; esac
		case " $(allowed "$from") " in
		*" $to "*) ;;
		*) echo "$from ${user#"$root"/} calls $sym, defined in ${def#"$root"/}" >> "$out" ;;
		esac
	done
	# the headers the sources include, by layer folder
	( cd "$src" && find personality/c -mindepth 2 -name '*.[ch]' ) | sort | while read -r f; do
		from=$(layer_of "./$f" .)
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z]*\)\/\([^"]*\)".*/\1 \2/p' "$src/$f" |
		while read -r to hdr; do
			case " $LAYERS " in *" $to "*) ;; *) continue ;; esac
			case " $(allowed "$from") " in
			*" $to "*) ;;
			*) echo "$from $f includes $to/$hdr" >> "$out" ;;
			esac
		done
	done
	return 0
}

n=0
ok()    { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do printf "%s\n" "$l" | sed "s/^/# /"; done; }

if ! check . "$obj" "$tmp/violations"; then
	notok "the personality's objects are built" "missing under $obj: $(cat "$tmp/missing")" "run make first"
	echo "1..$n"
	exit 1
fi
for l in $LAYERS; do
	if grep -q "^$l " "$tmp/violations"; then
		notok "$l calls only $(allowed "$l")" "$(grep "^$l " "$tmp/violations" | cut -d' ' -f2-)"
	else
		ok "$l calls only $(allowed "$l")"
	fi
done

# The checker itself: a tree with calls against the rule (core -> rt,
# signal -> xl, rt -> xl, asm -> xl, a table reference from a file that is
# not the table) and allowed ones (xl -> core, the table's handler).
mk() {  # folder name source
	mkdir -p "$tmp/t/personality/$1" "$tmp/s/personality/$1"
	case $1 in asm) ext=asm ;; *) ext=c ;; esac
	printf '%s\n' "$3" > "$tmp/s/personality/$1/$2.$ext"
	${CC:-cc} -x c -c -o "$tmp/t/personality/$1/$2.o" "$tmp/s/personality/$1/$2.$ext" || return 1
}
{
	mk c/core dispatch 'long xl_thing(void); long core_fn(void) { return xl_thing(); }' &&
	mk c/core lib 'long rt_fn(void); long lib_fn(void) { return rt_fn(); }' &&
	mk c/rt image 'long xl_helper(void); long lib_fn(void); long rt_fn(void) { return xl_helper() + lib_fn(); }' &&
	mk c/signal frame 'long xl_thing(void); long sig_fn(void) { return xl_thing(); }' &&
	mk asm gate 'long xl_helper(void); long gate_fn(void) { return xl_helper(); }' &&
	mk c/xl thing 'long core_fn(void); long xl_thing(void) { return core_fn(); } long xl_helper(void) { return 0; }' &&
	printf '#include "core/persona.h"\n#include "rt/image.h"\n' > "$tmp/s/personality/c/core/bad.h" &&
	printf '#include "signal/ksig.h"\n#include "sysnr.h"\n' > "$tmp/s/personality/c/xl/fine.h"
} 2>"$tmp/cc.err"
if [ -s "$tmp/cc.err" ] || ! check "$tmp/s" "$tmp/t" "$tmp/want"; then
	notok "the checker names calls against the rule" "cannot build its test objects: $(head -3 "$tmp/cc.err")"
else
	cat > "$tmp/expected" <<EOF
asm personality/asm/gate.o calls xl_helper, defined in personality/c/xl/thing.o
core personality/c/core/bad.h includes rt/image.h
core personality/c/core/lib.o calls rt_fn, defined in personality/c/rt/image.o
rt personality/c/rt/image.o calls xl_helper, defined in personality/c/xl/thing.o
signal personality/c/signal/frame.o calls xl_thing, defined in personality/c/xl/thing.o
EOF
	sort "$tmp/want" > "$tmp/got"
	if cmp -s "$tmp/expected" "$tmp/got"; then
		ok "the checker names calls against the rule"
	else
		notok "the checker names calls against the rule" "expected:" "$(cat "$tmp/expected")" "got:" "$(cat "$tmp/got")"
	fi
fi
echo "1..$n"
