/* SPDX-License-Identifier: MIT */
/*
 * The names the seccomp directives take, and what they stand for:
 * architectures (SystemCallArchitectures=), address families
 * (RestrictAddressFamilies=), namespace types (RestrictNamespaces=), and
 * system calls or systemd's @groups (SystemCallFilter=, SystemCallLog=).
 * Shared by the parser, which refuses an unknown name, the filters of the
 * plan, and the reports.
 */
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/socket.h>

#include "syscall_groups.h"
#include "syscall_names.h"

/* systemd's architecture names (ConditionArchitecture=) and libseccomp's. */
static const struct {
	const char *name;
	uint32_t token;
} archs[] = {
	{"x86", SCMP_ARCH_X86},
	{"x86-64", SCMP_ARCH_X86_64},
	{"x32", SCMP_ARCH_X32},
	{"arm", SCMP_ARCH_ARM},
	{"arm64", SCMP_ARCH_AARCH64},
	{"mips", SCMP_ARCH_MIPS},
	{"mips64", SCMP_ARCH_MIPS64},
	{"mips-le", SCMP_ARCH_MIPSEL},
	{"mips64-le", SCMP_ARCH_MIPSEL64},
	{"ppc", SCMP_ARCH_PPC},
	{"ppc64", SCMP_ARCH_PPC64},
	{"ppc64-le", SCMP_ARCH_PPC64LE},
	{"s390", SCMP_ARCH_S390},
	{"s390x", SCMP_ARCH_S390X},
	{"riscv64", SCMP_ARCH_RISCV64},
};

uint32_t seccomp_arch_token(const char *name)
{
	if (strcmp(name, "native") == 0)
		return seccomp_arch_native();
	for (size_t i = 0; i < sizeof(archs) / sizeof(*archs); i++)
		if (strcmp(archs[i].name, name) == 0)
			return archs[i].token;
	return 0;
}

const char *seccomp_arch_name(uint32_t token)
{
	for (size_t i = 0; i < sizeof(archs) / sizeof(*archs); i++)
		if (archs[i].token == token)
			return archs[i].name;
	return "?";
}

static const char *const family_names[] = {
	"AF_UNSPEC",	 "AF_UNIX",	 "AF_INET",	"AF_AX25",
	"AF_IPX",	 "AF_APPLETALK", "AF_NETROM",	"AF_BRIDGE",
	"AF_ATMPVC",	 "AF_X25",	 "AF_INET6",	"AF_ROSE",
	"AF_DECnet",	 "AF_NETBEUI",	 "AF_SECURITY", "AF_KEY",
	"AF_NETLINK",	 "AF_PACKET",	 "AF_ASH",	"AF_ECONET",
	"AF_ATMSVC",	 "AF_RDS",	 "AF_SNA",	"AF_IRDA",
	"AF_PPPOX",	 "AF_WANPIPE",	 "AF_LLC",	"AF_IB",
	"AF_MPLS",	 "AF_CAN",	 "AF_TIPC",	"AF_BLUETOOTH",
	"AF_IUCV",	 "AF_RXRPC",	 "AF_ISDN",	"AF_PHONET",
	"AF_IEEE802154", "AF_CAIF",	 "AF_ALG",	"AF_NFC",
	"AF_VSOCK",	 "AF_KCM",	 "AF_QIPCRTR",	"AF_SMC",
	"AF_XDP",	 "AF_MCTP",
}; /* indexed by number, up to AF_MAX - 1 */

_Static_assert(sizeof(family_names) / sizeof(*family_names) == ADDRESS_FAMILIES,
	       "ADDRESS_FAMILIES is the length of family_names");

int address_family(const char *name)
{
	if (strcmp(name, "AF_LOCAL") == 0 || strcmp(name, "AF_FILE") == 0)
		return AF_UNIX;
	if (strcmp(name, "AF_ROUTE") == 0)
		return AF_NETLINK;
	for (int i = 1; i < ADDRESS_FAMILIES; i++)
		if (strcmp(family_names[i], name) == 0)
			return i;
	return -1;
}

/* In the order the restrictions filter adds their rules. */
const struct namespace_name namespace_names[] = {
	{"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC},
	{"net", CLONE_NEWNET},	     {"mnt", CLONE_NEWNS},
	{"pid", CLONE_NEWPID},	     {"user", CLONE_NEWUSER},
	{"uts", CLONE_NEWUTS},
};
const size_t namespace_count =
	sizeof(namespace_names) / sizeof(*namespace_names);

uint64_t namespace_flag(const char *name)
{
	for (size_t i = 0; i < namespace_count; i++)
		if (strcmp(namespace_names[i].name, name) == 0)
			return namespace_names[i].flag;
	return 0;
}

uint64_t namespace_flags_all(void)
{
	uint64_t all = 0;

	for (size_t i = 0; i < namespace_count; i++)
		all |= namespace_names[i].flag;
	return all;
}

bool seccomp_name_known(const char *name)
{
	if (name[0] == '@')
		return syscall_group_find(name) != NULL;
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

static int is_name(const char *name, void *ud)
{
	return strcmp(name, ud) == 0 ? 1 : 0;
}

bool syscall_known(const char *name)
{
	return syscall_group_expand("@known", is_name, (void *)name) > 0;
}

bool syscall_word_covers(const char *word, const char *name)
{
	if (word[0] != '@')
		return strcmp(word, name) == 0;
	return syscall_group_expand(word, is_name, (void *)name) > 0;
}
