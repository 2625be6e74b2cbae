/* Time is UTC inside tillsync: milliseconds since the Unix epoch. */
#ifndef TILLSYNC_TIMEUTIL_H
#define TILLSYNC_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

int64_t time_now_ms(void);            /* wall clock, UTC */
int64_t time_mono_ms(void);           /* monotonic, for intervals only */
void time_sleep_ms(int64_t ms);
/* "2026-11-23T10:04:05Z" (or with .mmm when ms is not a whole second). */
void time_format_iso(int64_t ms, char *out, size_t outlen);
#define TIME_ISO_LEN 32

#endif
