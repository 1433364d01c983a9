#!/bin/bash
# The structure of src/ (docs/architecture.md), from the built objects: no
# file imports from a file that imports from it, each stage imports only
# from the stages before it, no name of the launcher's takes the place of a
# library's, and the launch path's size in the doc is the one measured now.
# The checker is first shown a circle and a stage out of order, so a pass
# below means something.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"
need_cmd nm "apt-get install binutils"
need_cmd readelf "apt-get install binutils"
need_cmd ctags "apt-get install universal-ctags (tools/install-deps --test)"
need_cmd cc "apt-get install gcc"
graph=$SRC_DIR/tests/static/import-graph
[ -f "$BUILD_DIR/compile_commands.json" ] || meson setup "$BUILD_DIR" "$SRC_DIR" >/dev/null
ninja -C "$BUILD_DIR" >/dev/null
ok $? "the build is current"
scratch

# The checker against objects made to fail it.
cat >"$SCRATCH/a.c" <<'EOF'
int b(void);
int a(void);
int a(void) { return b(); }
EOF
cat >"$SCRATCH/b.c" <<'EOF'
int a(void);
int b(void);
int b(void) { return a() + 1; }
EOF
cat >"$SCRATCH/c.c" <<'EOF'
int b(void);
int c(void);
int c(void) { return b(); }
EOF
for f in a b c; do cc -c "$SCRATCH/$f.c" -o "$SCRATCH/$f.o" || break; done
out=$("$graph" "src/lib/a.c=$SCRATCH/a.o" "src/lib/b.c=$SCRATCH/b.o" 2>&1)
is $? 1 "import-graph fails on two files that import from each other"
like "$out" "circle among 2 files: src/lib/a.c src/lib/b.c" "... and names them"
like "$out" "src/lib/b.c -> src/lib/a.c: a" "... with the symbol of each step"
out=$("$graph" "src/apply/c.c=$SCRATCH/c.o" "src/plan/b.c=$SCRATCH/b.o" 2>&1)
is $? 1 "import-graph fails on a launch step that imports from the plan"
like "$out" "stage order: src/apply/c.c \(apply\) imports from src/plan/b.c \(plan\): b" "... and names the import"

# The launcher.
out=$("$graph" "$BUILD_DIR" "$SRC_DIR" 2>&1)
ok $? "src/: no circle, every stage imports only from the stages before it"
[ "$(echo "$out" | grep -c .)" -gt 1 ] && printf '%s\n' "$out" | sed 's/^/#   /'
like "$out" "^[0-9]+ files, [0-9]+ imports" "... over the objects of every file ($(echo "$out" | tail -n1))"

# A global name of the launcher's that a library it links or opens also
# defines would take that library's place for the library's own calls.
ours=$(nm -g --defined-only "$BUILD_DIR"/libosapi-launch-core.a.p/*.o "$BUILD_DIR"/osapi-launch.p/*.o 2>/dev/null |
	awk 'NF == 3 { print $3 }' | sort -u)
libs=$(ldd "$OSAPI_LAUNCH" | awk '$3 ~ /^\// { print $3 }')
# The ones it opens on demand, as its own ELF notes name them.
for so in $("$SRC_DIR/tools/dlopen-notes" "$OSAPI_LAUNCH"); do
	libs="$libs $(ldconfig -p | awk -v so="$so" '$1 == so { print $NF; exit }')"
done
# shellcheck disable=SC2086 # one path a word
theirs=$(for l in $libs; do nm -D --defined-only "$l"; done 2>/dev/null |
	awk '{ print $NF }' | sed 's/@.*//' | sort -u)
clash=$(comm -12 <(echo "$ours") <(echo "$theirs"))
is "$clash" "" "no global name of the launcher's is one of its libraries' ($(echo "$libs" | wc -w) libraries)"

# The launch path's size, as the doc states it.
doc=$SRC_DIR/docs/architecture.md
want=$(sed -n '/^<!-- launch-path -->$/,/^<!-- \/launch-path -->$/p' "$doc" | sed '1,2d;$d' | sed '$d')
got=$("$SRC_DIR/tests/static/launch-path" "$BUILD_DIR" "$SRC_DIR")
ok $? "tests/static/launch-path measures the build"
is "$got" "$want" "docs/architecture.md states the launch path as measured (tests/static/launch-path BUILD SRC --update docs/architecture.md)"
like "$got" "^launch path: +[0-9]+ lines" "... in lines of C"
done_testing
