/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_LIBBPF_DL_H
#define OSAPI_LAUNCH_LIBBPF_DL_H

/*
 * libbpf, opened with dlopen(3) (include/dl.h) when RestrictFileSystems=
 * is set, not linked: it brings libelf and zlib, three libraries the loader
 * mapped at every launch for a directive the shipped config does not use
 * (docs/benchmarks.md), into a process that execs the agent.  Each pointer
 * has the type of libbpf's own declaration.
 */
#ifdef HAVE_BPF_LSM
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

struct libbpf {
	typeof(bpf_object__open_mem) *object__open_mem;
	typeof(bpf_object__find_map_by_name) *object__find_map_by_name;
	typeof(bpf_object__find_program_by_name) *object__find_program_by_name;
	typeof(bpf_object__load) *object__load;
	typeof(bpf_object__close) *object__close;
	typeof(bpf_map__pin) *map__pin;
	typeof(bpf_map__fd) *map__fd;
	typeof(bpf_program__attach_lsm) *program__attach_lsm;
	typeof(bpf_link__pin) *link__pin;
	typeof(bpf_link__fd) *link__fd;
	typeof(bpf_link__disconnect) *link__disconnect;
	typeof(bpf_link__destroy) *link__destroy;
	typeof(bpf_obj_get) *obj_get;
	typeof(bpf_obj_get_info_by_fd) *obj_get_info_by_fd;
	typeof(bpf_prog_get_fd_by_id) *prog_get_fd_by_id;
	typeof(bpf_map_create) *map_create;
	typeof(bpf_map_update_elem) *map_update_elem;
	typeof(bpf_map_lookup_elem) *map_lookup_elem;
	typeof(bpf_map_delete_elem) *map_delete_elem;
	typeof(bpf_map_get_next_key) *map_get_next_key;
};

/* Filled by libbpf_open(). */
extern struct libbpf libbpf;

/* Opens libbpf once, in the plan; NULL on success, else why not. */
const char *libbpf_open(void);
#endif

#endif
