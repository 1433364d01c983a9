/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_CAPABILITY_NAMES_H
#define OSAPI_LAUNCH_CAPABILITY_NAMES_H

/* The running kernel's highest capability; a capability's name,
 * "cap_net_raw" (src/lib/capability_names.c). */
int capability_last(void);
const char *capability_name(int cap);

#endif
