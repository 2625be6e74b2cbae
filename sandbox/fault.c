/*
 * fault.c - the one place where faults are injected and capacity is modelled,
 * for every emulator alike (SQLite's os.c does the same for I/O faults).
 *
 * DESIGN
 * A struct fault belongs to one emulator.  It holds the knobs (set by flags
 * at start and by POST /faults at runtime), a seeded PRNG that makes every
 * random decision, a capacity model and the per-endpoint counters.
 *
 * Capacity: a real PHP shop has K workers.  A request holds one of K slots
 * for base_ms + per_item_ms * items written; requests beyond K wait in line
 * (FIFO-ish: a condition variable).  workers = 0 means unlimited, and with
 * both costs 0 nothing sleeps: that is the default.
 *
 * Determinism: one PRNG per emulator, drawn under the fault mutex in a fixed
 * order per request (error, hang, malformed, truncated), so a sequential
 * client sees the same faults for the same seed and knobs every run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox.h"

struct counter {
	char	*key;
	long	 requests;
	long	 items_read;
	long	 items_written;
	long	 injected;
	long	 status[6];	/* by hundreds: 1xx..5xx */
};

struct fault {
	char		*name;
	pthread_mutex_t	 mu;
	pthread_cond_t	 slot_cv;
	struct rng	 rng;

	/* knobs */
	long		 rl_requests;	/* per window; 0 = off */
	long		 rl_window_ms;
	long		 rl_retry_after;	/* seconds */
	long		 quota;		/* requests allowed; 0 = off */
	double		 error_rate;
	long		 error_status;
	long		 hang_ms;
	double		 hang_rate;
	double		 malformed;
	double		 truncated;
	int		 maintenance;
	int		 rest_disabled;
	int		 revoke_key;
	int		 read_only_key;
	long		 workers;
	long		 base_ms;
	long		 per_item_ms;
	long		 rl_every;	/* every Nth request refused; 0 = off */
	long		 quota_status;	/* 429 or 403 */
	long		 fail_count;	/* fail_next: requests left to fail */
	char		*fail_route;	/* NULL: any route */
	long		 fail_status;
	long		 fail_hang_ms;	/* hang instead of failing */
	int		 fail_truncate;	/* apply, then cut the answer instead */

	/* state */
	long		 rl_seen;
	long		 busy;
	int64_t		 rl_window_start;	/* ms */
	long		 rl_count;
	long		 quota_used;

	struct counter	*ctr;
	size_t		 nctr;
	size_t		 capctr;
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct fault *
fault_new(const char *name, uint64_t seed)
{
	struct fault *f = xcalloc(1, sizeof(*f));
	uint64_t h = seed;
	const char *p;

	f->name = xstrdup(name);
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->slot_cv, NULL);
	for (p = name; *p != '\0'; p++)
		h = h * 31 + (unsigned char)*p;
	rng_seed(&f->rng, h ^ 0x5eed5eed5eedULL);
	f->error_status = 500;
	f->hang_rate = 1.0;
	f->rl_retry_after = 1;
	f->rl_window_ms = 1000;
	f->quota_status = 429;
	f->fail_status = 500;
	return f;
}

void
fault_free(struct fault *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nctr; i++)
		free(f->ctr[i].key);
	free(f->ctr);
	free(f->fail_route);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->slot_cv);
	free(f->name);
	free(f);
}

static int
knob_num(json_t *v, const char *name, double lo, double hi, double *out,
    struct wbuf *err)
{
	double d;

	if (json_is_boolean(v))
		d = json_is_true(v) ? 1 : 0;
	else if (json_is_number(v))
		d = json_number_value(v);
	else {
		wbuf_addf(err, "fault knob '%s' must be a number", name);
		return -1;
	}
	if (d < lo || d > hi) {
		wbuf_addf(err, "fault knob '%s' must be between %g and %g",
		    name, lo, hi);
		return -1;
	}
	*out = d;
	return 0;
}

/*
 * Applies every known knob in obj; unknown keys are an error so a typo in a
 * test does not silently leave a fault off.  Keys owned by the emulator
 * ("target" and emulator options) are skipped here: the caller has already
 * handled them.  Returns 0, or -1 with a message in err.
 */
int
fault_set(struct fault *f, json_t *obj, struct wbuf *err)
{
	const char *k;
	json_t *v;
	double d;
	int rc = 0;

	pthread_mutex_lock(&f->mu);
	json_object_foreach(obj, k, v) {
		if (strcmp(k, "rate_limit") == 0) {
			json_t *x;

			if (json_is_null(v) || json_is_false(v)) {
				f->rl_requests = 0;
				f->rl_every = 0;
				continue;
			}
			if (!json_is_object(v)) {
				wbuf_addf(err, "fault knob 'rate_limit' must be "
				    "an object {burst|every, window_ms, "
				    "retry_after}");
				rc = -1;
				break;
			}
			f->rl_requests = 0;
			f->rl_every = 0;
			if ((x = json_object_get(v, "requests")) != NULL ||
			    (x = json_object_get(v, "burst")) != NULL) {
				if (knob_num(x, "rate_limit.burst", 0, 1e9,
				    &d, err)) { rc = -1; break; }
				f->rl_requests = (long)d;
			}
			if ((x = json_object_get(v, "every")) != NULL) {
				if (knob_num(x, "rate_limit.every", 0, 1e9,
				    &d, err)) { rc = -1; break; }
				f->rl_every = (long)d;
			}
			if ((x = json_object_get(v, "window_ms")) != NULL) {
				if (knob_num(x, "rate_limit.window_ms", 1, 864e5,
				    &d, err)) { rc = -1; break; }
				f->rl_window_ms = (long)d;
			}
			if ((x = json_object_get(v, "retry_after")) != NULL) {
				if (knob_num(x, "rate_limit.retry_after", 0,
				    86400, &d, err)) { rc = -1; break; }
				f->rl_retry_after = (long)d;
			}
			f->rl_count = 0;
			f->rl_seen = 0;
			f->rl_window_start = mono_ms();
			continue;
		}
		if (strcmp(k, "capacity") == 0) {
			static const char *const ck[] = { "workers", "base_ms",
			    "per_item_ms" };
			long *dst[3];
			json_t *x;
			int i;

			dst[0] = &f->workers;
			dst[1] = &f->base_ms;
			dst[2] = &f->per_item_ms;
			if (!json_is_object(v)) {
				wbuf_addf(err, "fault knob 'capacity' must be an "
				    "object {workers, base_ms, per_item_ms}");
				rc = -1;
				break;
			}
			for (i = 0; i < 3 && rc == 0; i++) {
				if ((x = json_object_get(v, ck[i])) == NULL)
					continue;
				if (knob_num(x, ck[i], 0, 36e5, &d, err))
					rc = -1;
				else
					*dst[i] = (long)d;
			}
			if (rc < 0)
				break;
			continue;
		}
		if (strcmp(k, "fail_next") == 0) {
			json_t *x;

			free(f->fail_route);
			f->fail_route = NULL;
			f->fail_status = 500;
			f->fail_hang_ms = 0;
			f->fail_truncate = 0;
			if (json_is_object(v)) {
				x = json_object_get(v, "route");
				if (json_is_string(x))
					f->fail_route = xstrdup(
					    json_string_value(x));
				if ((x = json_object_get(v, "status")) != NULL) {
					if (knob_num(x, "fail_next.status", 400,
					    599, &d, err)) { rc = -1; break; }
					f->fail_status = (long)d;
				}
				if ((x = json_object_get(v, "truncate")) != NULL)
					f->fail_truncate = json_is_true(x);
				if ((x = json_object_get(v, "hang_ms")) != NULL) {
					if (knob_num(x, "fail_next.hang_ms", 0,
					    36e5, &d, err)) { rc = -1; break; }
					f->fail_hang_ms = (long)d;
				}
				x = json_object_get(v, "count");
			} else
				x = v;
			if (x == NULL || knob_num(x, "fail_next.count", 0, 1e9,
			    &d, err)) {
				if (x == NULL)
					wbuf_addf(err, "fault knob 'fail_next' "
					    "needs a count");
				rc = -1;
				break;
			}
			f->fail_count = (long)d;
			/* "route" beside a bare count applies to it */
			x = json_object_get(obj, "route");
			if (!json_is_object(v) && json_is_string(x))
				f->fail_route = xstrdup(json_string_value(x));
			continue;
		}
#define NUMKNOB(nm, field, lo, hi, cast)				\
		if (strcmp(k, nm) == 0) {				\
			if (knob_num(v, nm, lo, hi, &d, err)) {		\
				rc = -1;				\
				break;					\
			}						\
			f->field = (cast)d;				\
			continue;					\
		}
		NUMKNOB("quota", quota, 0, 1e12, long)
		NUMKNOB("error_rate", error_rate, 0, 1, double)
		NUMKNOB("error_status", error_status, 500, 599, long)
		NUMKNOB("hang_ms", hang_ms, 0, 36e5, long)
		NUMKNOB("hang_rate", hang_rate, 0, 1, double)
		NUMKNOB("malformed", malformed, 0, 1, double)
		NUMKNOB("truncated", truncated, 0, 1, double)
		NUMKNOB("maintenance", maintenance, 0, 1, int)
		NUMKNOB("rest_disabled", rest_disabled, 0, 1, int)
		NUMKNOB("revoke_key", revoke_key, 0, 1, int)
		NUMKNOB("read_only_key", read_only_key, 0, 1, int)
		NUMKNOB("read_only", read_only_key, 0, 1, int)
		NUMKNOB("quota_status", quota_status, 400, 599, long)
		NUMKNOB("workers", workers, 0, 100000, long)
		NUMKNOB("base_ms", base_ms, 0, 36e5, long)
		NUMKNOB("per_item_ms", per_item_ms, 0, 36e5, long)
#undef NUMKNOB
		if (strcmp(k, "target") == 0 || strcmp(k, "seed") == 0 ||
		    strcmp(k, "route") == 0)
			continue;
		wbuf_addf(err, "unknown fault knob '%s'", k);
		rc = -1;
		break;
	}
	if (rc == 0 && (v = json_object_get(obj, "seed")) != NULL &&
	    json_is_integer(v))
		rng_seed(&f->rng, (uint64_t)json_integer_value(v));
	pthread_cond_broadcast(&f->slot_cv);
	pthread_mutex_unlock(&f->mu);
	return rc;
}

static void
jw_kdbl(struct jw *w, const char *k, double d)
{
	char b[32];

	snprintf(b, sizeof(b), "%g", d);
	jw_kraw(w, k, b);
}

void
fault_dump(struct fault *f, struct jw *w)
{
	pthread_mutex_lock(&f->mu);
	jw_obj(w);
	jw_key(w, "rate_limit");
	jw_obj(w);
	jw_kint(w, "requests", f->rl_requests);
	jw_kint(w, "window_ms", f->rl_window_ms);
	jw_kint(w, "burst", f->rl_requests);
	jw_kint(w, "every", f->rl_every);
	jw_kint(w, "retry_after", f->rl_retry_after);
	jw_obj_end(w);
	jw_key(w, "fail_next");
	jw_obj(w);
	jw_kint(w, "count", f->fail_count);
	jw_key(w, "route");
	jw_str_or_null(w, f->fail_route);
	jw_kint(w, "status", f->fail_status);
	jw_kint(w, "hang_ms", f->fail_hang_ms);
	jw_kbool(w, "truncate", f->fail_truncate);
	jw_obj_end(w);
	jw_kint(w, "quota_status", f->quota_status);
	jw_kint(w, "quota", f->quota);
	jw_kint(w, "quota_used", f->quota_used);
	jw_kdbl(w, "error_rate", f->error_rate);
	jw_kint(w, "error_status", f->error_status);
	jw_kint(w, "hang_ms", f->hang_ms);
	jw_kdbl(w, "hang_rate", f->hang_rate);
	jw_kdbl(w, "malformed", f->malformed);
	jw_kdbl(w, "truncated", f->truncated);
	jw_kbool(w, "maintenance", f->maintenance);
	jw_kbool(w, "rest_disabled", f->rest_disabled);
	jw_kbool(w, "revoke_key", f->revoke_key);
	jw_kbool(w, "read_only_key", f->read_only_key);
	jw_key(w, "capacity");
	jw_obj(w);
	jw_kint(w, "workers", f->workers);
	jw_kint(w, "base_ms", f->base_ms);
	jw_kint(w, "per_item_ms", f->per_item_ms);
	jw_kint(w, "busy", f->busy);
	jw_obj_end(w);
	jw_obj_end(w);
	pthread_mutex_unlock(&f->mu);
}

void
fault_front(struct fault *f, struct fault_decision *d)
{
	int64_t now;

	memset(d, 0, sizeof(*d));
	pthread_mutex_lock(&f->mu);
	if (f->quota > 0) {
		if (f->quota_used >= f->quota) {
			d->kind = FAULT_QUOTA;
			d->status = (unsigned)f->quota_status;
			goto out;
		}
		f->quota_used++;
	}
	if (f->rl_requests > 0) {
		now = mono_ms();
		if (now - f->rl_window_start >= f->rl_window_ms) {
			f->rl_window_start = now;
			f->rl_count = 0;
		}
		if (f->rl_count >= f->rl_requests) {
			d->kind = FAULT_RATE_LIMIT;
			d->status = 429;
			d->retry_after = f->rl_retry_after;
			goto out;
		}
		f->rl_count++;
	}
	if (f->rl_every > 0 && ++f->rl_seen % f->rl_every == 0) {
		d->kind = FAULT_RATE_LIMIT;
		d->status = 429;
		d->retry_after = f->rl_retry_after;
	}
out:
	pthread_mutex_unlock(&f->mu);
}

/* Returns -1 when the sandbox is stopping while waiting. */
int
fault_slot_acquire(struct fault *f)
{
	pthread_mutex_lock(&f->mu);
	while (f->workers > 0 && f->busy >= f->workers) {
		struct timespec ts;

		if (sb_stopping()) {
			pthread_mutex_unlock(&f->mu);
			return -1;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&f->slot_cv, &f->mu, &ts);
	}
	f->busy++;
	pthread_mutex_unlock(&f->mu);
	return 0;
}

void
fault_slot_release(struct fault *f)
{
	pthread_mutex_lock(&f->mu);
	f->busy--;
	pthread_cond_signal(&f->slot_cv);
	pthread_mutex_unlock(&f->mu);
}

/*
 * Decides the faults met inside the shop, in a fixed order: maintenance,
 * REST disabled, a scripted failure (fail_next), a random 5xx, then the
 * body spoilers.  key is the route's counter key ("GET /products/{id}").
 */
void
fault_inner(struct fault *f, const char *key, int api_path,
    struct fault_decision *d)
{
	memset(d, 0, sizeof(*d));
	pthread_mutex_lock(&f->mu);
	if (f->maintenance) {
		d->kind = FAULT_MAINTENANCE;
		d->status = 503;
		d->retry_after = 600;
		goto out;
	}
	if (f->rest_disabled && api_path) {
		d->kind = FAULT_REST_DISABLED;
		d->status = 404;
		goto out;
	}
	if (f->fail_count > 0 && (f->fail_route == NULL ||
	    strcmp(f->fail_route, key) == 0)) {
		f->fail_count--;
		if (f->fail_truncate) {
			d->truncated = 1;   /* the write is made; its answer is lost */
			goto out;
		}
		if (f->fail_hang_ms > 0) {
			d->hang_ms = f->fail_hang_ms;
			goto out;
		}
		d->status = (unsigned)f->fail_status;
		d->kind = d->status == 429 ? FAULT_RATE_LIMIT :
		    d->status == 503 ? FAULT_MAINTENANCE : FAULT_SERVER_ERROR;
		d->retry_after = d->status == 429 ? f->rl_retry_after : 0;
		goto out;
	}
	if (f->error_rate > 0 && rng_unit(&f->rng) < f->error_rate) {
		d->kind = FAULT_SERVER_ERROR;
		d->status = (unsigned)f->error_status;
		goto out;
	}
	if (f->hang_ms > 0 && (f->hang_rate >= 1.0 ||
	    rng_unit(&f->rng) < f->hang_rate))
		d->hang_ms = f->hang_ms;
	if (f->malformed > 0 && rng_unit(&f->rng) < f->malformed)
		d->malformed = 1;
	else if (f->truncated > 0 && rng_unit(&f->rng) < f->truncated)
		d->truncated = 1;
out:
	pthread_mutex_unlock(&f->mu);
}

/* Cuts a JSON body in half; Content-Length stays true to what is sent. */
void
fault_spoil(struct fault *f, const struct fault_decision *d, struct resp *r)
{
	(void)f;
	if (!d->truncated || !r->json_ok || r->body.len < 2)
		return;
	r->body.len /= 2;
	r->body.buf[r->body.len] = '\0';
	r->injected = 1;
}

void
fault_cost(struct fault *f, const struct resp *r)
{
	long ms;

	pthread_mutex_lock(&f->mu);
	ms = f->base_ms + f->per_item_ms * r->items_written;
	pthread_mutex_unlock(&f->mu);
	if (ms > 0)
		sb_sleep_ms(ms);
}

static struct counter *
counter_get(struct fault *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->nctr; i++)
		if (strcmp(f->ctr[i].key, key) == 0)
			return &f->ctr[i];
	if (f->nctr == f->capctr) {
		f->capctr = f->capctr ? f->capctr * 2 : 32;
		f->ctr = xrealloc(f->ctr, f->capctr * sizeof(*f->ctr));
	}
	memset(&f->ctr[f->nctr], 0, sizeof(f->ctr[0]));
	f->ctr[f->nctr].key = xstrdup(key);
	return &f->ctr[f->nctr++];
}

void
fault_count(struct fault *f, const char *key, const struct resp *r)
{
	struct counter *c;
	unsigned cls = r->status / 100;

	pthread_mutex_lock(&f->mu);
	c = counter_get(f, key);
	c->requests++;
	c->items_read += r->items_read;
	c->items_written += r->items_written;
	c->injected += r->injected != 0;
	if (cls >= 1 && cls <= 5)
		c->status[cls]++;
	pthread_mutex_unlock(&f->mu);
}

void
fault_counters(struct fault *f, struct jw *w)
{
	long req = 0, ir = 0, iw = 0, inj = 0;
	size_t i;

	pthread_mutex_lock(&f->mu);
	jw_obj(w);
	jw_key(w, "endpoints");
	jw_obj(w);
	for (i = 0; i < f->nctr; i++) {
		struct counter *c = &f->ctr[i];
		int s;

		jw_key(w, c->key);
		jw_obj(w);
		jw_kint(w, "requests", c->requests);
		jw_kint(w, "items", c->items_read + c->items_written);
		jw_kint(w, "items_read", c->items_read);
		jw_kint(w, "items_written", c->items_written);
		jw_kint(w, "errors_injected", c->injected);
		jw_key(w, "status");
		jw_obj(w);
		for (s = 1; s <= 5; s++) {
			char k[8];

			if (c->status[s] == 0)
				continue;
			snprintf(k, sizeof(k), "%dxx", s);
			jw_kint(w, k, c->status[s]);
		}
		jw_obj_end(w);
		jw_obj_end(w);
		req += c->requests;
		ir += c->items_read;
		iw += c->items_written;
		inj += c->injected;
	}
	jw_obj_end(w);
	jw_key(w, "total");
	jw_obj(w);
	jw_kint(w, "requests", req);
	jw_kint(w, "items", ir + iw);
	jw_kint(w, "items_read", ir);
	jw_kint(w, "items_written", iw);
	jw_kint(w, "errors_injected", inj);
	jw_obj_end(w);
	jw_obj_end(w);
	pthread_mutex_unlock(&f->mu);
}

void
fault_reset_counters(struct fault *f)
{
	size_t i;

	pthread_mutex_lock(&f->mu);
	for (i = 0; i < f->nctr; i++)
		free(f->ctr[i].key);
	f->nctr = 0;
	f->quota_used = 0;
	pthread_mutex_unlock(&f->mu);
}

int
fault_key_revoked(struct fault *f)
{
	int v;

	pthread_mutex_lock(&f->mu);
	v = f->revoke_key;
	pthread_mutex_unlock(&f->mu);
	return v;
}

int
fault_key_read_only(struct fault *f)
{
	int v;

	pthread_mutex_lock(&f->mu);
	v = f->read_only_key;
	pthread_mutex_unlock(&f->mu);
	return v;
}

long
fault_get_long(struct fault *f, const char *name)
{
	long v = 0;

	pthread_mutex_lock(&f->mu);
	if (strcmp(name, "workers") == 0)
		v = f->workers;
	else if (strcmp(name, "busy") == 0)
		v = f->busy;
	pthread_mutex_unlock(&f->mu);
	return v;
}
