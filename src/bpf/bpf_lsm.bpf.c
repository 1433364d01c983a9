// SPDX-License-Identifier: MIT
/*
 * RestrictFileSystems=: a BPF LSM program on the file_open hook.  An open
 * by a task whose cgroup (v2) id has a set in cgroup_fs is refused with
 * EPERM when the file's superblock magic is outside an allow list or in a
 * deny list; tasks of other groups are not looked at further.  Built with
 * clang -target bpf against the running kernel's BTF (vmlinux.h, CO-RE
 * relocated at load), loaded by src/plan/bpf_lsm.c through libbpf.
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf_lsm_shared.h"

#define EPERM 1

struct rfs_set {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RFS_SET_MAX);
	__type(key, __u32);
	__type(value, __u32);
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, RFS_GROUPS_MAX);
	__type(key, __u64);
	__array(values, struct rfs_set);
} cgroup_fs SEC(".maps");

SEC("lsm/file_open")
int BPF_PROG(restrict_fs, struct file *file, int ret)
{
	__u64 cgroup = bpf_get_current_cgroup_id();
	__u32 key = RFS_MODE_KEY, magic;
	__u32 *mode;
	void *set;
	int listed;

	if (ret)
		return ret; /* an LSM before us refused already */
	set = bpf_map_lookup_elem(&cgroup_fs, &cgroup);
	if (!set)
		return 0;
	mode = bpf_map_lookup_elem(set, &key);
	if (!mode)
		return 0;
	magic = (__u32)BPF_CORE_READ(file, f_inode, i_sb, s_magic);
	listed = bpf_map_lookup_elem(set, &magic) != NULL;
	if (*mode == RFS_MODE_ALLOW)
		return listed ? 0 : -EPERM;
	return listed ? -EPERM : 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
