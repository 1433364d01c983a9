/* SPDX-License-Identifier: MIT */
/*
 * osapi-launch: start the OSAPI agent with least privilege.
 *
 * main() closes what the caller left open, refuses to run in a setuid
 * context, reads the options and hands over to the one function of the mode
 * they ask for.  The launch is mode_launch(): read the config, resolve it
 * into a plan, apply it and exec (launch(), src/apply/launch.c).  The other
 * modes report and run nothing, except --learn, which launches under a
 * filter that only observes.  tests/static/launch-path counts the code
 * mode_launch() can reach; the reporting modes are named mode_* too, so
 * that count can leave them out.
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

/* What the command line asks for. */
struct options {
	const char *path;
	bool check, json, verbose, print_filter;
	bool syscall_filter, expand;
	const char *explain;
	bool from_unit, print_config, learn;
	struct unit_import import; /* --drop-unsupported, then its result */
	bool record_syslog;
	int record_fd;
	int immediate;	/* --help, --version, --list-*: the option */
	char **cmdline; /* COMMAND [ARG...], or none */
};

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

/* The real pass over the options.  Returns -1 to go on, else the exit
 * code of a bad option.  --help and the like stop the pass where they
 * stand, as before them. */
static int parse_options(int argc, char **argv, struct options *o)
{
	int c;

	while ((c = getopt_long(argc, argv, SHORT_OPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->path = optarg;
			break;
		case 'C':
			o->check = true;
			break;
		case 'J':
			o->json = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'G':
			o->syscall_filter = true;
			break;
		case 'E':
			o->expand = true;
			break;
		case 'R':
			break; /* read before the startup close */
		case 'U':
			o->path = optarg;
			o->from_unit = true;
			break;
		case 'Z':
			o->import.drop_unsupported = true;
			break;
		case 'L':
			o->learn = true;
			break;
		case 'Y':
			o->print_config = true;
			o->check = true;
			break;
		case 'X':
			o->explain = optarg;
			o->check = true;
			break;
		case 'P':
			o->print_filter = true;
			o->check = true;
			break;
		case 'h':
		case 'D':
		case 'S':
		case 'V':
			o->immediate = c;
			return -1;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	o->cmdline = argv + optind;
	return -1;
}

/* --help, --version, --list-directives (for scripts and the documentation
 * tests), --list-steps. */
static int mode_immediate(int which)
{
	switch (which) {
	case 'h':
		usage(stdout);
		break;
	case 'D':
		for (size_t i = 0; i < directive_count(); i++)
			printf("%s\t%s\n", directive_at(i)->name,
			       directive_at(i)->summary);
		break;
	case 'S':
		for (int i = 0; i < STEP__ALL; i++)
			printf("%s\t%d\t%s\n", step_name((enum step)i),
			       step_exit_code((enum step)i),
			       i < STEP__MAX ? "launch" : "plan");
		break;
	default:
		printf("osapi-launch %s\n", OSAPI_LAUNCH_VERSION);
		break;
	}
	return 0;
}

/* --syscall-filter [--expand] [@GROUP...]: no config at all. */
static int mode_syscall_filter(const struct options *o)
{
	return syscall_groups_print(stdout, o->cmdline, o->expand);
}

/* The config, from the file or the unit; false with the errors in dg. */
static bool load_config(struct options *o, struct config *cfg, struct diag *dg)
{
	config_init(cfg);
	/* --check and --print-filter always compile, so they show what the
	 * config says, not what a cache holds. */
	seccomp_cache_enable(!o->check && !o->learn);
	/* --check loads the BPF LSM program to test the kernel, and pins,
	 * mounts and removes nothing. */
	bpf_lsm_persist(!o->check);
	if (o->learn)
		seccomp_learn_enable();
	if ((o->import.drop_unsupported || o->print_config) && !o->from_unit)
		die(STEP_USAGE, 0,
		    "--drop-unsupported and --print-config go "
		    "with --unit");
	return o->from_unit ? config_load_unit(cfg, o->path, &o->import, dg)
			    : config_load(cfg, o->path, dg);
}

/* --unit ... --print-config: the [Launch] equivalent of the unit, for one
 * config on every host; no plan, so it works where the agent is not
 * installed. */
static int mode_print_config(struct options *o)
{
	struct config cfg;
	struct diag dg = {0};
	bool ok = load_config(o, &cfg, &dg);

	if (ok)
		unit_import_print_config(stdout, o->path, &o->import);
	diag_print(&dg);
	unit_import_free(&o->import);
	config_free(&cfg);
	diag_free(&dg);
	return ok ? 0 : EXIT_CONFIG;
}

/* --explain-syscall NAME: about the config alone; no plan, so it also
 * works where the agent's binary is not installed. */
static int mode_explain(struct options *o)
{
	struct config cfg;
	struct diag dg = {0};
	bool ok = load_config(o, &cfg, &dg);
	int rc = ok ? seccomp_explain(stdout, &cfg, o->explain) : EXIT_CONFIG;

	diag_print(&dg);
	config_free(&cfg);
	diag_free(&dg);
	return rc;
}

/* --check [--json] [--verbose], --print-filter: the plan, and whether this
 * host can enforce it; exit 0 only when all of it can be enforced as
 * written. */
static int mode_check(struct options *o)
{
	struct config cfg;
	struct plan plan;
	struct diag dg = {0};
	struct preflight pf = {0};
	enum step step = STEP_CONFIG;
	bool ok;
	int rc;

	plan_init(&plan);
	ok = load_config(o, &cfg, &dg);
	if (ok)
		ok = plan_build(&plan, &cfg, o->cmdline, &dg, &step);
	/* A required label this host cannot apply is a fact about the host,
	 * not the config: --check reports it with every other preflight
	 * finding (and fails for it) instead of stopping at it.  The launch
	 * still refuses, with the label step's exit code. */
	if (!ok && !o->print_filter && plan.lsm_errors &&
	    dg.n == plan.lsm_errors) {
		diag_free(&dg);
		ok = true;
	}
	rc = ok ? 0 : EXIT_CONFIG;
	if (ok && !o->print_filter) {
		preflight_run(&pf, &plan);
		if (pf.failed)
			rc = EXIT_CONFIG;
	}
	if (ok && o->print_filter) {
		if (seccomp_print_pfc(stdout, &plan.seccomp) < 0)
			rc = EXIT_SECCOMP;
	} else if (o->json) {
		plan_print_json(stdout, ok ? &plan : NULL, &dg,
				ok ? &pf : NULL);
	} else if (ok) {
		plan_print(stdout, &plan, o->verbose);
		preflight_print(stdout, &pf);
		if (o->from_unit)
			unit_import_print(stdout, &o->import);
	}
	preflight_free(&pf);
	unit_import_free(&o->import);
	diag_print(&dg);
	/* Freed so that leak checkers see a clean exit. */
	plan_free(&plan);
	config_free(&cfg);
	diag_free(&dg);
	return rc;
}

/* The config and the plan for a launch; on any error, what failed, and the
 * exit code of the step it belongs to (nothing has been changed). */
static int plan_launch(struct options *o, struct config *cfg, struct plan *plan)
{
	struct diag dg = {0};
	enum step step = STEP_CONFIG;

	plan_init(plan);
	if (load_config(o, cfg, &dg) &&
	    plan_build(plan, cfg, o->cmdline, &dg, &step))
		return 0;
	unit_import_free(&o->import);
	diag_print(&dg);
	fprintf(stderr, "osapi-launch: %s: nothing was run\n", step_name(step));
	/* Freed so that leak checkers see a clean exit. */
	plan_free(plan);
	config_free(cfg);
	diag_free(&dg);
	return (int)step_exit_code(step);
}

/* What the operator should know before the agent runs, and the
 * applied-policy record, made ready for the launch to send. */
static void before_launch(const struct options *o, const struct config *cfg,
			  const struct plan *plan, struct policy_record *record)
{
	if (plan->apparmor_skipped)
		fprintf(stderr,
			"osapi-launch: notice: AppArmorProfile=-%s "
			"skipped: %s\n",
			cfg->apparmor_profile, plan->apparmor_skipped);
	if (plan->selinux_skipped)
		fprintf(stderr,
			"osapi-launch: notice: SELinuxContext=-%s "
			"skipped: %s\n",
			cfg->selinux_context, plan->selinux_skipped);
	policy_record_build(record, plan, o->record_syslog, o->record_fd);
	policy_record_activate(record);
	fflush(NULL);
}

/* The launch: the plan applied, step by step, and the agent exec'd. */
static int mode_launch(struct options *o)
{
	struct config cfg;
	struct plan plan;
	struct policy_record record;
	int rc = plan_launch(o, &cfg, &plan);

	if (rc)
		return rc;
	before_launch(o, &cfg, &plan, &record);
	launch(&plan);
}

/* --learn: the launch, with SystemCallFilter= only observing, supervised
 * by a parent that reports what the agent called. */
static int mode_learn(struct options *o)
{
	struct config cfg;
	struct plan plan;
	struct policy_record record;
	int rc = plan_launch(o, &cfg, &plan);

	if (rc)
		return rc;
	before_launch(o, &cfg, &plan, &record);
	learn_launch(&plan);
}

int main(int argc, char **argv)
{
	struct options o = {.path = OSAPI_LAUNCH_CONF};
	const char *record_arg;
	int rc;

	/* --policy-record=fd:N must be known before the startup close, so
	 * that descriptor survives it; everything else the caller left open
	 * is closed before anything is read. */
	record_arg = policy_record_option(argc, argv);
	if (policy_record_targets(record_arg, &o.record_syslog, &o.record_fd) <
	    0) {
		fprintf(stderr,
			"osapi-launch: --policy-record=%s: expected "
			"syslog, stderr, fd:N or none\n",
			record_arg);
		return EXIT_USAGE;
	}
	fds_open_stdio();
	fds_close_inherited_except(o.record_fd);
	refuse_setuid();
#ifdef OSAPI_FAULT_INJECTION
	{
		const char *f = getenv("OSAPI_LAUNCH_FAULT");
		if (f && (fault_armed = step_by_name(f)) < 0)
			die(STEP_USAGE, 0,
			    "OSAPI_LAUNCH_FAULT=%s: no such step", f);
	}
#endif
	rc = parse_options(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (o.immediate)
		return mode_immediate(o.immediate);
	if (o.syscall_filter)
		return mode_syscall_filter(&o);
	if (o.json && !o.check)
		die(STEP_USAGE, 0, "--json goes with --check");
	if (o.verbose && !o.check)
		die(STEP_USAGE, 0, "--verbose goes with --check");
	if (o.print_config)
		return mode_print_config(&o);
	if (o.explain)
		return mode_explain(&o);
	if (o.check)
		return mode_check(&o);
	if (o.learn)
		return mode_learn(&o);
	return mode_launch(&o);
}
