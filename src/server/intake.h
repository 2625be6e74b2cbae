/*
 * intake.h: group commit for pushed changes. Request threads verify a
 * delivery in parallel, then hand it here and wait; one thread stores
 * everything that has arrived meanwhile in a single transaction and wakes
 * each waiter once the commit that holds its delivery is on disk. One fsync
 * then serves many deliveries, and the 200 still means "stored".
 */
#ifndef TILLSYNC_INTAKE_H
#define TILLSYNC_INTAKE_H

#include "core/webhook.h"

#define INTAKE_BATCH_MAX 512

struct intake;

int intake_start(struct intake **out, const char *db_path, struct sbuf *err);
/* Stores everything still waiting, then stops. */
void intake_stop(struct intake *in);
/* Blocks until d is stored (0, d->item_id set) or could not be (-1). */
int intake_submit(struct intake *in, struct webhook_delivery *d);

#endif
