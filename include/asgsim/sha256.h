/*
 * sha256.h - SHA-256 (FIPS 180-4) of a byte buffer, for scenario provenance.
 */
#ifndef ASGSIM_SHA256_H
#define ASGSIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

/** The 32-byte digest of `len` bytes at `data`. */
void sha256(const void *data, size_t len, uint8_t digest[32]);

/** The digest as 64 lower-case hex characters plus NUL. */
void sha256_hex(const void *data, size_t len, char hex[65]);

#endif /* ASGSIM_SHA256_H */
