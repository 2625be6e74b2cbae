/* Strict number parsing for every outside input (CLI, config, remotes): no atoi. */
#ifndef TILLSYNC_PARSE_H
#define TILLSYNC_PARSE_H

#include <stdint.h>

/* Whole string must be a base-10 integer in [min, max]; -1 otherwise. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);
/* "on"/"off", "true"/"false", "yes"/"no", "1"/"0"; -1 otherwise. */
int parse_bool(const char *s, int *out);
/* "30s", "5m", "2h", "1d" or plain milliseconds "250ms"; -1 otherwise. */
int parse_duration_ms(const char *s, int64_t *out);

#endif
