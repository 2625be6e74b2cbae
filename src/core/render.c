#include "core/render.h"

#include <stdlib.h>

#include "core/settings.h"
#include "queue/queue.h"
#include "util/log.h"
#include "util/timeutil.h"

json_t *
render_time(int64_t ms)
{
	char buf[TIME_ISO_LEN];

	if (!ms)
		return json_null();
	time_format_iso(ms, buf, sizeof(buf));
	return json_string(buf);
}

json_t *
render_account(const struct account *a)
{
	return json_pack("{s:I, s:s, s:o}", "id", (json_int_t)a->id, "name", a->name, "created_at",
			 render_time(a->created_at));
}

json_t *
render_item(const struct queue_item *it)
{
	const struct queue_def *q = queue_def_find(it->queue);
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i}",
		"id", (json_int_t)it->id, "account", it->account, "queue", it->queue,
		"queue_title", q ? q->title : it->queue, "subject_type", it->subject_type,
		"subject_id", it->subject_id, "direction", it->direction, "reason", it->reason,
		"status", item_status_name(it->status), "priority", it->priority, "attempts", it->attempts,
		"max_attempts", it->max_attempts, "coalesced", it->coalesced);

	json_object_set_new(o, "comment", json_string(it->comment ? it->comment : ""));
	json_object_set_new(o, "next_try_at", it->status == ITEM_PENDING || it->status == ITEM_RETRY ?
				   render_time(it->next_try_at) : json_null());
	json_object_set_new(o, "created_at", render_time(it->created_at));
	json_object_set_new(o, "updated_at", render_time(it->updated_at));
	return o;
}

json_t *
render_attempt(const struct queue_attempt *a)
{
	json_t *o = json_pack("{s:i, s:s, s:s, s:o, s:o, s:s}", "attempt", a->attempt, "outcome", a->outcome,
			      "worker", a->worker, "started_at", render_time(a->started_at), "finished_at",
			      render_time(a->finished_at), "comment", a->comment ? a->comment : "");

	json_object_set_new(o, "detail", a->detail ? json_string(a->detail) : json_null());
	return o;
}

json_t *
render_job(const struct job *j)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:o, s:o, s:s}", "id", (json_int_t)j->id,
			 "account", j->account, "kind", j->kind, "state", job_state_name(j->state), "trigger",
			 j->trigger, "phase", j->phase, "done", (json_int_t)j->done, "total", (json_int_t)j->total,
			 "started_at", render_time(j->started_at), "heartbeat_at", render_time(j->heartbeat_at),
			 "finished_at", render_time(j->finished_at), "message", j->message ? j->message : "");
}

json_t *
render_log(const struct log_entry *e)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id, "at", render_time(e->at),
			 "account", e->account, "service", e->service, "type", log_type_name((enum log_type)e->type),
			 "message", e->message ? e->message : "");
}

json_t *
render_inbound(const struct inbound_event *e)
{
	json_t *o = json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id, "at", render_time(e->at),
			      "account", e->account, "source", e->source, "entity", e->entity, "remote_id",
			      e->remote_id, "summary", e->summary);

	json_object_set_new(o, "item_id", e->item_id ? json_integer(e->item_id) : json_null());
	return o;
}

json_t *
render_link(const struct link *l, const char *account)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)l->id, "account", account ? account : "",
			 "entity", l->entity, "pos_id", l->pos_id, "shop_id", l->shop_id, "updated_at",
			 render_time(l->updated_at));
}

json_t *
render_connection(const struct connection *c, const char *account)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:o}", "id", (json_int_t)c->id, "account",
			 account ? account : "", "role", c->role, "kind", c->kind, "base_url", c->base_url,
			 "credentials_set", c->credentials && c->credentials[0] && c->credentials[1] != '}',
			 "updated_at", render_time(c->updated_at));
}

json_t *
render_settings(struct store *st, int64_t account_id, struct sbuf *err)
{
	json_t *o = json_object();

	for (size_t i = 0; i < setting_def_count; i++) {
		char *v = NULL;

		if (settings_get_string(st, account_id, setting_defs[i].key, &v, err) < 0) {
			json_decref(o);
			return NULL;
		}
		if (setting_defs[i].secret)
			json_object_set_new(o, setting_defs[i].key, json_string(*v ? "(set)" : "(not set)"));
		else
			json_object_set_new(o, setting_defs[i].key, json_string(v));
		free(v);
	}
	return o;
}

json_t *
render_queue_counts(const struct queue_count *qc, size_t n)
{
	json_t *queues = json_object();

	for (size_t i = 0; i < queue_def_count; i++) {
		json_t *q = json_object();

		for (int s = 0; s < ITEM_STATUS_COUNT; s++)
			json_object_set_new(q, item_status_name((enum item_status)s), json_integer(0));
		json_object_set_new(queues, queue_defs[i].name, q);
	}
	for (size_t i = 0; i < n; i++) {
		json_t *q = json_object_get(queues, qc[i].queue);

		if (q)
			json_object_set_new(q, item_status_name(qc[i].status), json_integer(qc[i].count));
	}
	return queues;
}

json_t *
render_feed_health(const char *feed, const char *state, const struct feed_health *row)
{
	json_t *o = json_pack("{s:s, s:s}", "feed", feed, "state", state);

	json_object_set_new(o, "last_run_at", render_time(row ? row->last_run_at : 0));
	json_object_set_new(o, "last_success_at", render_time(row ? row->last_success_at : 0));
	json_object_set_new(o, "synced_count", json_integer(row ? row->synced_count : 0));
	json_object_set_new(o, "errors_last_run", json_integer(row ? row->errors_last_run : 0));
	json_object_set_new(o, "last_error", json_string(row ? row->last_error : ""));
	json_object_set_new(o, "corrections", json_integer(row ? row->corrections : 0));
	return o;
}
