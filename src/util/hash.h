/*
 * hash.h: one 64-bit hash of text for in-memory tables (FNV-1a): the
 * scan's seen ids, the variant-group lock stripes, the SKU census. Not for
 * anything stored or compared across processes or versions.
 */
#ifndef TILLSYNC_HASH_H
#define TILLSYNC_HASH_H

#include <stdint.h>

#define TEXT_HASH_SEED 1469598103934665603ULL

/* seed TEXT_HASH_SEED, or that mixed with a key the text belongs to */
static inline uint64_t
text_hash64(uint64_t seed, const char *text)
{
	uint64_t h = seed;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

#endif
