#!/bin/bash
# Every fenced code block in docs/agent-hardening.md and README.md is
# checked by the tool that would consume it, one TAP line per block
# (file:line of the opening fence):
#
#   ini with [Launch]   written root-owned 0644 and run through
#                       `osapi-launch --check -c FILE -- /bin/true` (the
#                       agent binary is not installed here): must exit 0.
#   ini with [Service]  a complete unit ([Unit] and ExecStart=) is loaded by
#                       `systemd-analyze verify` in a scratch --root, as
#                       tests/t/70-contrib-systemd.t does.  Anything less
#                       must carry a marker naming its unit:
#                         <!-- snippet: fragment of contrib/systemd/X.service -->
#                           every directive line must be in that file,
#                           verbatim, and the block is verified as a
#                           drop-in of it;
#                         <!-- snippet: drop-in for contrib/systemd/X.service -->
#                           verified as a drop-in of that unit.
#                       verify must exit 0 and print nothing.
#   sh, bash            shellcheck -s sh / -s bash.
#   console             lines starting with "$ " or "# " are commands (a
#                       trailing backslash continues them), everything else
#                       is output; the commands go through shellcheck -s
#                       bash.  A quoted "Overall exposure level" must be the
#                       one systemd-analyze reports for that contrib unit.
#   yaml                parsed with python3's yaml.safe_load_all.
#   json                parsed with python3's json.
#   apparmor            a block with a "profile" is compiled as is; a block
#                       of @{VAR} assignments is a tunables/osapi-agent.d/
#                       file; anything else is rules for local/osapi-agent.
#                       Compiled with the contrib profile, as
#                       tests/t/59-apparmor-parse.t does.
#   anything else       (text, dockerfile, no tag) must be preceded by
#                       <!-- snippet: not checked (REASON) -->
#                       and is reported as a skip with that reason.
#
# A marker is the last non-blank line before the fence.  Blocks fail when
# they do not check out, or when nothing says how to check them.
#
# Then the guide against the binary: every directive `osapi-launch
# --list-directives` prints is mentioned in the guide; the table between
# <!-- directive-map:begin --> and <!-- directive-map:end --> says "yes" for
# exactly the directives the binary knows, and lists every directive of
# contrib/systemd/osapi-agent.service.
#
# Negative controls run the same checker on deliberately broken blocks, to
# show that each kind of check can fail.
#
# SNIPPET_FILES (space-separated paths) replaces the two files, for trying
# the checker on a draft.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

need_cmd python3 "apt-get install python3"
need_cmd shellcheck "apt-get install shellcheck"

guide=$SRC_DIR/docs/agent-hardening.md
files=${SNIPPET_FILES:-"$guide $SRC_DIR/README.md"}
is_root=false
[ "$(id -u)" -eq 0 ] && is_root=true

scratch

have_yaml=false
python3 -c 'import yaml' 2>/dev/null && have_yaml=true
have_aa=false
command -v apparmor_parser >/dev/null 2>&1 && [ -d /etc/apparmor.d/abstractions ] && have_aa=true
host_units=
if command -v systemd-analyze >/dev/null 2>&1; then
	for d in /usr/lib/systemd/system /lib/systemd/system; do
		[ -e "$d/sysinit.target" ] && host_units=$d && break
	done
fi
if $is_root; then
	id osapi >/dev/null 2>&1 ||
		useradd --system --no-create-home --shell /usr/sbin/nologin osapi
fi

# extract FILE DIR: one DIR/N.body per fenced block, and DIR/index with
# "N|line|lang|marker" per block (| rather than a tab: read would merge
# the empty tag's two separators).  Fences start in column 0.
extract() {
	mkdir -p "$2"
	awk -v dir="$2" '
	function flush_marker(line) {
		if (line ~ /^<!-- snippet: .* -->$/) {
			m = line
			sub(/^<!-- snippet: /, "", m)
			sub(/ -->$/, "", m)
			return m
		}
		return ""
	}
	!inblock && /^```/ {
		inblock = 1
		n++
		lang = substr($0, 4)
		gsub(/[ \t].*$/, "", lang)
		body = dir "/" n ".body"
		printf "" > body
		printf "%d|%d|%s|%s\n", n, NR, lang, flush_marker(last) > (dir "/index")
		next
	}
	inblock && /^```[ \t]*$/ { inblock = 0; close(body); last = ""; next }
	inblock { print > body; next }
	/[^ \t]/ { last = $0 }
	END { if (inblock) printf "%d|%d|UNCLOSED|\n", n + 1, NR > (dir "/index") }
	' "$1"
	touch "$2/index"
}

# --- the checks; each prints diagnostics and returns 0 on success --------

# The systemd root for verify: the host's units, the contrib units, and an
# empty executable at every ExecStart path they name.
sdroot=$SCRATCH/sdroot
make_sdroot() {
	[ -d "$sdroot" ] && return 0
	mkdir -p "$sdroot/usr/lib/systemd" "$sdroot/etc/systemd/system"
	cp -a "$host_units" "$sdroot/usr/lib/systemd/system"
	cp "$SRC_DIR"/contrib/systemd/*.service "$sdroot/etc/systemd/system/"
}
stub_exec() { # stub_exec UNITFILE: an executable stand-in for its ExecStart
	local bin
	bin=$(sed -n 's/^ExecStart=[-@:+!]*\([^ ]*\).*/\1/p' "$1" | head -n 1)
	[ -n "$bin" ] || return 0
	mkdir -p "$sdroot$(dirname "$bin")"
	printf '#!/bin/sh\nexit 0\n' >"$sdroot$bin"
	chmod 0755 "$sdroot$bin"
}
verify_unit() { # verify_unit NAME: systemd-analyze verify in the scratch root
	local out st
	out=$(systemd-analyze verify --man=no --root="$sdroot" "$1" 2>&1)
	st=$?
	[ "$st" -eq 0 ] && [ -z "$out" ] && return 0
	printf '%s\n' "exit $st" "$out" | sed 's/^/#   /'
	return 1
}

check_launch() { # BODY
	local f=$SCRATCH/launch.conf out
	install -m 0644 "$1" "$f"
	out=$("$OSAPI_LAUNCH" --check -c "$f" -- /bin/true 2>&1) && return 0
	printf '%s\n' "$out" | grep -E 'osapi-launch:|FAIL' | sed 's/^/#   /'
	return 1
}

check_service() { # BODY MARKER
	local body=$1 marker=$2 path unit line missing=0 name
	make_sdroot
	case $marker in
	"fragment of "* | "drop-in for "*)
		path=${marker#* of }
		path=${path#* for }
		if [ ! -f "$SRC_DIR/$path" ]; then
			diag "  marker names $path, which does not exist"
			return 1
		fi
		unit=${path##*/}
		if [ "${marker%% *}" = fragment ]; then
			while IFS= read -r line; do
				case $line in '' | '#'* | ';'* | '['*) continue ;; esac
				grep -qxF -- "$line" "$SRC_DIR/$path" && continue
				diag "  not in $path: $line"
				missing=1
			done <"$body"
			[ "$missing" -eq 0 ] || return 1
		fi
		stub_exec "$sdroot/etc/systemd/system/$unit"
		rm -rf "$sdroot/etc/systemd/system/$unit.d"
		mkdir -p "$sdroot/etc/systemd/system/$unit.d"
		# A drop-in's ExecStart= adds a second command unless an empty
		# one resets the unit's first, as systemd.service(5) says.
		if grep -q '^ExecStart=' "$body"; then
			sed '0,/^\[Service\]/s//[Service]\nExecStart=/' "$body"
		else
			cat "$body"
		fi >"$sdroot/etc/systemd/system/$unit.d/50-snippet.conf"
		verify_unit "$unit"
		missing=$?
		rm -rf "$sdroot/etc/systemd/system/$unit.d"
		return "$missing"
		;;
	esac
	if grep -q '^\[Unit\]' "$body" && grep -q '^ExecStart=' "$body"; then
		name="guide-snippet.service"
		cp "$body" "$sdroot/etc/systemd/system/$name"
		stub_exec "$body"
		verify_unit "$name"
		missing=$?
		rm -f "$sdroot/etc/systemd/system/$name"
		return "$missing"
	fi
	diag "  a [Service] fragment needs a <!-- snippet: fragment of UNIT --> or <!-- snippet: drop-in for UNIT --> marker"
	return 1
}

check_shell() { # BODY DIALECT
	local out
	out=$(shellcheck -s "$2" - <"$1" 2>&1) && return 0
	printf '%s\n' "$out" | sed 's/^/#   /'
	return 1
}

# console_commands BODY: the command lines of a console block, prompts cut.
console_commands() {
	awk '
	cont { print; cont = /\\$/; next }
	/^[$#] / { print substr($0, 3); cont = /\\$/ }
	' "$1"
}

check_console() { # BODY
	local cmds=$SCRATCH/console.sh q unit real
	console_commands "$1" >"$cmds"
	if [ ! -s "$cmds" ]; then
		diag "  no command line (\"\$ \" or \"# \" prompt) in this console block"
		return 1
	fi
	check_shell "$cmds" bash || return 1
	q=$(sed -n 's/.*Overall exposure level for \([^:]*\): \([0-9.]*\).*/\1 \2/p' "$1")
	[ -n "$q" ] || return 0
	unit=${q%% *}
	if [ ! -f "$SRC_DIR/contrib/systemd/$unit" ]; then
		diag "  quotes a score for $unit, which is not in contrib/systemd"
		return 1
	fi
	real=$(systemd-analyze security --offline=true "$SRC_DIR/contrib/systemd/$unit" 2>&1 |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	[ "$real" = "${q#* }" ] && return 0
	diag "  quotes ${q#* } for $unit; systemd-analyze says $real"
	return 1
}

check_yaml() { # BODY
	python3 -c '
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None]
sys.exit(0 if docs else "no YAML document")
' "$1" 2>&1 | sed 's/^/#   /'
	return "${PIPESTATUS[0]}"
}

check_json() { # BODY
	python3 -m json.tool "$1" >/dev/null 2>&1
}

check_apparmor() { # BODY
	local contrib=$SRC_DIR/contrib/apparmor ovl=$SCRATCH/aa err rc target
	rm -rf "$ovl"
	mkdir -p "$ovl/tunables/osapi-agent.d" "$ovl/local"
	if grep -qE '^[[:space:]]*profile[[:space:]]' "$1"; then
		target=$1
	elif grep -vE '^[[:space:]]*(#|$)' "$1" | grep -qvE '^[[:space:]]*@\{'; then
		cp "$1" "$ovl/local/osapi-agent"
		target=$contrib/osapi-agent
	else
		cp "$1" "$ovl/tunables/osapi-agent.d/snippet"
		target=$contrib/osapi-agent
	fi
	# The overlay first, so its tunables/osapi-agent.d and local/ are the
	# ones "include if exists" finds; then the contrib files under test.
	err=$(apparmor_parser -S -W -I "$ovl" -I "$contrib" -I /etc/apparmor.d "$target" 2>&1 >/dev/null)
	rc=$?
	err=$(printf '%s\n' "$err" | grep -v '^Cache read/write disabled: interface file missing' || true)
	[ "$rc" -eq 0 ] && [ -z "$err" ] && return 0
	printf '%s\n' "rc $rc" "$err" | sed 's/^/#   /'
	return 1
}

# check_block REL LINE LANG MARKER BODY: one TAP line.
check_block() {
	local rel=$1 line=$2 lang=$3 marker=$4 body=$5 what="$1:$2 \`\`\`$3"
	case $marker in
	"not checked ("*")")
		ok 0 "$what # SKIP ${marker}"
		return
		;;
	"not checked"*)
		diag "  a \"not checked\" marker must give its reason in parentheses"
		ok 1 "$what: not checked, without a reason"
		return
		;;
	esac
	case $lang in
	ini)
		if grep -q '^\[Launch\]' "$body"; then
			if ! $is_root; then
				ok 0 "$what: osapi-launch --check # SKIP needs root (the config must be root-owned)"
			else
				check_launch "$body"
				ok $? "$what: osapi-launch --check exits 0"
			fi
		elif grep -q '^\[Service\]' "$body"; then
			if [ -z "$host_units" ]; then
				ok 0 "$what: systemd-analyze verify # SKIP needs systemd-analyze and a unit directory"
			else
				check_service "$body" "$marker"
				ok $? "$what: systemd-analyze verify${marker:+ ($marker)}"
			fi
		else
			diag "  ini without [Launch] or [Service]: nothing knows how to check it"
			ok 1 "$what: neither [Launch] nor [Service]"
		fi
		;;
	sh | bash)
		check_shell "$body" "$lang"
		ok $? "$what: shellcheck -s $lang"
		;;
	console)
		check_console "$body"
		ok $? "$what: commands pass shellcheck -s bash"
		;;
	yaml)
		if $have_yaml; then
			check_yaml "$body"
			ok $? "$what: parses as YAML"
		else
			ok 0 "$what # SKIP needs python3-yaml"
		fi
		;;
	json)
		check_json "$body"
		ok $? "$what: parses as JSON"
		;;
	apparmor)
		if $have_aa; then
			check_apparmor "$body"
			ok $? "$what: apparmor_parser compiles it with contrib/apparmor/osapi-agent"
		else
			ok 0 "$what # SKIP needs apparmor_parser and /etc/apparmor.d/abstractions"
		fi
		;;
	UNCLOSED)
		ok 1 "$rel:$line: a code fence is never closed"
		;;
	*)
		diag "  tag \"$lang\" is not checkable: mark it <!-- snippet: not checked (REASON) -->"
		ok 1 "$what: no checkable tag and no not-checked marker"
		;;
	esac
}

# check_files FILE...: every block of every FILE.
check_files() {
	local f rel dir i=0 n line lang marker
	for f in "$@"; do
		i=$((i + 1))
		rel=${f#"$SRC_DIR"/}
		if [ ! -f "$f" ]; then
			ok 1 "$rel exists"
			continue
		fi
		dir=$SCRATCH/blocks-$i
		rm -rf "$dir"
		extract "$f" "$dir"
		while IFS='|' read -r n line lang marker; do
			check_block "$rel" "$line" "$lang" "$marker" "$dir/$n.body"
		done <"$dir/index"
	done
}

# --- the documents -------------------------------------------------------

# shellcheck disable=SC2086 # a list of paths, split on purpose
check_files $files

# --- the guide against the binary ----------------------------------------

if [ -f "$guide" ]; then
	directives=$("$OSAPI_LAUNCH" --list-directives | cut -f1)
	nd=0
	for name in $directives; do
		nd=$((nd + 1))
		grep -q -- "$name=" "$guide"
		ok $? "the guide mentions $name="
	done
	ok "$([ "$nd" -gt 20 ] && echo 0 || echo 1)" "the binary lists its directives ($nd)"

	# shellcheck disable=SC2016 # the backquotes are Markdown, not shell
	map=$(sed -n '/^<!-- directive-map:begin -->$/,/^<!-- directive-map:end -->$/p' "$guide" |
		sed -n 's/^| `\([A-Za-z]*\)=` | \([a-z]*\) |.*/\1 \2/p')
	ok "$([ -n "$map" ] && echo 0 || echo 1)" "the guide has a directive map"
	while read -r name says; do
		[ -n "$name" ] || continue
		if printf '%s\n' "$directives" | grep -qx -- "$name"; then
			knows=yes
		else
			knows=no
		fi
		is "$says" "$knows" "directive map: $name= \"$says\" matches the binary"
	done <<<"$map"
	unit=$SRC_DIR/contrib/systemd/osapi-agent.service
	while read -r name; do
		printf '%s\n' "$map" | grep -q "^$name "
		ok $? "directive map lists $name= from osapi-agent.service"
	done < <(sed -n '/^\[Service\]/,/^\[/s/^\([A-Za-z]*\)=.*/\1/p' "$unit" | sort -u)
fi

# --- negative controls: each kind of check can fail ----------------------

bad=$SCRATCH/bad.md
cat >"$bad" <<'EOF'
Untagged, unmarked:

```
osapi-launch --help
```

<!-- snippet: not checked -->
```text
a marker without a reason
```

```ini
[Launch]
ExecStart=/usr/bin/osapi agent start
ProtectSwap=yes
```

<!-- snippet: fragment of contrib/systemd/osapi-agent.service -->
```ini
[Service]
ProtectSystem=full
```

<!-- snippet: drop-in for contrib/systemd/osapi-agent.service -->
```ini
[Service]
ProtectHomes=yes
```

```ini
[Service]
NoNewPrivileges=yes
```

```sh
if [ -f $x ]; then echo
```

```console
# echo $undefined_but_unquoted $(ls *.conf)
```

```console
output only, no prompt
```

```yaml
a: [1, 2
```

```apparmor
network bogus raw,
```

```apparmor
@{OSAPI_UNDECLARED} += /usr/bin/df
```

```sh
echo "a fence never closed"
EOF
expect_bad=13
if ! $is_root; then
	expect_bad=$((expect_bad - 1)) # the [Launch] block is skipped
fi
[ -n "$host_units" ] || expect_bad=$((expect_bad - 3))
$have_yaml || expect_bad=$((expect_bad - 1))
$have_aa || expect_bad=$((expect_bad - 2))
out=$(check_files "$bad")
nbad=$(printf '%s\n' "$out" | grep -c '^not ok')
is "$nbad" "$expect_bad" "negative controls: every broken block fails"
[ "$nbad" -eq "$expect_bad" ] || printf '%s\n' "$out" | grep -E '^(ok|not ok)' | sed 's/^/#   /'

done_testing
