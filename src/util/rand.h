/* Small fast PRNG for jitter and tests; seed from OpenSSL when unpredictability matters. */
#ifndef TILLSYNC_RAND_H
#define TILLSYNC_RAND_H

#include <stdint.h>

struct rng {
	uint64_t s;
};

void rng_seed(struct rng *r, uint64_t seed);
void rng_seed_random(struct rng *r);      /* from the OS / OpenSSL */
uint64_t rng_next(struct rng *r);         /* splitmix64 */
uint64_t rng_below(struct rng *r, uint64_t n); /* uniform in [0, n), n > 0 */

#endif
