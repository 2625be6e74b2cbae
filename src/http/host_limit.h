/*
 * host_limit.h: how many requests tillsync has in flight to one remote host,
 * across every thread of the process, found by probing rather than told.
 *
 * Each host starts at HOST_LIMIT_START concurrent requests. Each round of
 * `limit` answers without overload adds one (additive increase); a 429 or
 * 503 halves it
 * (multiplicative decrease, at most once per round), never below 1 and
 * never above HOST_LIMIT_MAX. A shop on shared hosting settles at what it
 * can take; a strong one is soon written to in parallel.
 *
 *	struct host_slot s;
 *	host_limit_acquire("https://shop.example:443", &s);   // waits for a slot
 *	... the request ...
 *	host_limit_release(&s, status);                       // 429/503 or not
 */
#ifndef TILLSYNC_HOST_LIMIT_H
#define TILLSYNC_HOST_LIMIT_H

#include <stddef.h>
#include <stdint.h>

#define HOST_LIMIT_START 4
#define HOST_LIMIT_MAX 32

struct host_entry;

struct host_slot {
	struct host_entry *host;
	uint64_t round;          /* the host's decrease count when the slot was taken */
};

/* key: scheme://host:port of the URL (host_limit_key makes it). */
void host_limit_acquire(const char *key, struct host_slot *slot);
/* status: the HTTP status (0 for a transport failure). */
void host_limit_release(struct host_slot *slot, long status);

/* scheme://host:port of url into out; "" when it cannot be read. */
void host_limit_key(const char *url, char *out, size_t len);

/* The current limit and requests in flight for a key (tests, metrics). */
void host_limit_state(const char *key, int *limit, int *in_flight);

#endif
