#!/bin/bash
# contrib/kubernetes/osapi-agent.yaml parses as YAML and its securityContext
# says what the launcher needs and nothing more: root for the launcher only,
# capabilities ALL dropped and exactly SETUID, SETGID, SETPCAP, NET_RAW
# added, no privilege escalation, no privileged mode, RuntimeDefault
# seccomp, a read-only root file system, no host namespaces, no API token.
# contrib/docker/Dockerfile gets the same kind of look: exec-form
# ENTRYPOINT running the launcher, as root.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

py=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import yaml' 2>/dev/null; then
		py=$p
		break
	fi
done
[ -n "$py" ] || skip_all "needs python3 with PyYAML (apt-get install python3-yaml)"

yaml=$SRC_DIR/contrib/kubernetes/osapi-agent.yaml

# The checks live in Python; each prints "ok|not ok<TAB>description" and the
# shell turns them into TAP, so the numbering stays with tap.sh.
results=$("$py" - "$yaml" <<'PY'
import sys
import yaml

docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]

def check(cond, desc):
    print(("ok" if cond else "not ok") + "\t" + desc)

check(len(docs) >= 1, "YAML parses into documents")
ds = [d for d in docs if d.get("kind") == "DaemonSet"]
check(len(ds) == 1, "one DaemonSet")
if not ds:
    sys.exit(0)
ds = ds[0]
pod = ds["spec"]["template"]["spec"]
check(ds["spec"]["selector"]["matchLabels"].items()
      <= ds["spec"]["template"]["metadata"]["labels"].items(),
      "selector matches the pod template's labels")
check(pod.get("automountServiceAccountToken") is False,
      "no service account token")
for ns in ("hostPID", "hostIPC", "hostNetwork"):
    check(not pod.get(ns, False), ns + " is off")
psc = pod.get("securityContext", {})
sysctls = {s["name"]: s["value"] for s in psc.get("sysctls", [])}
check("net.ipv4.ping_group_range" in sysctls,
      "pod sets net.ipv4.ping_group_range (the agent's datagram ping)")

cs = [c for c in pod["containers"] if c["name"] == "osapi-agent"]
check(len(cs) == 1, "container osapi-agent")
if not cs:
    sys.exit(0)
c = cs[0]
check(c.get("command", []) + c.get("args", []) ==
      ["/usr/sbin/osapi-launch", "-c", "/etc/osapi/launch.conf"],
      "runs /usr/sbin/osapi-launch -c /etc/osapi/launch.conf")
sc = c.get("securityContext", {})
check(sc.get("runAsUser") == 0, "runAsUser 0 (the launcher drops)")
check(sc.get("runAsNonRoot") is not True, "runAsNonRoot is not forced")
check(sc.get("privileged") is False, "privileged is false")
check(sc.get("allowPrivilegeEscalation") is False,
      "allowPrivilegeEscalation is false (no_new_privs)")
caps = sc.get("capabilities", {})
check(caps.get("drop") == ["ALL"], "capabilities: drop ALL")
check(sorted(caps.get("add", [])) == ["NET_RAW", "SETGID", "SETPCAP", "SETUID"],
      "capabilities: add exactly SETUID SETGID SETPCAP NET_RAW")
check(sc.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem")
seccomp = sc.get("seccompProfile", psc.get("seccompProfile", {}))
check(seccomp.get("type") == "RuntimeDefault", "seccompProfile RuntimeDefault")
check(sc.get("procMount", "Default") == "Default", "procMount Default")
lim = c.get("resources", {}).get("limits", {})
check("memory" in lim and "cpu" in lim, "memory and cpu limits")
mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
check(mounts.get("/etc/osapi/osapi.yaml", {}).get("readOnly") is True,
      "agent config mounted read-only")
check("/tmp" in mounts, "a writable /tmp despite the read-only root")
PY
)
ok $? "k8s: the YAML checks ran to the end"
while IFS=$'\t' read -r verdict desc; do
	[ -n "$verdict" ] || continue
	ok "$([ "$verdict" = ok ] && echo 0 || echo 1)" "k8s: $desc"
done <<<"$results"

df=$SRC_DIR/contrib/docker/Dockerfile
entry=$(grep '^ENTRYPOINT' "$df")
is "$entry" 'ENTRYPOINT ["/usr/sbin/osapi-launch", "-c", "/etc/osapi/launch.conf"]' \
	"docker: exec-form ENTRYPOINT runs the launcher"
is "$(grep '^USER' "$df" | tail -n 1)" "USER root" "docker: the container starts as root, the launcher drops"
like "$(cat "$df")" 'cap-drop ALL' "docker: documents --cap-drop ALL"
for cap in SETUID SETGID SETPCAP NET_RAW; do
	like "$(cat "$df")" "cap-add $cap" "docker: documents --cap-add $cap"
done
like "$(head -n 5 "$df")" 'docs/agent-hardening\.md' "docker: links docs/agent-hardening.md"

# The image's package lists against what the build really needs: every
# library pkg-config finds for a required dependency in meson.build has its
# -dev package in the build stage, and every library the launcher links
# (ldd) has its package in the runtime stage.
build_stage=$(sed -n '/AS build/,/^FROM /p' "$df")
runtime_stage=$(sed -n '/^FROM debian:12-slim/,$p' "$df")
while read -r pc; do
	[ "$pc" = dl ] && continue # in libc
	pkg=$(deb_package_of "$(pkg-config --variable=pcfiledir "$pc")/$pc.pc")
	ok "$([ -n "$pkg" ] && echo 0 || echo 1)" "$pc.pc belongs to a package (${pkg:-none})"
	like "$build_stage" "[[:space:]]$pkg([[:space:]]|$)" "docker: build stage installs $pkg (meson.build needs $pc)"
done < <(grep "^[a-z_]* = dependency('" "$SRC_DIR/meson.build" | grep -v 'required:' |
	sed "s/^[a-z_]* = dependency('\([a-z0-9-]*\)'.*/\1/")
bpf_off=$(grep -c -- '-Dbpf_lsm=disabled' "$df")
is "$bpf_off" 1 "docker: the image is built without the BPF LSM (it could never load it)"
for lib in $(ldd "$OSAPI_LAUNCH" | grep -o '/[^ ]*'); do
	pkg=$(deb_package_of "$lib")
	[ "$pkg" = libc6 ] && continue # in every Debian image
	ok "$([ -n "$pkg" ] && echo 0 || echo 1)" "$(basename "$lib") belongs to a package (${pkg:-none})"
	like "$runtime_stage" "[[:space:]]$pkg([[:space:]]|$)" "docker: runtime stage installs $pkg (the launcher links $(basename "$lib"))"
done
like "$(head -n 5 "$yaml")" 'docs/agent-hardening\.md' "k8s: links docs/agent-hardening.md"

done_testing
