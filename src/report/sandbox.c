/* SPDX-License-Identifier: MIT */
/* --check: the file system sandbox, its backends, rules and mounts. */
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "plan.h"
#include "sandbox.h"

static const char *rights_text(uint64_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s",
		 a & LANDLOCK_ACCESS_FS_READ_FILE ? "read " : "",
		 a & LANDLOCK_ACCESS_FS_READ_DIR ? "list " : "",
		 a & LANDLOCK_ACCESS_FS_WRITE_FILE ? "write " : "",
		 a & LANDLOCK_ACCESS_FS_EXECUTE ? "exec " : "");
	if (*buf)
		buf[strlen(buf) - 1] = '\0';
	return buf;
}

static const char *backend_text(unsigned b)
{
	switch (b) {
	case SANDBOX_MOUNT:
		return "mount";
	case SANDBOX_LANDLOCK:
		return "landlock";
	case SANDBOX_MOUNT | SANDBOX_LANDLOCK:
		return "mount landlock";
	default:
		return "none";
	}
}

void sandbox_print(FILE *out, const struct plan *p)
{
	const struct sandbox_plan *s = &p->sandbox;
	const struct landlock_plan *l = &s->landlock;
	char b[64];

	if (!s->backends)
		fputs("sandbox         none configured\n", out);
	else
		fprintf(out, "sandbox         %s  [%s]\n",
			backend_text(s->backends), s->why);
	mountns_print(out, &s->mount);
	if (l->ruleset_fd >= 0 || l->abi)
		fprintf(out,
			"landlock        ABI %d, handles fs %#llx net %#llx, "
			"scoped to its domain: %s%s%s\n",
			l->abi, (unsigned long long)l->handled_fs,
			(unsigned long long)l->handled_net,
			l->scoped & LL_SCOPE_ABSTRACT_UNIX
				? "abstract-unix-sockets"
				: "",
			l->scoped == (LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL)
				? " signals"
			: l->scoped & LL_SCOPE_SIGNAL ? "signals"
						      : "",
			!l->scoped ? "nothing (ABI < 6, or no domain)" : "");
	for (size_t i = 0; i < l->nrules; i++)
		fprintf(out, "landlock rule   %s  %s (%#llx)%s\n",
			l->rules[i].path,
			rights_text(l->rules[i].access, b, sizeof(b)),
			(unsigned long long)l->rules[i].access,
			l->rules[i].pending ? " once created" : "");
	for (size_t i = 0; i < p->cfg->n_net_ports && l->handled_net; i++)
		fprintf(out, "landlock port   %s %u\n",
			p->cfg->net_ports[i].what == NET_PORT_BIND ? "bind"
								   : "connect",
			p->cfg->net_ports[i].port);
	for (size_t i = 0; i < l->nnotes; i++)
		fprintf(out, "sandbox note    %s\n", l->notes[i]);
}

void sandbox_print_json(FILE *out, const struct plan *p)
{
	const struct sandbox_plan *s = &p->sandbox;
	const struct landlock_plan *l = &s->landlock;

	fputs(",\n  \"sandbox\": {\"backend\": ", out);
	json_str(out, backend_text(s->backends));
	fputs(", \"why\": ", out);
	json_str_or_null(out, s->why);
	fprintf(out,
		", \"landlock\": {\"abi\": %d, \"handled_fs\": %llu, "
		"\"handled_net\": %llu, \"rules\": [",
		l->abi, (unsigned long long)l->handled_fs,
		(unsigned long long)l->handled_net);
	for (size_t i = 0; i < l->nrules; i++) {
		fputs(i ? ", " : "", out);
		fputs("{\"path\": ", out);
		json_str(out, l->rules[i].path);
		fprintf(out, ", \"access\": %llu}",
			(unsigned long long)l->rules[i].access);
	}
	fputs("], \"ports\": [", out);
	for (size_t i = 0; i < p->cfg->n_net_ports && l->handled_net; i++)
		fprintf(out, "%s{\"%s\": %u}", i ? ", " : "",
			p->cfg->net_ports[i].what == NET_PORT_BIND ? "bind"
								   : "connect",
			p->cfg->net_ports[i].port);
	fputs("]}", out);
	mountns_print_json(out, &s->mount);
	fputs(", \"notes\": [", out);
	for (size_t i = 0; i < l->nnotes; i++) {
		fputs(i ? ", " : "", out);
		json_str(out, l->notes[i]);
	}
	fputs("]}", out);
}

static const char *op_text(const struct mount_op *op, char *b, size_t len)
{
	switch (op->kind) {
	case MNT_ATTR:
		snprintf(b, len, "%s%s%s%s",
			 op->attr_set & MOUNT_ATTR_RDONLY ? "ro " : "",
			 op->attr_clr & MOUNT_ATTR_RDONLY ? "rw " : "",
			 op->attr_set & MOUNT_ATTR_NOEXEC ? "noexec " : "",
			 op->attr_clr & MOUNT_ATTR_NOEXEC ? "exec " : "");
		if (*b)
			b[strlen(b) - 1] = '\0';
		return b;
	case MNT_HIDE:
		return "inaccessible";
	case MNT_TMPFS:
		return op->flags & MS_RDONLY ? "tmpfs (empty, read-only)"
					     : "tmpfs";
	case MNT_DEV:
		return "private /dev";
	case MNT_BIND:
		snprintf(b, len, "bind%s%s", op->attr_set ? " ro" : "",
			 op->recursive ? "" : " norbind");
		return b;
	case MNT_PROC:
		snprintf(b, len, "procfs %s", op->data);
		return b;
	case MNT_MQUEUE:
		return "mqueue of the agent's IPC namespace";
	}
	return "?";
}

void mountns_print(FILE *out, const struct mount_plan *m)
{
	char b[64];

	for (size_t i = 0; i < m->n; i++)
		fprintf(out, "mount           %s  %s  [%s]\n", m->v[i].path,
			op_text(&m->v[i], b, sizeof(b)), m->v[i].directive);
}

void mountns_print_json(FILE *out, const struct mount_plan *m)
{
	char b[64];

	fputs(", \"mounts\": [", out);
	for (size_t i = 0; i < m->n; i++) {
		fputs(i ? ", " : "", out);
		fputs("{\"path\": ", out);
		json_str(out, m->v[i].path);
		fputs(", \"what\": ", out);
		json_str(out, op_text(&m->v[i], b, sizeof(b)));
		fputs(", \"directive\": ", out);
		json_str(out, m->v[i].directive);
		fputc('}', out);
	}
	fputc(']', out);
}
