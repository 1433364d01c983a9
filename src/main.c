/* SPDX-License-Identifier: MIT */
/*
 * osapi-launch: start the OSAPI agent with least privilege.
 *
 * main() is the whole story: close what the caller left open, refuse to run
 * in a setuid context, read the config, resolve it into a plan, then either
 * print the plan (--check) or apply it and exec (launch()).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "build-config.h"
#include "plan.h"
#include "learn.h"
#include "policy.h"
#include "preflight.h"
#include "unit.h"
#include "steps.h"
#include "syscall_groups.h"

static const struct option opts[] = {
	{"config", required_argument, NULL, 'c'},
	{"check", no_argument, NULL, 'C'},
	{"json", no_argument, NULL, 'J'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{"list-directives", no_argument, NULL, 'D'},
	{"list-steps", no_argument, NULL, 'S'},
	{"print-filter", no_argument, NULL, 'P'},
	{"syscall-filter", no_argument, NULL, 'G'},
	{"expand", no_argument, NULL, 'E'},
	{"explain-syscall", required_argument, NULL, 'X'},
	{"policy-record", required_argument, NULL, 'R'},
	{"unit", required_argument, NULL, 'U'},
	{"drop-unsupported", no_argument, NULL, 'Z'},
	{"print-config", no_argument, NULL, 'Y'},
	{"learn", no_argument, NULL, 'L'},
	{"verbose", no_argument, NULL, 'v'},
	{NULL, 0, NULL, 0},
};

/* "+": options end at the first non-option, so the command's own options
 * are never taken for ours. */
#define SHORT_OPTS "+c:hV"

/*
 * The last --policy-record= among our options, before the startup close.
 * getopt_long itself finds it, with the table the real pass uses, so both
 * agree on where the options end (the first non-option: the target's own
 * "--policy-record=fd:7" is its argument, not ours), on abbreviations
 * ("--policy-rec=") and on which options take the next word as their
 * value ("-c --policy-record=fd:7" names a config file).
 */
static const char *policy_record_option(int argc, char **argv)
{
	const char *v = "syslog";
	int o;

	opterr = 0; /* the real pass reports bad options */
	while ((o = getopt_long(argc, argv, SHORT_OPTS, opts, NULL)) != -1)
		if (o == 'R')
			v = optarg;
	opterr = 1;
	optind = 0; /* glibc: a full reset for the real pass */
	return v;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: osapi-launch [-c FILE] [--] [COMMAND [ARG...]]\n"
		"       osapi-launch --check [--json] [--verbose] [-c FILE] "
		"[--] [COMMAND...]\n"
		"\n"
		"Starts COMMAND (default: the config's ExecStart=) with the\n"
		"user, capabilities and confinement the config describes.\n"
		"\n"
		"  -c, --config FILE  config file (default %s)\n"
		"      --check        validate and print the plan; run "
		"nothing\n"
		"      --json         with --check: print the plan as JSON\n"
		"      --verbose      with --check: the exposure score's "
		"checks, one\n"
		"                     a line, as systemd-analyze security "
		"scores them\n"
		"      --print-filter the compiled seccomp filters, as "
		"libseccomp PFC\n"
		"      --policy-record=TARGET[,TARGET]\n"
		"                     where the applied-policy record goes: "
		"syslog\n"
		"                     (default), stderr, fd:N, none\n"
		"      --unit FILE.service [--drop-unsupported] "
		"[--print-config]\n"
		"                     read a systemd unit's [Service] section "
		"as\n"
		"                     the config; --print-config prints the\n"
		"                     [Launch] equivalent\n"
		"      --learn        run with SystemCallFilter= only "
		"observing, then\n"
		"                     propose what it should allow (test "
		"hosts)\n"
		"      --explain-syscall NAME\n"
		"                     which config line allows or denies NAME\n"
		"      --syscall-filter [--expand] [@GROUP...]\n"
		"                     systemd's syscall groups, as "
		"systemd-analyze\n"
		"                     lists them (--expand: every syscall, "
		"nested\n"
		"                     groups resolved)\n"
		"      --list-directives  the directives this build knows\n"
		"      --list-steps   launch steps and their exit codes\n"
		"  -h, --help         this help\n"
		"  -V, --version      version\n"
		"\n"
		"See osapi-launch(8), osapi-launch.conf(5) and\n"
		"docs/agent-hardening.md.\n",
		OSAPI_LAUNCH_CONF);
}

/*
 * A setuid or setgid osapi-launch would let any user run its parser as root
 * with an environment of their choosing.  It is never installed that way;
 * if someone does, refuse before reading anything.
 */
static void refuse_setuid(void)
{
	if (getauxval(AT_SECURE) || getuid() != geteuid() ||
	    getgid() != getegid())
		die(STEP_STARTUP, 0,
		    "refusing to run setuid, setgid or with AT_SECURE: "
		    "osapi-launch is started by root, never installed setuid");
}

int main(int argc, char **argv)
{
	const char *path = OSAPI_LAUNCH_CONF;
	bool check = false, json = false, print_filter = false;
	bool groups = false, expand = false, verbose = false;
	const char *explain = NULL;
	const char *record_arg;
	bool record_syslog;
	int record_fd;
	struct policy_record record;
	struct unit_import import = {0};
	bool from_unit = false, print_config = false, learn = false;
	struct config cfg;
	struct plan plan;
	struct diag dg = {0};
	enum step step = STEP_CONFIG;
	bool ok;
	int o;

	/* --policy-record=fd:N must be known before the startup close, so
	 * that descriptor survives it; everything else the caller left open
	 * is closed before anything is read. */
	record_arg = policy_record_option(argc, argv);
	if (policy_record_targets(record_arg, &record_syslog, &record_fd) < 0) {
		fprintf(stderr,
			"osapi-launch: --policy-record=%s: expected "
			"syslog, stderr, fd:N or none\n",
			record_arg);
		return EXIT_USAGE;
	}
	fds_open_stdio();
	fds_close_inherited_except(record_fd);
	refuse_setuid();
#ifdef OSAPI_FAULT_INJECTION
	{
		const char *f = getenv("OSAPI_LAUNCH_FAULT");
		if (f && (fault_armed = step_by_name(f)) < 0)
			die(STEP_USAGE, 0,
			    "OSAPI_LAUNCH_FAULT=%s: no such step", f);
	}
#endif
	while ((o = getopt_long(argc, argv, SHORT_OPTS, opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			path = optarg;
			break;
		case 'C':
			check = true;
			break;
		case 'J':
			json = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'G':
			groups = true;
			break;
		case 'E':
			expand = true;
			break;
		case 'R':
			break; /* read before the startup close */
		case 'U':
			path = optarg;
			from_unit = true;
			break;
		case 'Z':
			import.drop_unsupported = true;
			break;
		case 'L':
			learn = true;
			break;
		case 'Y':
			print_config = true;
			check = true;
			break;
		case 'X':
			explain = optarg;
			check = true;
			break;
		case 'P':
			print_filter = true;
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'D':
			/* For scripts and the documentation tests. */
			for (size_t i = 0; i < directive_count(); i++)
				printf("%s\t%s\n", directive_at(i)->name,
				       directive_at(i)->summary);
			return 0;
		case 'S':
			for (int i = 0; i < STEP__ALL; i++)
				printf("%s\t%d\t%s\n", step_name((enum step)i),
				       step_exit_code((enum step)i),
				       i < STEP__MAX ? "launch" : "plan");
			return 0;
		case 'V':
			printf("osapi-launch %s\n", OSAPI_LAUNCH_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (groups)
		return syscall_groups_print(stdout, argv + optind, expand);
	if (json && !check)
		die(STEP_USAGE, 0, "--json goes with --check");
	if (verbose && !check)
		die(STEP_USAGE, 0, "--verbose goes with --check");

	config_init(&cfg);
	plan_init(&plan);
	/* --check and --print-filter always compile, so they show what the
	 * config says, not what a cache holds. */
	seccomp_cache_enable(!check && !learn);
	bpf_lsm_persist(!check);
	if (learn)
		seccomp_learn_enable();
	if ((import.drop_unsupported || print_config) && !from_unit)
		die(STEP_USAGE, 0,
		    "--drop-unsupported and --print-config go "
		    "with --unit");
	ok = from_unit ? config_load_unit(&cfg, path, &import, &dg)
		       : config_load(&cfg, path, &dg);
	if (print_config) {
		/* The [Launch] equivalent of the unit, for one config on every
		 * host; no plan, so it works where the agent is not installed.
		 */
		if (ok)
			unit_import_print_config(stdout, path, &import);
		diag_print(&dg);
		unit_import_free(&import);
		config_free(&cfg);
		diag_free(&dg);
		return ok ? 0 : EXIT_CONFIG;
	}
	if (explain) {
		/* About the config alone: no plan, so it also works where the
		 * agent's binary is not installed. */
		int rc = ok ? seccomp_explain(stdout, &cfg, explain)
			    : EXIT_CONFIG;
		diag_print(&dg);
		config_free(&cfg);
		diag_free(&dg);
		return rc;
	}
	if (ok)
		ok = plan_build(&plan, &cfg, argv + optind, &dg, &step);
	/* A required label this host cannot apply is a fact about the host,
	 * not the config: --check reports it with every other preflight
	 * finding (and fails for it) instead of stopping at it.  The launch
	 * still refuses, with the label step's exit code. */
	if (check && !ok && !print_filter && plan.lsm_errors &&
	    dg.n == plan.lsm_errors) {
		diag_free(&dg);
		ok = true;
	}
	if (check || !ok) {
		int rc = ok ? 0
			    : (check ? EXIT_CONFIG : (int)step_exit_code(step));
		struct preflight pf = {0};

		/* --check also asks this host whether it can deliver the plan;
		 * exit 0 only when all of it can be enforced as written. */
		if (check && ok && !print_filter) {
			preflight_run(&pf, &plan);
			if (pf.failed)
				rc = EXIT_CONFIG;
		}
		if (check && ok && print_filter) {
			if (seccomp_print_pfc(stdout, &plan.seccomp) < 0)
				rc = EXIT_SECCOMP;
		} else if (check && json) {
			plan_print_json(stdout, ok ? &plan : NULL, &dg,
					ok ? &pf : NULL);
		} else if (check && ok) {
			plan_print(stdout, &plan, verbose);
			preflight_print(stdout, &pf);
			if (from_unit)
				unit_import_print(stdout, &import);
		}
		preflight_free(&pf);
		unit_import_free(&import);
		diag_print(&dg);
		if (!check)
			fprintf(stderr, "osapi-launch: %s: nothing was run\n",
				step_name(step));
		/* Freed so that leak checkers see a clean exit. */
		plan_free(&plan);
		config_free(&cfg);
		diag_free(&dg);
		return rc;
	}
	if (plan.apparmor_skipped)
		fprintf(stderr,
			"osapi-launch: notice: AppArmorProfile=-%s "
			"skipped: %s\n",
			cfg.apparmor_profile, plan.apparmor_skipped);
	if (plan.selinux_skipped)
		fprintf(stderr,
			"osapi-launch: notice: SELinuxContext=-%s "
			"skipped: %s\n",
			cfg.selinux_context, plan.selinux_skipped);
	policy_record_build(&record, &plan, record_syslog, record_fd);
	policy_record_activate(&record);
	fflush(NULL);
	if (learn)
		learn_launch(&plan);
	launch(&plan);
}
