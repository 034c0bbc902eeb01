/*
 * pes_user.h - private to the heap and pairing-heap queues: the caller data of
 * pes_user() as one array beside the structure, PES_USER_BYTES per slot. (The ladder
 * keeps it inside its nodes instead.)
 */
#ifndef ASGSIM_PES_USER_H
#define ASGSIM_PES_USER_H

#include "pes.h"

#include "asgsim/util.h"

#include <stddef.h>
#include <string.h>

/* Grow *user to at least nr_slots slots (by half, at least 64), new ones zeroed. */
static inline void pes_user_reserve(unsigned char **user, size_t *nr_user, size_t nr_slots)
{
    if (nr_slots <= *nr_user)
        return;
    size_t old = *nr_user, n = old < 64 ? 64 : old + old / 2;
    if (n < nr_slots)
        n = nr_slots;
    *user = xrealloc(*user, n * PES_USER_BYTES);
    memset(*user + old * PES_USER_BYTES, 0, (n - old) * PES_USER_BYTES);
    *nr_user = n;
}

#endif
