/* SPDX-License-Identifier: MIT */
/* libbpf on demand (include/libbpf_dl.h). */
#include "libbpf_dl.h"

#ifdef HAVE_BPF_LSM
#include "dl.h"

/* meson.build sets it from the version of the libbpf built against. */
#ifndef LIBBPF_SONAME
#define LIBBPF_SONAME "libbpf.so.1"
#endif
DL_NOTE(libbpf_note, "bpf-lsm", "RestrictFileSystems=", "suggested",
	LIBBPF_SONAME);

struct libbpf libbpf;

const char *libbpf_open(void)
{
	static void *lib;
#define S(field, symbol) DL_SYM(libbpf.field, symbol)
	static const struct dl_symbol syms[] = {
		S(object__open_mem, bpf_object__open_mem),
		S(object__find_map_by_name, bpf_object__find_map_by_name),
		S(object__find_program_by_name,
		  bpf_object__find_program_by_name),
		S(object__load, bpf_object__load),
		S(object__close, bpf_object__close),
		S(map__pin, bpf_map__pin),
		S(map__fd, bpf_map__fd),
		S(program__attach_lsm, bpf_program__attach_lsm),
		S(link__pin, bpf_link__pin),
		S(link__fd, bpf_link__fd),
		S(link__disconnect, bpf_link__disconnect),
		S(link__destroy, bpf_link__destroy),
		S(obj_get, bpf_obj_get),
		S(obj_get_info_by_fd, bpf_obj_get_info_by_fd),
		S(prog_get_fd_by_id, bpf_prog_get_fd_by_id),
		S(map_create, bpf_map_create),
		S(map_update_elem, bpf_map_update_elem),
		S(map_lookup_elem, bpf_map_lookup_elem),
		S(map_delete_elem, bpf_map_delete_elem),
		S(map_get_next_key, bpf_map_get_next_key),
	};
#undef S
	return dl_open(LIBBPF_SONAME, &lib, syms,
		       sizeof(syms) / sizeof(syms[0]));
}
#endif
