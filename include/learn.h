/* SPDX-License-Identifier: MIT */
#ifndef OSAPI_LAUNCH_LEARN_H
#define OSAPI_LAUNCH_LEARN_H

#include "plan.h"

/* --learn: fork, launch the target with a notifying filter in the child,
 * record its calls in the parent, report, exit with the target's status. */
_Noreturn void learn_launch(const struct plan *p);

#endif
