/* SPDX-License-Identifier: MIT */
/* Unit tests of the config syntax and value parsers; prints TAP. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dl.h"
#include "steps.h"
#include "tap.h"

/* Parses text as the file "t.conf"; returns the diagnostics joined. */
static bool parse(struct config *c, const char *text, char *errs, size_t len)
{
	struct diag dg = {0};
	char *t = strdup(text);
	bool r;

	if (c->path)
		config_free(c);
	config_init(c);
	c->path = strdup("t.conf");
	r = config_parse_text(c, t, &dg);
	errs[0] = '\0';
	for (size_t i = 0; i < dg.n; i++) {
		strncat(errs, dg.msg[i], len - strlen(errs) - 2);
		strcat(errs, "\n");
	}
	diag_free(&dg);
	free(t);
	return r;
}

static void test_words(void)
{
	struct words w = {0};
	const char *why = NULL;
	struct origin at = {"x", 1};

	ok(split_words("a 'b c' \"d\\\"e\" f\\x41 g\\sh", &w, at, &why) == 0 &&
		   w.n == 5 && strcmp(w.v[1].s, "b c") == 0 &&
		   strcmp(w.v[2].s, "d\"e") == 0 &&
		   strcmp(w.v[3].s, "fA") == 0 && strcmp(w.v[4].s, "g h") == 0,
	   "split_words: quotes and escapes as systemd");
	words_clear(&w);
	ok(split_words("a\"b c\"d", &w, at, &why) == 0 && w.n == 1 &&
		   strcmp(w.v[0].s, "ab cd") == 0,
	   "split_words: quotes inside a word");
	words_clear(&w);
	ok(split_words("'unterminated", &w, at, &why) == -EINVAL &&
		   strcmp(why, "unbalanced quoting") == 0,
	   "split_words: unbalanced quote is an error");
	words_clear(&w);
	ok(split_words("bad\\q", &w, at, &why) == -EINVAL,
	   "split_words: unknown escape is an error");
	words_clear(&w);
	ok(split_words("nul\\x00", &w, at, &why) == -EINVAL,
	   "split_words: an escaped NUL is refused");
	words_clear(&w);
	ok(split_words("'' x", &w, at, &why) == 0 && w.n == 2 &&
		   w.v[0].s[0] == '\0',
	   "split_words: an empty quoted word is kept");
	words_clear(&w);
}

static void test_values(void)
{
	struct rlimit rl;
	const char *why;
	mode_t m;

	ok(parse_boolean("yes") == 1 && parse_boolean("On") == 1 &&
		   parse_boolean("0") == 0 && parse_boolean("false") == 0 &&
		   parse_boolean("maybe") < 0,
	   "parse_boolean: systemd's words");
	ok(parse_capability("CAP_NET_RAW") == 13 &&
		   parse_capability("cap_net_raw") == 13 &&
		   parse_capability("CAP_SYS_ADMIN") == 21,
	   "parse_capability: names");
	ok(parse_capability("CAP_NET_ROW") < 0 &&
		   parse_capability("NET_RAW") < 0 &&
		   parse_capability("") < 0 && parse_capability("999") < 0,
	   "parse_capability: unknown names and numbers are errors");
	ok(strcmp(capability_name(13), "cap_net_raw") == 0,
	   "capability_name: capsh's spelling");
	ok(parse_umask("0027", &m) == 0 && m == 027, "parse_umask: 0027");
	ok(parse_umask("777", &m) == 0 && m == 0777, "parse_umask: 777");
	ok(parse_umask("0800", &m) < 0 && parse_umask("1000", &m) < 0 &&
		   parse_umask("", &m) < 0 && parse_umask("-1", &m) < 0,
	   "parse_umask: non-octal and out-of-range values are errors");
	ok(parse_rlimit("4G:16G", RLIMIT_AS, &rl, &why) == 0 &&
		   rl.rlim_cur == 4ULL << 30 && rl.rlim_max == 16ULL << 30,
	   "parse_rlimit: soft:hard with byte suffixes");
	ok(parse_rlimit("infinity", RLIMIT_CORE, &rl, &why) == 0 &&
		   rl.rlim_cur == RLIM_INFINITY && rl.rlim_max == RLIM_INFINITY,
	   "parse_rlimit: infinity");
	ok(parse_rlimit("2min", RLIMIT_CPU, &rl, &why) == 0 &&
		   rl.rlim_cur == 120,
	   "parse_rlimit: LimitCPU takes time units");
	ok(parse_rlimit("5ms", RLIMIT_RTTIME, &rl, &why) == 0 &&
		   rl.rlim_cur == 5000,
	   "parse_rlimit: LimitRTTIME is in microseconds");
	ok(parse_rlimit("-5", RLIMIT_NICE, &rl, &why) == 0 && rl.rlim_cur == 25,
	   "parse_rlimit: LimitNICE=-5 is raw 25");
	ok(parse_rlimit("10:5", RLIMIT_NOFILE, &rl, &why) < 0 &&
		   parse_rlimit("4G", RLIMIT_NOFILE, &rl, &why) < 0 &&
		   parse_rlimit("x", RLIMIT_NOFILE, &rl, &why) < 0 &&
		   parse_rlimit("99999999999999999999", RLIMIT_NOFILE, &rl,
				&why) < 0 &&
		   parse_rlimit("16E", RLIMIT_AS, &rl, &why) < 0,
	   "parse_rlimit: soft>hard, wrong unit, junk and overflow are errors");
}

static void test_config(void)
{
	struct config c = {0};
	char e[4096];

	ok(parse(&c,
		 "# comment\n; comment\n[Launch]\nUser=osapi\n"
		 "ExecStart=/usr/bin/osapi agent \\\n  start\n"
		 "AmbientCapabilities=CAP_NET_RAW\n",
		 e, sizeof(e)),
	   "a small valid config parses");
	ok(c.exec_start.n == 3 && strcmp(c.exec_start.v[2].s, "start") == 0,
	   "backslash continuation joins lines");
	ok(c.at[D_USER].line == 4 && c.at[D_AMBIENT_CAPABILITIES].line == 7 &&
		   c.at[D_EXEC_START].line == 5,
	   "every value remembers its line");
	ok(c.ambient.set && c.ambient.mask == 1ULL << 13,
	   "AmbientCapabilities= parsed");

	ok(parse(&c,
		 "[Launch]\nEnvironment=W=C:\\\\\n"
		 "CapabilityBoundingSet=CAP_NET_RAW\n",
		 e, sizeof(e)) &&
		   c.environment.n == 1 &&
		   strcmp(c.environment.v[0].s, "W=C:\\") == 0 &&
		   c.bounding.set && c.bounding.mask == 1ULL << 13 &&
		   c.at[D_CAPABILITY_BOUNDING_SET].line == 3,
	   "an escaped backslash at the end of a line is not a continuation");
	ok(parse(&c, "[Launch]\r\nEnvironment=A=1 \\\r\n# c\r\n B=2 \\", e,
		 sizeof(e)) &&
		   c.environment.n == 2 &&
		   strcmp(c.environment.v[1].s, "B=2") == 0 &&
		   c.environment.v[1].at.line == 2,
	   "CRLF lines, a comment inside a continuation, one open at EOF");
	ok(!parse(&c, "[Launch]\nFoo=bar\n", e, sizeof(e)) &&
		   strstr(e, "t.conf:2: unknown directive Foo=") != NULL,
	   "unknown key names file:line and the key");
	ok(!parse(&c, "[Launch]\nDynamicUser=yes\n", e, sizeof(e)) &&
		   strstr(e, "t.conf:2: DynamicUser= is a systemd directive "
			     "that osapi-launch does not implement") != NULL,
	   "an unimplemented systemd directive is named as such");
	ok(!parse(&c, "[Service]\nUser=x\n", e, sizeof(e)) &&
		   strstr(e, "t.conf:1: unknown section [Service]") != NULL,
	   "unknown section is an error");
	ok(!parse(&c, "User=x\n", e, sizeof(e)) &&
		   strstr(e, "outside of a section") != NULL,
	   "assignment outside a section is an error");
	ok(!parse(&c, "[Launch]\nAmbientCapabilities=CAP_NET_RAW CAP_BOGUS\n",
		  e, sizeof(e)) &&
		   strstr(e, "t.conf:2: AmbientCapabilities=: unknown "
			     "capability \"CAP_BOGUS\"") != NULL,
	   "unknown capability names file:line and the word");
	ok(!parse(&c, "[Launch]\nExecStart=/bin/echo 'a\n", e, sizeof(e)) &&
		   strstr(e, "t.conf:2: ExecStart=: unbalanced quoting") !=
			   NULL,
	   "bad quoting names file:line");
	ok(!parse(&c, "[Launch]\nExecStart=bin/echo\n", e, sizeof(e)) &&
		   strstr(e, "is not an absolute path") != NULL,
	   "relative ExecStart= is refused");
	ok(!parse(&c, "[Launch]\nExecStart=+/bin/echo\n", e, sizeof(e)) &&
		   strstr(e, "\"+\" prefix is not supported") != NULL,
	   "ExecStart=+ (full privileges under systemd) is refused");
	ok(!parse(&c, "[Launch]\nExecStart=/bin/a\nExecStart=/bin/b\n", e,
		  sizeof(e)) &&
		   strstr(e, "t.conf:3: ExecStart= is already set at line 2") !=
			   NULL,
	   "a second ExecStart= is refused");
	ok(parse(&c,
		 "[Launch]\nExecStart=/bin/a\nExecStart=\nExecStart=/bin/b\n",
		 e, sizeof(e)) &&
		   strcmp(c.exec_start.v[0].s, "/bin/b") == 0,
	   "an empty ExecStart= resets it");
	ok(parse(&c, "[Launch]\nExecStart=@/bin/a name x\n", e, sizeof(e)) &&
		   strcmp(c.exec_argv0, "name") == 0 && c.exec_start.n == 2,
	   "ExecStart=@ sets argv[0]");
	ok(parse(&c, "[Launch]\nExecStart=/bin/sh -c 'a ; b'\n", e,
		 sizeof(e)) &&
		   strcmp(c.exec_start.v[2].s, "a ; b") == 0,
	   "\" ;\" inside a value is not a comment (systemd, unlike inih)");
	ok(!parse(&c, "[Launch]\nUser=%u\n", e, sizeof(e)) &&
		   strstr(e, "specifiers are not supported") != NULL,
	   "specifiers are refused");
	ok(parse(&c, "[Launch]\nEnvironment=A=100%%\n", e, sizeof(e)) &&
		   strcmp(c.environment.v[0].s, "A=100%") == 0,
	   "%%%% is a literal %%");

	ok(parse(&c,
		 "[Launch]\nCapabilityBoundingSet=CAP_NET_RAW\n"
		 "CapabilityBoundingSet=CAP_KILL\n",
		 e, sizeof(e)) &&
		   c.bounding.mask == ((1ULL << 13) | (1ULL << 5)),
	   "repeated CapabilityBoundingSet= lines merge by OR");
	ok(parse(&c,
		 "[Launch]\nCapabilityBoundingSet=CAP_NET_RAW CAP_KILL\n"
		 "CapabilityBoundingSet=~CAP_KILL\n",
		 e, sizeof(e)) &&
		   c.bounding.mask == 1ULL << 13,
	   "a \"~\" line merges by AND NOT");
	ok(parse(&c,
		 "[Launch]\nCapabilityBoundingSet=CAP_"
		 "KILL\nCapabilityBoundingSet=\n",
		 e, sizeof(e)) &&
		   c.bounding.set && c.bounding.mask == 0,
	   "an empty CapabilityBoundingSet= resets to the empty set");
	ok(parse(&c, "[Launch]\nAmbientCapabilities=~\n", e, sizeof(e)) &&
		   c.ambient.mask ==
			   ((capability_last() >= 63)
				    ? UINT64_MAX
				    : (1ULL << (capability_last() + 1)) - 1),
	   "\"~\" alone means the full set");
	ok(parse(&c,
		 "[Launch]\nEnvironment=A=1 \"B=2 3\"\nEnvironment=C=4\n"
		 "Environment=\nEnvironment=D=5\n",
		 e, sizeof(e)) &&
		   c.environment.n == 1 &&
		   strcmp(c.environment.v[0].s, "D=5") == 0,
	   "Environment= accumulates and an empty value resets");
	ok(!parse(&c, "[Launch]\nEnvironment=1A=x\n", e, sizeof(e)),
	   "an invalid variable name is refused");
	ok(!parse(&c, "[Launch]\nNoNewPrivileges=perhaps\n", e, sizeof(e)) &&
		   strstr(e, "not a boolean") != NULL,
	   "a non-boolean is refused");
	ok(parse(&c,
		 "[Launch]\nSecureBits=keep-caps "
		 "noroot\nSecureBits=noroot-locked\n",
		 e, sizeof(e)) &&
		   c.securebits == (1u << 4 | 1u << 0 | 1u << 1),
	   "SecureBits= flags accumulate");
	ok(!parse(&c, "[Launch]\nSecureBits=keep-everything\n", e, sizeof(e)),
	   "an unknown SecureBits= flag is refused");
	ok(parse(&c, "[Launch]\nWorkingDirectory=-/nonexistent\n", e,
		 sizeof(e)) &&
		   c.working_directory_optional,
	   "WorkingDirectory=- is optional");
	ok(parse(&c, "[Launch]\nLimitNOFILE=1024:4096\nLimitCORE=0\n", e,
		 sizeof(e)) &&
		   c.limits[RLIMIT_NOFILE].value.rlim_max == 4096 &&
		   c.limits[RLIMIT_CORE].at.line == 3,
	   "Limit*= directives");
	ok(!parse(&c, "[Launch]\nUser=a b\n", e, sizeof(e)),
	   "a user name with a space is refused");
	ok(!parse(&c, "[Launch]\nFoo=1\nBar=2\nNoNewPrivileges=x\n", e,
		  sizeof(e)) &&
		   strstr(e, ":2:") && strstr(e, ":3:") && strstr(e, ":4:"),
	   "all errors are reported in one run");
	ok(!parse(&c, "[Launch]\njust words\n", e, sizeof(e)) &&
		   strstr(e, "expected KEY=VALUE") != NULL,
	   "a line without = is an error");
	ok(parse(&c,
		 "[Launch]\nSystemCallFilter=@system-service\n"
		 "SystemCallFilter=~@privileged mount\nSystemCallFilter=\n"
		 "SystemCallFilter=read write\n",
		 e, sizeof(e)) &&
		   c.syscall_filter.n == 1 &&
		   strcmp(c.syscall_filter.v[0].s, "read write") == 0,
	   "SystemCallFilter= keeps its lines; an empty one resets");
	ok(parse(&c, "[Launch]\nSystemCallFilter=~mount:EIO ptrace:kill\n", e,
		 sizeof(e)),
	   "a ~ deny list takes :errno and :kill");
	ok(!parse(&c, "[Launch]\nSystemCallFilter=read:EIO\n", e, sizeof(e)),
	   "an allow list takes no :errno");
	ok(!parse(&c, "[Launch]\nSystemCallFilter=@nosuchgroup nosuchcall\n", e,
		  sizeof(e)) &&
		   strstr(e, "unknown system call group \"@nosuchgroup\"") &&
		   strstr(e, "unknown system call \"nosuchcall\""),
	   "unknown groups and calls are errors");
	ok(parse(&c, "[Launch]\nSystemCallErrorNumber=EACCES\n", e,
		 sizeof(e)) &&
		   c.syscall_errno == EACCES,
	   "SystemCallErrorNumber= takes an errno name");
	ok(parse(&c,
		 "[Launch]\nSystemCallErrorNumber=13\nSystemCallErrorNumber="
		 "kill\n",
		 e, sizeof(e)) &&
		   c.syscall_errno == 0,
	   "SystemCallErrorNumber=kill resets to killing");
	ok(!parse(&c, "[Launch]\nSystemCallErrorNumber=0\n", e, sizeof(e)) &&
		   !parse(&c, "[Launch]\nSystemCallErrorNumber=4096\n", e,
			  sizeof(e)),
	   "SystemCallErrorNumber= is 1-4095");
	ok(parse(&c, "[Launch]\nSystemCallArchitectures=native x86\n", e,
		 sizeof(e)) &&
		   c.syscall_archs.n == 2,
	   "SystemCallArchitectures= takes native and systemd's names");
	ok(!parse(&c, "[Launch]\nSystemCallArchitectures=x86_64\n", e,
		  sizeof(e)),
	   "libseccomp's spelling is not systemd's: x86_64 is refused");
	ok(parse(&c,
		 "[Launch]\nRestrictAddressFamilies=AF_INET AF_UNIX\n"
		 "RestrictAddressFamilies=none\n",
		 e, sizeof(e)) &&
		   c.address_families.n == 2,
	   "RestrictAddressFamilies= lines and none");
	ok(!parse(&c, "[Launch]\nRestrictAddressFamilies=AF_FOO\n", e,
		  sizeof(e)),
	   "an unknown address family is refused");
	ok(parse(&c,
		 "[Launch]\nRestrictNamespaces=net "
		 "user\nRestrictNamespaces=~user\n",
		 e, sizeof(e)) &&
		   c.restrict_namespaces_set &&
		   c.restrict_namespaces == 0x40000000 /* CLONE_NEWNET */,
	   "RestrictNamespaces= merges by OR, or AND NOT with ~");
	ok(parse(&c,
		 "[Launch]\nRestrictNamespaces=yes\nRestrictNamespaces=no\n", e,
		 sizeof(e)) &&
		   c.restrict_namespaces == namespace_flags_all(),
	   "RestrictNamespaces=no lifts the restriction (every type allowed)");
	ok(parse(&c,
		 "[Launch]\nRestrictNamespaces=no\nRestrictNamespaces=net\n", e,
		 sizeof(e)) &&
		   c.restrict_namespaces == namespace_flags_all(),
	   "RestrictNamespaces=no then a list merges into every type, as "
	   "systemd");
	ok(parse(&c,
		 "[Launch]\nLockPersonality=yes\nRestrictRealtime=1\n"
		 "RestrictSUIDSGID=on\nMemoryDenyWriteExecute=true\n",
		 e, sizeof(e)) &&
		   c.lock_personality && c.restrict_realtime &&
		   c.restrict_suid_sgid && c.memory_deny_write_execute,
	   "the seccomp booleans");
	ok(!parse(&c, "[Launch]\nSystemCallLog=read:EIO\n", e, sizeof(e)),
	   "SystemCallLog= takes no :errno");
	config_free(&c);
}

static void test_env_file(void)
{
	struct words w = {0};
	struct diag dg = {0};

	ok(parse_env_file("# c\nA=1\nexport B = two\nC=\"x \\\"y\\\"\"\n"
			  "D='single $quoted'\nE=long\\\nline\n\n",
			  "env", &w, &dg) == 0 &&
		   w.n == 5 && strcmp(w.v[0].s, "A=1") == 0 &&
		   strcmp(w.v[1].s, "B=two") == 0 &&
		   strcmp(w.v[2].s, "C=x \"y\"") == 0 &&
		   strcmp(w.v[3].s, "D=single $quoted") == 0 &&
		   strcmp(w.v[4].s, "E=longline") == 0,
	   "EnvironmentFile= syntax");
	words_clear(&w);
	ok(parse_env_file("NOEQUALS\n", "env", &w, &dg) < 0 && dg.n == 1 &&
		   strstr(dg.msg[0], "env:1:") != NULL,
	   "EnvironmentFile= error names file:line");
	words_clear(&w);
	diag_free(&dg);
}

static void test_table(void)
{
	bool sorted = true;

	for (size_t i = 1; i < directive_count(); i++)
		if (strcmp(directive_at(i - 1)->name, directive_at(i)->name) >=
		    0)
			sorted = false;
	ok(sorted, "the directive table is sorted (bsearch relies on it)");
	ok(directive_find("User") && !directive_find("user"),
	   "directive names are case-sensitive, as in systemd");
}

static void test_sandbox(void)
{
	struct config c = {0};
	char e[4096];

	ok(parse(&c,
		 "[Launch]\nProtectSystem=strict\nProtectHome=read-only\n"
		 "ReadWritePaths=/var/lib/osapi -/run/osapi//\n"
		 "ReadOnlyPaths=/a/b/\nInaccessiblePaths=/etc/shadow\n"
		 "NoExecPaths=/\nExecPaths=/usr/bin/id\n",
		 e, sizeof(e)),
	   "the file system sandbox directives parse");
	ok(c.protect_system == PROTECT_SYSTEM_STRICT &&
		   c.protect_home == PROTECT_HOME_READ_ONLY,
	   "ProtectSystem=strict, ProtectHome=read-only");
	ok(c.read_write_paths.n == 2 && !c.read_write_paths.v[0].optional &&
		   c.read_write_paths.v[1].optional &&
		   strcmp(c.read_write_paths.v[1].s, "/run/osapi") == 0,
	   "ReadWritePaths=: \"-\" marks optional, slashes normalised");
	ok(strcmp(c.read_only_paths.v[0].s, "/a/b") == 0 &&
		   c.inaccessible_paths.n == 1 && c.no_exec_paths.n == 1 &&
		   strcmp(c.no_exec_paths.v[0].s, "/") == 0 &&
		   c.exec_paths.n == 1,
	   "ReadOnlyPaths=, InaccessiblePaths=, NoExecPaths=/, ExecPaths=");
	ok(parse(&c,
		 "[Launch]\nReadWritePaths=/a\nReadWritePaths=\n"
		 "ProtectSystem=yes\nProtectSystem=no\nProtectHome=-tmpfs\n",
		 e, sizeof(e)) &&
		   c.read_write_paths.n == 0 &&
		   c.protect_system == PROTECT_SYSTEM_NO &&
		   c.protect_home == PROTECT_HOME_TMPFS &&
		   c.protect_home_optional,
	   "empty assignment resets; ProtectSystem=no; ProtectHome=-tmpfs");
	ok(!parse(&c,
		  "[Launch]\nReadWritePaths=relative\nReadOnlyPaths=/a/../b\n"
		  "ExecPaths=+/x\nProtectSystem=everything\n"
		  "ProtectHome=-yes\n",
		  e, sizeof(e)) &&
		   strstr(e, "t.conf:2: ReadWritePaths=: \"relative\" is not "
			     "an absolute path") &&
		   strstr(e, "t.conf:3: ReadOnlyPaths=: \"/a/../b\"") &&
		   strstr(e, "t.conf:4: ExecPaths=: \"+/x\"") &&
		   strstr(e, "RootDirectory=") &&
		   strstr(e, "t.conf:5: ProtectSystem=: \"everything\"") &&
		   strstr(e, "t.conf:6: ProtectHome=: \"-yes\""),
	   "bad sandbox values are errors at their lines");
	ok(parse(&c,
		 "[Launch]\nRestrictNetworkPorts=connect:4222 connect:53\n"
		 "RestrictNetworkPorts=bind:9091\nSandboxBackend=mount "
		 "landlock\nPrivateTmp=yes\nProtectKernelLogs=yes\n",
		 e, sizeof(e)) &&
		   c.net_ports_set && c.n_net_ports == 3 &&
		   c.net_ports[0].what == NET_PORT_CONNECT &&
		   c.net_ports[0].port == 4222 &&
		   c.net_ports[2].what == NET_PORT_BIND &&
		   c.net_ports[2].port == 9091 && c.net_ports[2].at.line == 3 &&
		   c.sandbox_backend == (SANDBOX_MOUNT | SANDBOX_LANDLOCK) &&
		   c.private_tmp && c.protect_kernel_logs,
	   "RestrictNetworkPorts= accumulates; SandboxBackend=mount landlock");
	ok(parse(&c,
		 "[Launch]\nRestrictNetworkPorts=connect:1\n"
		 "RestrictNetworkPorts=\nSandboxBackend=landlock\n"
		 "SandboxBackend=auto\n",
		 e, sizeof(e)) &&
		   !c.net_ports_set && c.n_net_ports == 0 &&
		   c.sandbox_backend == 0,
	   "an empty RestrictNetworkPorts= resets; SandboxBackend=auto");
	ok(parse(&c, "[Launch]\nRestrictNetworkPorts=-none\n", e, sizeof(e)) &&
		   c.net_ports_set && c.net_ports_optional &&
		   c.n_net_ports == 0,
	   "RestrictNetworkPorts=-none: no port, optional");
	ok(!parse(&c,
		  "[Launch]\nRestrictNetworkPorts=connect:65536 udp:53 "
		  "bind:-1 connect:\nSandboxBackend=chroot\n",
		  e, sizeof(e)) &&
		   strstr(e, "t.conf:2: RestrictNetworkPorts=: "
			     "\"connect:65536\"") &&
		   strstr(e, "\"udp:53\"") && strstr(e, "\"bind:-1\"") &&
		   strstr(e, "\"connect:\"") &&
		   strstr(e, "t.conf:3: SandboxBackend=: \"chroot\""),
	   "bad RestrictNetworkPorts= and SandboxBackend= values");
	ok(parse(&c,
		 "[Launch]\nMemoryMax=512M\nMemoryHigh=-50%\nCPUQuota=12.5%\n"
		 "TasksMax=infinity\nCgroupParent=.\n",
		 e, sizeof(e)) &&
		   c.memory_max.set && c.memory_max.value == 512ULL << 20 &&
		   !c.memory_max.optional && c.memory_high.optional &&
		   c.memory_high.percent == 5000 && c.cpu_quota.value == 1250 &&
		   c.tasks_max.infinity && c.memory_max.at.line == 2 &&
		   strcmp(c.cgroup_parent, ".") == 0,
	   "MemoryMax=512M, MemoryHigh=-50%%, CPUQuota=12.5%%, "
	   "TasksMax=infinity, CgroupParent=. (%% kept, not a specifier)");
	ok(parse(&c, "[Launch]\nMemoryMax=1G\nMemoryMax=\n", e, sizeof(e)) &&
		   !c.memory_max.set,
	   "an empty MemoryMax= resets");
	ok(!parse(&c,
		  "[Launch]\nCPUQuota=20\nCPUQuota=0%\nMemoryMax=101%\n"
		  "TasksMax=lots\nCgroupParent=rel/path\nMemoryMax=1:2\n",
		  e, sizeof(e)) &&
		   strstr(e, "t.conf:2: CPUQuota=: \"20\"") &&
		   strstr(e, "t.conf:3: CPUQuota=: \"0%\"") &&
		   strstr(e, "t.conf:4: MemoryMax=: \"101%\": above 100%") &&
		   strstr(e, "t.conf:5: TasksMax=: \"lots\"") &&
		   strstr(e, "t.conf:6: CgroupParent=: \"rel/path\"") &&
		   strstr(e, "t.conf:7: MemoryMax=: \"1:2\""),
	   "bad resource values are errors at their lines");
	config_free(&c);
}

/* The optional libraries (include/dl.h): every symbol the launcher takes
 * from them resolves against the installed library, and a failure says
 * which library and why. */
static void test_optional_libraries(void)
{
	static void *h, *fn;
	static const struct dl_symbol bogus[] = {
		DL_SYM(fn, osapi_launch_no_such_symbol),
	};
	const char *why;

	if (apparmor_built()) {
		why = apparmor_library();
		ok(!why, "libapparmor: every symbol resolves (%s)",
		   why ? why : "ok");
	}
	if (selinux_built()) {
		why = selinux_library();
		ok(!why, "libselinux: every symbol resolves (%s)",
		   why ? why : "ok");
	}
	why = dl_open("libosapi-launch-missing.so.0", &h, bogus, 1);
	ok(why && strstr(why, "cannot load libosapi-launch-missing.so.0"),
	   "a missing library is named: %s", why ? why : "(no error)");
	ok(!h && !fn, "... and nothing is kept");
	why = dl_open("libc.so.6", &h, bogus, 1);
	ok(why && strstr(why, "libc.so.6 has no symbol "
			      "osapi_launch_no_such_symbol"),
	   "a missing symbol is named: %s", why ? why : "(no error)");
	ok(!h && !fn, "... and nothing is kept");
}

int main(void)
{
	test_words();
	test_values();
	test_config();
	test_env_file();
	test_table();
	test_sandbox();
	test_optional_libraries();
	return done_testing();
}
