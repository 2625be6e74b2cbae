/*
 * control.c - the control endpoint: JSON over HTTP on its own port, never
 * subject to faults.  Tests, the demo and benchmarks use it to read state and
 * counters, turn faults on and off, load data and make "manual" changes as a
 * shop admin, a shopper or a till user would.
 *
 *   GET  /health                      {"ok":true}
 *   GET  /state[?target=NAME]         every emulator's full state
 *   GET  /counters[?target=NAME]      per-endpoint counters
 *   POST /reset-counters              {"target":NAME} optional
 *   GET  /faults                      current knobs
 *   POST /faults                      {"target":NAME|"all", knob: value...}
 *   POST /load                        {"woocommerce":{...},"eposnow":{...}}
 *   *    /NAME/...                    the emulator's own scripting routes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox.h"

static struct emu	**cemus;
static size_t		  ncemus;

void
control_set_emus(struct emu **e, size_t n, const struct sb_options *o)
{
	(void)o;
	cemus = e;
	ncemus = n;
}

static void
ctl_error(struct resp *rs, unsigned status, const char *msg)
{
	struct jw w;

	wbuf_reset(&rs->body);
	jw_init(&w, &rs->body);
	jw_obj(&w);
	jw_kstr(&w, "error", msg);
	jw_obj_end(&w);
	rs->status = status;
}

static int
target_ok(const char *t, const struct emu *e)
{
	return t == NULL || strcmp(t, "all") == 0 ||
	    strcmp(t, e->ops->name) == 0;
}

static json_t *
body_json(struct req *rq, struct resp *rs)
{
	json_error_t je;
	json_t *j;
	char msg[256];

	if (rq->body_len == 0)
		return json_object();
	j = json_loadb(rq->body, rq->body_len, 0, &je);
	if (j == NULL || !json_is_object(j)) {
		snprintf(msg, sizeof(msg), "request body is not a JSON object: "
		    "%s", j == NULL ? je.text : "wrong type");
		json_decref(j);
		ctl_error(rs, 400, msg);
		return NULL;
	}
	return j;
}

static void
ctl_faults_get(struct resp *rs)
{
	struct jw w;
	size_t i;

	jw_init(&w, &rs->body);
	jw_obj(&w);
	for (i = 0; i < ncemus; i++) {
		jw_key(&w, cemus[i]->ops->name);
		fault_dump(cemus[i]->fault, &w);
	}
	jw_obj_end(&w);
	rs->status = 200;
}

/*
 * Splits the body between the emulator's own options and the shared fault
 * knobs, and applies both.  Returns 0, or -1 with a message in err.
 */
static int
apply_faults(struct emu *e, json_t *body, struct wbuf *err)
{
	json_t *rest = json_object(), *v;
	const char *k;
	int rc = 0, r;

	json_object_foreach(body, k, v) {
		r = 1;
		if (e->ops->set_option != NULL)
			r = e->ops->set_option(e->state, k, v, err);
		if (r < 0) {
			rc = -1;
			goto out;
		}
		if (r > 0)
			json_object_set(rest, k, v);
	}
	rc = fault_set(e->fault, rest, err);
out:
	json_decref(rest);
	return rc;
}

int
control_apply_faults(struct emu *e, json_t *body, struct wbuf *err)
{
	return apply_faults(e, body, err);
}

static void
ctl_faults_post(struct req *rq, struct resp *rs)
{
	struct wbuf err = WBUF_INIT;
	json_t *j = body_json(rq, rs), *t;
	const char *target;
	size_t i, hit = 0;

	if (j == NULL)
		return;
	t = json_object_get(j, "target");
	target = json_is_string(t) ? json_string_value(t) : NULL;
	if (target == NULL) {
		ctl_error(rs, 400, "POST /faults needs \"target\": an emulator "
		    "name or \"all\"");
		goto out;
	}
	for (i = 0; i < ncemus; i++) {
		if (!target_ok(target, cemus[i]))
			continue;
		hit++;
		if (apply_faults(cemus[i], j, &err) < 0) {
			ctl_error(rs, 400, wbuf_str(&err));
			goto out;
		}
	}
	if (hit == 0) {
		ctl_error(rs, 404, "no emulator with that target name");
		goto out;
	}
	ctl_faults_get(rs);
out:
	wbuf_release(&err);
	json_decref(j);
}

static void
ctl_state(struct req *rq, struct resp *rs, int counters)
{
	const char *target = req_param(rq, "target");
	struct jw w;
	size_t i;

	jw_init(&w, &rs->body);
	jw_obj(&w);
	for (i = 0; i < ncemus; i++) {
		if (!target_ok(target, cemus[i]))
			continue;
		jw_key(&w, cemus[i]->ops->name);
		if (counters)
			fault_counters(cemus[i]->fault, &w);
		else
			cemus[i]->ops->dump(cemus[i]->state, &w);
	}
	jw_obj_end(&w);
	rs->status = 200;
}

static void
ctl_reset(struct req *rq, struct resp *rs)
{
	json_t *j = body_json(rq, rs), *t;
	const char *target = NULL;
	size_t i;

	if (j == NULL)
		return;
	t = json_object_get(j, "target");
	if (json_is_string(t))
		target = json_string_value(t);
	for (i = 0; i < ncemus; i++)
		if (target_ok(target, cemus[i]))
			fault_reset_counters(cemus[i]->fault);
	json_decref(j);
	wbuf_adds(&rs->body, "{\"ok\":true}");
	rs->status = 200;
}

static void
ctl_load(struct req *rq, struct resp *rs)
{
	struct wbuf err = WBUF_INIT;
	json_t *j = body_json(rq, rs), *sec;
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < ncemus; i++) {
		sec = json_object_get(j, cemus[i]->ops->name);
		if (sec == NULL)
			continue;
		if (cemus[i]->ops->load(cemus[i]->state, sec, &err) < 0) {
			ctl_error(rs, 400, wbuf_str(&err));
			goto out;
		}
	}
	wbuf_adds(&rs->body, "{\"ok\":true}");
	rs->status = 200;
out:
	wbuf_release(&err);
	json_decref(j);
}

void
control_handle(struct req *rq, struct resp *rs)
{
	const char *p = rq->path, *m = rq->method;
	size_t i;

	rs->status = 200;
	if (strcmp(p, "/health") == 0) {
		wbuf_adds(&rs->body, "{\"ok\":true}");
		return;
	}
	if (strcmp(p, "/state") == 0 && strcmp(m, "GET") == 0) {
		ctl_state(rq, rs, 0);
		return;
	}
	if (strcmp(p, "/counters") == 0 && strcmp(m, "GET") == 0) {
		ctl_state(rq, rs, 1);
		return;
	}
	if (strcmp(p, "/reset-counters") == 0 && strcmp(m, "POST") == 0) {
		ctl_reset(rq, rs);
		return;
	}
	if (strcmp(p, "/faults") == 0) {
		if (strcmp(m, "GET") == 0)
			ctl_faults_get(rs);
		else if (strcmp(m, "POST") == 0)
			ctl_faults_post(rq, rs);
		else
			ctl_error(rs, 405, "use GET or POST on /faults");
		return;
	}
	if (strcmp(p, "/load") == 0 && strcmp(m, "POST") == 0) {
		ctl_load(rq, rs);
		return;
	}
	for (i = 0; i < ncemus; i++) {
		const char *name = cemus[i]->ops->name;
		size_t n = strlen(name);

		if (p[0] == '/' && strncmp(p + 1, name, n) == 0 &&
		    (p[n + 1] == '/' || p[n + 1] == '\0')) {
			if (cemus[i]->ops->control != NULL &&
			    cemus[i]->ops->control(cemus[i]->state, p + n + 1,
			    rq, rs) == 0)
				return;
			break;
		}
	}
	ctl_error(rs, 404, "no such control route; see sandbox/README.md");
}
