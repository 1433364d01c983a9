#!/bin/bash
# The launcher reads unit-file syntax as systemd does: the corpus in
# tests/parser-corpus/unit-syntax.txt (escapes, continuations, comments
# inside them, trailing blanks, CR and CRLF, a byte order mark) through
# --unit and, as [Launch], through -c, each compared with the values the
# case expects.  systemd itself is the oracle where it can run: "systemd
# --test --system" (as nobody; it refuses root) loads each case from a
# private SYSTEMD_UNIT_PATH and dumps the unit it parsed, so every case's
# expectations are checked against systemd 252's own reading too.
# shellcheck source=tests/lib/tap.sh disable=SC1003 # backslashes in single quotes are the subject
. "$(dirname "$0")/../lib/tap.sh"
need_root
need_cmd python3
setup_launch
corpus=$SRC_DIR/tests/parser-corpus/unit-syntax.txt

# Finding 4, checked from outside: "C:\\" at the end of a line used to
# swallow the next one, leaving the full bounding set and the next
# directive inside WINPATH.
printf '%s\n' '[Launch]' "ExecStart=$P" 'Environment=WINPATH=C:\\' \
	'CapabilityBoundingSet=CAP_NET_RAW' >"$SCRATCH/f4.conf"
chmod 0644 "$SCRATCH/f4.conf"
run_launch -c "$SCRATCH/f4.conf"
is "$RC" 0 "finding 4: the config launches"
is "$(field CapBnd)" 0000000000002000 "finding 4: CapabilityBoundingSet= on the next line applies (CapBnd)"
is "$(printf '%s\n' "$OUTPUT" | sed -n 's/^ENV=\(WINPATH=.*\)/\1/p')" 'WINPATH=C:\' \
	"finding 4: WINPATH is C:\\ and nothing more"
printf '%s\n' '[Service]' "ExecStart=$P" 'Environment=WINPATH=C:\\' \
	'CapabilityBoundingSet=CAP_NET_RAW' >"$SCRATCH/f4.service"
chmod 0644 "$SCRATCH/f4.service"
run_launch --unit "$SCRATCH/f4.service"
is "$(field CapBnd)" 0000000000002000 "finding 4 through --unit: CapBnd holds cap_net_raw only"
is "$(printf '%s\n' "$OUTPUT" | sed -n 's/^ENV=\(WINPATH=.*\)/\1/p')" 'WINPATH=C:\' "finding 4 through --unit: WINPATH=C:\\"

cat >"$SCRATCH/corpus.py" <<'PY'
import json, re, shlex, sys

def cases(path):
    out, cur = {}, None
    for raw in open(path, encoding="utf-8"):
        line = raw.rstrip("\n")
        m = re.fullmatch(r"\[([a-z0-9-]+)\]", line)
        if m:
            cur = out.setdefault(m.group(1), {"text": b"", "expect": {}, "error": None})
            continue
        if cur is None or not line or line.startswith("#"):
            continue
        if line == ">" or line.startswith("> "):
            cur["text"] += decode(line[2:])
        elif line.startswith("= "):
            key, _, val = line[2:].partition(" ")
            lst = cur["expect"].setdefault(key, [])
            if val:
                lst.append(decode(val + "<NOLF>").decode("utf-8", "surrogateescape"))
        elif line.startswith("- "):
            cur["expect"][line[2:]] = None
        elif line.startswith("! "):
            cur["error"] = line[2:]
        elif line == "% systemd accepts":
            cur["accepts"] = True
        else:
            sys.exit("corpus: cannot read: " + line)
    return out

MARK = {"CR": b"\r", "TAB": b"\t", "SP": b" ", "FF": b"\f", "BOM": b"\xef\xbb\xbf"}

def decode(s):
    nolf = s.endswith("<NOLF>")
    if nolf:
        s = s[:-6]
    out = b""
    for part in re.split(r"(<[A-Za-z0-9]+>)", s):
        m = re.fullmatch(r"<x([0-9A-Fa-f]{2})>", part)
        if m:
            out += bytes([int(m.group(1), 16)])
        elif part[1:-1] in MARK and part.startswith("<"):
            out += MARK[part[1:-1]]
        else:
            out += part.encode()
    return out if nolf else out + b"\n"

def from_launcher(path):
    d = json.load(open(path))["directives"]
    got = {"Environment": [e["value"] for e in d["Environment"]]}
    for k in ("ExecStart", "CapabilityBoundingSet"):
        got[k] = d[k]["value"]
    for k in ("User", "WorkingDirectory", "NoNewPrivileges"):
        got[k] = None if d[k]["source"] == "default" else [d[k]["value"]]
    got["UMask"] = [d["UMask"]["value"]]
    return got

def from_systemd(path, unit):
    got = {"Environment": [], "CapabilityBoundingSet": None, "User": None,
           "ExecStart": None}
    inside = False
    for line in open(path, encoding="utf-8", errors="surrogateescape"):
        if line.startswith("\t-> Unit "):
            inside = line.strip() == "-> Unit %s:" % unit
            continue
        if not inside:
            continue
        key, _, val = line.strip("\t\n").partition(": ")
        if key == "Environment":
            got["Environment"].append(val)
        elif key in ("CapabilityBoundingSet", "CapabilityBoundingSet:"):
            got["CapabilityBoundingSet"] = val.split()
        elif key in ("User", "NoNewPrivileges"):
            got[key] = [val]
        elif key == "UMask":
            got["UMask"] = [val]
        elif key == "Command Line" and got["ExecStart"] is None:
            got["ExecStart"] = shlex.split(val)
    return got

def prepare(c, d):
    # DIR/N.service and, where the text has no other section, DIR/N.conf
    # (the [Launch] form); prints "N NAME" lines.
    for n, (name, case) in enumerate(c.items()):
        open("%s/case%d.service" % (d, n), "wb").write(case["text"])
        if not re.search(rb"\[(Unit|Install)\]", case["text"]):
            open("%s/case%d.conf" % (d, n), "wb").write(
                case["text"].replace(b"[Service]", b"[Launch]"))
        print(n, name)

def judge(c, d, oracle):
    # One line per check: "0|1<TAB>description<TAB>diagnostics".
    def say(bad, desc, why=""):
        print("%d\t%s\t%s" % (1 if bad else 0, desc, why.replace("\n", " | ")))
    for n, (name, case) in enumerate(c.items()):
        base = "%s/case%d" % (d, n)
        for mode, ext in (("--unit", "service"), ("-c", "conf")):
            try:
                rc = int(open("%s.%s.rc" % (base, ext)).read())
            except FileNotFoundError:
                continue
            err = open("%s.%s.err" % (base, ext), errors="replace").read()
            if case["error"]:
                bad = rc != 78 or not re.search(case["error"], err)
                say(bad, '%s (%s): refused with "%s"' % (name, mode, case["error"]),
                    "exit %d: %s" % (rc, err) if bad else "")
                continue
            try:
                got = from_launcher("%s.%s.json" % (base, ext))
            except (ValueError, KeyError) as e:
                say(True, "%s (%s): read as systemd reads it" % (name, mode),
                    "exit %d: %s %r" % (rc, err, e))
                continue
            diff = compare(case["expect"], got)
            say(diff, "%s (%s): read as systemd reads it" % (name, mode), diff + err)
        if not oracle:
            continue
        dump = open(base + ".dump", errors="surrogateescape").read()
        derr = open(base + ".dump.err", errors="replace").read()
        complained = re.search(re.escape(base + ".oracle/case.service") + r":\d+:", derr)
        if case["error"] and not case.get("accepts"):
            say(not complained, "%s: systemd complains about that line too" % name, derr)
        if "\t-> Unit case.service:" not in dump:
            # systemd may refuse the whole unit over a bad line; right
            # only where the launcher refuses it too.
            say(not (case["error"] and complained),
                "%s: systemd refused the unit, as the launcher does" % name, derr)
            continue
        diff = compare(case["expect"], from_systemd(base + ".dump", "case.service"))
        say(diff, "%s: systemd reads the values the case expects" % name, diff)

def compare(want, got):
    return "".join("%s: expected %r, got %r. " % (k, want[k], got.get(k, "(not read)"))
                   for k in want if got.get(k, "(not read)") != want[k])

cmd, corpus_path, d = sys.argv[1], sys.argv[2], sys.argv[3]
c = cases(corpus_path)
if cmd == "prepare":
    prepare(c, d)
else:
    judge(c, d, sys.argv[4] == "1")
PY

oracle=
if [ -x /lib/systemd/systemd ] && command -v setpriv >/dev/null &&
	/lib/systemd/systemd --version 2>/dev/null | grep -q '^systemd '; then
	oracle=1
elif [ "${CI:-}" = true ]; then
	ok 1 "systemd (the oracle) is installed: tools/install-deps --test"
else
	diag "no /lib/systemd/systemd: the systemd oracle is left out"
fi
cdir=$SCRATCH/cases
mkdir -m 0755 "$cdir"
python3 "$SCRATCH/corpus.py" prepare "$corpus" "$cdir" >"$SCRATCH/names" || exit 1
chmod 0644 "$cdir"/*
while read -r i _name; do
	for ext in service conf; do
		f=$cdir/case$i.$ext
		[ -e "$f" ] || continue
		mode=--unit
		[ $ext = conf ] && mode=-c
		"$OSAPI_LAUNCH" --check --json $mode "$f" >"$f.json" 2>"$f.err"
		echo $? >"$f.rc"
	done
	[ -n "$oracle" ] || continue
	# A private unit path per case, the case as case.service; the
	# dependencies systemd would add need units this path lacks.
	o=$cdir/case$i.oracle
	mkdir -m 0755 "$o" "$o/case.service.d"
	cp "$cdir/case$i.service" "$o/case.service"
	printf '[Unit]\nDefaultDependencies=no\n' >"$o/case.service.d/00-oracle.conf"
	chmod 0644 "$o/case.service" "$o/case.service.d/00-oracle.conf"
	(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups env -i \
		SYSTEMD_LOG_LEVEL=warning SYSTEMD_LOG_TARGET=console SYSTEMD_UNIT_PATH="$o" \
		/lib/systemd/systemd --test --system --unit=case.service --no-pager) \
		>"$cdir/case$i.dump" 2>"$cdir/case$i.dump.err"
done <"$SCRATCH/names"
n=0
while IFS=$'\t' read -r st desc why; do
	n=$((n + 1))
	ok "$st" "$desc"
	[ "$st" = 0 ] || [ -z "$why" ] || diag "$why"
done < <(python3 "$SCRATCH/corpus.py" judge "$corpus" "$cdir" "${oracle:-0}")
ok "$([ "$(wc -l <"$SCRATCH/names")" -ge 30 ] && echo 0 || echo 1)" \
	"the corpus has its cases ($(wc -l <"$SCRATCH/names"))"
done_testing
