/*
 * store_sqlite.c: the embedded SQLite backend.
 *
 * DESIGN
 *   - WAL journal, synchronous=FULL: a commit that returned is on disk, so
 *     "durably queued before the webhook is answered" holds across power
 *     loss, not only process crashes. Throughput comes from batching many
 *     rows into one commit (enqueue many, claim many, finish many), not from
 *     weaker durability.
 *   - foreign_keys on; busy timeout 10 s so several processes share a file.
 *   - Writes run in BEGIN IMMEDIATE transactions: the write lock is taken up
 *     front, so a transaction never fails half-way with SQLITE_BUSY.
 *   - Every statement is prepared once per connection and cached (stmt()).
 *   - Schema changes are numbered migrations applied at open; a file with a
 *     newer schema than this binary knows is refused, never touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store_be.h"

/* ---- schema ----------------------------------------------------------- */

static const char *const migrations[STORE_SCHEMA_LATEST + 1] = {
	[1] =
	"CREATE TABLE accounts("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL,"
	"  claim_turn INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX accounts_turn ON accounts(claim_turn, id);"

	"CREATE TABLE settings("
	"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY(account_id, key));"

	"CREATE TABLE connections("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	"  role TEXT NOT NULL CHECK(role IN ('pos','shop')),"
	"  kind TEXT NOT NULL,"
	"  base_url TEXT NOT NULL,"
	"  credentials TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  UNIQUE(account_id, role));"

	"CREATE TABLE links("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	"  entity TEXT NOT NULL,"
	"  pos_id TEXT NOT NULL,"
	"  shop_id TEXT NOT NULL,"
	"  fingerprint TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  UNIQUE(account_id, entity, pos_id),"
	"  UNIQUE(account_id, entity, shop_id));"

	"CREATE TABLE queue_items("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	"  queue TEXT NOT NULL,"
	"  subject_type TEXT NOT NULL,"
	"  subject_id TEXT NOT NULL,"
	"  direction TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  priority INTEGER NOT NULL,"
	"  status TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  max_attempts INTEGER NOT NULL,"
	"  coalesced INTEGER NOT NULL DEFAULT 0,"
	"  next_try_at INTEGER NOT NULL,"
	"  lease_owner TEXT,"
	"  lease_until INTEGER,"
	"  comment TEXT NOT NULL DEFAULT '',"
	"  payload TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	/* one pending item per subject: enqueue coalesces into it */
	"CREATE UNIQUE INDEX queue_items_pending_subject ON queue_items"
	"  (account_id, queue, subject_type, subject_id, direction) WHERE status = 'pending';"
	"CREATE INDEX queue_items_due ON queue_items(priority, next_try_at)"
	"  WHERE status IN ('pending','retry');"
	"CREATE INDEX queue_items_due_account ON queue_items(account_id, priority, next_try_at, id)"
	"  WHERE status IN ('pending','retry');"
	"CREATE INDEX queue_items_lease ON queue_items(lease_until) WHERE status = 'running';"
	"CREATE INDEX queue_items_by_queue ON queue_items(account_id, queue, status);"

	"CREATE TABLE queue_attempts("
	"  item_id INTEGER NOT NULL REFERENCES queue_items(id) ON DELETE CASCADE,"
	"  attempt INTEGER NOT NULL,"
	"  worker TEXT NOT NULL DEFAULT '',"
	"  outcome TEXT NOT NULL,"
	"  started_at INTEGER NOT NULL DEFAULT 0,"
	"  finished_at INTEGER NOT NULL,"
	"  comment TEXT NOT NULL,"
	"  detail TEXT,"
	"  PRIMARY KEY(item_id, attempt));"

	"CREATE TABLE jobs("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  trigger TEXT NOT NULL,"
	"  phase TEXT NOT NULL DEFAULT '',"
	"  done INTEGER NOT NULL DEFAULT 0,"
	"  total INTEGER NOT NULL DEFAULT 0,"
	"  message TEXT NOT NULL DEFAULT '',"
	"  started_at INTEGER NOT NULL,"
	"  heartbeat_at INTEGER NOT NULL,"
	"  finished_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE UNIQUE INDEX jobs_one_running ON jobs(account_id, kind) WHERE state = 'running';"

	"CREATE TABLE cursors("
	"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	"  feed TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY(account_id, feed));"

	"CREATE TABLE health("
	"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	"  feed TEXT NOT NULL,"
	"  last_run_at INTEGER NOT NULL DEFAULT 0,"
	"  last_success_at INTEGER NOT NULL DEFAULT 0,"
	"  synced_count INTEGER NOT NULL DEFAULT 0,"
	"  errors_last_run INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT NOT NULL DEFAULT '',"
	"  corrections INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY(account_id, feed));"

	"CREATE TABLE alerts("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	"  code TEXT NOT NULL,"
	"  message TEXT NOT NULL,"
	"  opened_at INTEGER NOT NULL,"
	"  last_seen_at INTEGER NOT NULL,"
	"  last_emailed_at INTEGER NOT NULL DEFAULT 0,"
	"  resolved_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE UNIQUE INDEX alerts_open ON alerts(account_id, code) WHERE resolved_at = 0;"

	"CREATE TABLE logs("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,"
	"  service TEXT NOT NULL,"
	"  type INTEGER NOT NULL,"
	"  message TEXT NOT NULL);"
	"CREATE INDEX logs_by_account ON logs(account_id, type, id);",

	[2] =
	/* evidence of arrival: every change event seen, by cycle or webhook */
	"CREATE TABLE inbound_events("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	"  source TEXT NOT NULL,"
	"  entity TEXT NOT NULL,"
	"  remote_id TEXT NOT NULL,"
	"  summary TEXT NOT NULL,"
	"  item_id INTEGER);"
	"CREATE INDEX inbound_by_account ON inbound_events(account_id, id);"
	"CREATE INDEX inbound_by_subject ON inbound_events(account_id, entity, remote_id);"
	/* what a full scan saw last time, so the next scan finds what changed */
	"CREATE TABLE remote_fingerprints("
	"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	"  side TEXT NOT NULL,"
	"  entity TEXT NOT NULL,"
	"  remote_id TEXT NOT NULL,"
	"  fingerprint TEXT NOT NULL,"
	"  seen_at INTEGER NOT NULL,"
	"  PRIMARY KEY(account_id, side, entity, remote_id));"
	/* a remote write about to happen: recorded first, so a retry looks before writing */
	"CREATE TABLE intents("
	"  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	"  entity TEXT NOT NULL,"
	"  subject_id TEXT NOT NULL,"
	"  reference TEXT NOT NULL,"
	"  item_id INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY(account_id, entity, subject_id));",

	[3] =
	/* status in this index's key made every claim and finish rewrite an entry
	 * (bench/QUEUE-BENCH.md): listings filter status on the account's rows */
	"DROP INDEX queue_items_by_queue;"
	"CREATE INDEX queue_items_by_queue ON queue_items(account_id, queue);",

	[4] =
	"CREATE TABLE users("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  password_hash TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK(role IN ('merchant','support')),"
	"  account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,"
	"  created_at INTEGER NOT NULL,"
	"  CHECK((role = 'merchant') = (account_id IS NOT NULL)));"
	"CREATE TABLE sessions("
	"  token_hash TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL);"
	"CREATE TABLE api_tokens("
	"  id INTEGER PRIMARY KEY,"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  revoked_at INTEGER NOT NULL DEFAULT 0);",

	[5] =
	/* the dashboard's hourly chart reads the attempts of the last day */
	"CREATE INDEX queue_attempts_finished ON queue_attempts(finished_at);"
	/* the stock reconciliation asks whether a push for a product is on its way */
	"CREATE INDEX queue_items_subject ON queue_items(account_id, subject_type, subject_id);",
};

/* ---- statements --------------------------------------------------------- */

#define ITEM_COLS                                                              \
	"q.id, q.account_id, q.queue, q.subject_type, q.subject_id, q.direction, " \
	"q.reason, q.status, q.priority, q.attempts, q.max_attempts, q.coalesced, " \
	"q.next_try_at, q.lease_until, q.lease_owner, q.created_at, q.updated_at, " \
	"q.comment, q.payload"

/* RETURNING cannot name a table alias in SQLite 3.40: the same columns, bare */
#define ITEM_COLS_BARE                                                         \
	"id, account_id, queue, subject_type, subject_id, direction, "          \
	"reason, status, priority, attempts, max_attempts, coalesced, "         \
	"next_try_at, lease_until, lease_owner, created_at, updated_at, "       \
	"comment, payload"

#define JOB_COLS                                                               \
	"j.id, j.account_id, a.name, j.kind, j.state, j.trigger, j.phase, j.done, " \
	"j.total, j.started_at, j.heartbeat_at, j.finished_at, j.message"

enum stmt_id {
	S_ACCOUNT_ADD,
	S_ACCOUNT_FIND,
	S_ACCOUNT_GET,
	S_ACCOUNT_LIST,
	S_ACCOUNT_TURN,
	S_SETTING_SET,
	S_SETTING_GET,
	S_SETTING_LIST,
	S_CONN_SET,
	S_CONN_GET,
	S_CONN_LIST,
	S_Q_ENQUEUE,
	S_Q_REAP_SELECT,
	S_Q_ABANDON_ATTEMPT,
	S_Q_GIVE_UP,
	S_Q_REOPEN,
	S_Q_FIND_PENDING,
	S_Q_SUPERSEDE,
	S_Q_NEXT_PRIORITY,
	S_Q_DUE_AT_PRIORITY,
	S_Q_PICK_ACCOUNT,
	S_Q_CLAIM,
	S_Q_FINISH,
	S_Q_ATTEMPT_ADD,
	S_Q_RELEASE,
	S_Q_EXTEND,
	S_Q_GET,
	S_Q_LIST,
	S_Q_COUNTS,
	S_Q_DUE_COUNT,
	S_Q_OPEN_COUNT,
	S_Q_SUBJECT_TRIED,
	S_Q_ATTEMPTS,
	S_Q_CANCEL,
	S_Q_FAILED_SELECT,
	S_JOB_RUNNING,
	S_JOB_REPLACE,
	S_JOB_INSERT,
	S_JOB_PROGRESS,
	S_JOB_FINISH,
	S_JOB_GET,
	S_JOB_LIST,
	S_CURSOR_GET,
	S_CURSOR_SET,
	S_LINK_SET,
	S_LINK_BY_POS,
	S_LINK_BY_SHOP,
	S_LINK_DELETE,
	S_LINK_LIST,
	S_LOG_ADD,
	S_LOG_LIST,
	S_LINK_FINGERPRINT,
	S_INBOUND_ADD,
	S_INBOUND_LIST,
	S_FP_GET,
	S_FP_SET,
	S_FP_LIVE_IDS,
	S_INTENT_GET,
	S_INTENT_PUT,
	S_INTENT_DELETE,
	S_USER_ADD,
	S_USER_FIND,
	S_USER_LIST,
	S_USER_REMOVE,
	S_SESSION_ADD,
	S_SESSION_GET,
	S_SESSION_DELETE,
	S_SESSION_PURGE,
	S_TOKEN_ADD,
	S_TOKEN_USER,
	S_TOKEN_REVOKE,
	S_TOKEN_LIST,
	S_HEALTH_RECORD,
	S_HEALTH_LIST,
	S_Q_HOURLY,
	S_Q_ACTIVITY,
	S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
	[S_ACCOUNT_ADD] = "INSERT INTO accounts(name, created_at, claim_turn) "
			  "VALUES(?1, ?2, (SELECT coalesce(max(claim_turn), 0) FROM accounts))",
	[S_ACCOUNT_FIND] = "SELECT id, name, created_at FROM accounts WHERE name = ?1",
	[S_ACCOUNT_GET] = "SELECT id, name, created_at FROM accounts WHERE id = ?1",
	[S_ACCOUNT_LIST] = "SELECT id, name, created_at FROM accounts ORDER BY name",
	[S_ACCOUNT_TURN] = "UPDATE accounts SET claim_turn = "
			   "(SELECT max(claim_turn) + 1 FROM accounts) WHERE id = ?1",
	[S_SETTING_SET] = "INSERT INTO settings(account_id, key, value, updated_at) VALUES(?1, ?2, ?3, ?4) "
			  "ON CONFLICT(account_id, key) DO UPDATE SET value = excluded.value, "
			  "updated_at = excluded.updated_at",
	[S_SETTING_GET] = "SELECT value FROM settings WHERE account_id = ?1 AND key = ?2",
	[S_SETTING_LIST] = "SELECT key, value, updated_at FROM settings WHERE account_id = ?1 ORDER BY key",
	[S_CONN_SET] = "INSERT INTO connections(account_id, role, kind, base_url, credentials, created_at, updated_at) "
		       "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6) "
		       "ON CONFLICT(account_id, role) DO UPDATE SET kind = excluded.kind, "
		       "base_url = excluded.base_url, credentials = excluded.credentials, "
		       "updated_at = excluded.updated_at",
	[S_CONN_GET] = "SELECT id, account_id, role, kind, base_url, credentials, created_at, updated_at "
		       "FROM connections WHERE account_id = ?1 AND role = ?2",
	[S_CONN_LIST] = "SELECT id, account_id, role, kind, base_url, credentials, created_at, updated_at "
			"FROM connections WHERE (?1 = 0 OR account_id = ?1) ORDER BY account_id, role",
	[S_Q_ENQUEUE] =
		"INSERT INTO queue_items(account_id, queue, subject_type, subject_id, direction, reason, "
		"  priority, status, max_attempts, next_try_at, comment, payload, created_at, updated_at) "
		"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?9, ?10, ?11, ?12, ?12) "
		"ON CONFLICT(account_id, queue, subject_type, subject_id, direction) WHERE status = 'pending' "
		"DO UPDATE SET payload = coalesce(excluded.payload, payload), reason = excluded.reason, "
		"  priority = min(priority, excluded.priority), "
		"  next_try_at = min(next_try_at, excluded.next_try_at), "
		"  coalesced = coalesced + 1, updated_at = excluded.updated_at "
		"RETURNING id, coalesced",
	[S_Q_REAP_SELECT] = "SELECT id, attempts, max_attempts, coalesce(lease_owner, '') FROM queue_items "
			    "WHERE status = 'running' AND lease_until <= ?1",
	[S_Q_ABANDON_ATTEMPT] =
		"INSERT OR REPLACE INTO queue_attempts(item_id, attempt, worker, outcome, started_at, finished_at, comment) "
		"VALUES(?1, ?2, ?3, 'abandoned', 0, ?4, ?5)",
	[S_Q_GIVE_UP] = "UPDATE queue_items SET status = 'failed', comment = ?2, lease_owner = NULL, "
			"lease_until = NULL, updated_at = ?3 WHERE id = ?1",
	[S_Q_REOPEN] = "UPDATE queue_items SET status = 'pending', next_try_at = ?2, updated_at = ?2, "
		       "lease_owner = NULL, lease_until = NULL, attempts = attempts - ?3, "
		       "max_attempts = max(max_attempts, attempts - ?3 + ?4), "
		       "reason = coalesce(?5, reason) WHERE id = ?1",
	[S_Q_FIND_PENDING] = "SELECT p.id FROM queue_items p JOIN queue_items q ON q.id = ?1 "
			     "WHERE p.status = 'pending' AND p.account_id = q.account_id AND p.queue = q.queue "
			     "AND p.subject_type = q.subject_type AND p.subject_id = q.subject_id "
			     "AND p.direction = q.direction AND p.id != q.id",
	[S_Q_SUPERSEDE] = "UPDATE queue_items SET status = 'cancelled', comment = ?2, lease_owner = NULL, "
			  "lease_until = NULL, updated_at = ?3 WHERE id = ?1",
	[S_Q_NEXT_PRIORITY] = "SELECT priority FROM queue_items WHERE status IN ('pending','retry') "
			      "AND priority > ?1 ORDER BY priority LIMIT 1",
	[S_Q_DUE_AT_PRIORITY] = "SELECT 1 FROM queue_items WHERE status IN ('pending','retry') "
				"AND priority = ?1 AND next_try_at <= ?2 LIMIT 1",
	[S_Q_PICK_ACCOUNT] = "SELECT a.id FROM accounts a WHERE EXISTS (SELECT 1 FROM queue_items i "
			     "WHERE i.status IN ('pending','retry') AND i.account_id = a.id "
			     "AND i.priority = ?1 AND i.next_try_at <= ?2) ORDER BY a.claim_turn, a.id LIMIT 1",
	[S_Q_CLAIM] = "UPDATE queue_items SET status = 'running', lease_owner = ?1, lease_until = ?2, "
		      "attempts = attempts + 1, updated_at = ?3 WHERE id IN (SELECT id FROM queue_items "
		      "WHERE status IN ('pending','retry') AND account_id = ?4 AND priority = ?5 "
		      "AND next_try_at <= ?3 ORDER BY next_try_at, id LIMIT ?6) RETURNING " ITEM_COLS_BARE,
	[S_Q_FINISH] = "UPDATE queue_items SET status = ?2, comment = ?3, next_try_at = ?4, "
		       "lease_owner = NULL, lease_until = NULL, updated_at = ?5 "
		       "WHERE id = ?1 AND status = 'running' AND lease_owner = ?6 AND attempts = ?7",
	[S_Q_ATTEMPT_ADD] = "INSERT OR REPLACE INTO queue_attempts(item_id, attempt, worker, outcome, started_at, "
			    "finished_at, comment, detail) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_Q_RELEASE] = "SELECT id FROM queue_items WHERE id = ?1 AND status = 'running' AND lease_owner = ?2",
	[S_Q_EXTEND] = "UPDATE queue_items SET lease_until = ?3 WHERE id = ?1 AND status = 'running' "
		       "AND lease_owner = ?2",
	[S_Q_GET] = "SELECT " ITEM_COLS ", a.name FROM queue_items q JOIN accounts a ON a.id = q.account_id "
		    "WHERE q.id = ?1",
	[S_Q_LIST] = "SELECT " ITEM_COLS ", a.name FROM queue_items q JOIN accounts a ON a.id = q.account_id "
		     "WHERE (?1 = 0 OR q.account_id = ?1) AND (?2 IS NULL OR q.queue = ?2) "
		     "AND (?3 IS NULL OR q.status = ?3) "
		     "AND (?4 IS NULL OR instr(q.comment, ?4) > 0 OR instr(q.subject_id, ?4) > 0) "
		     "AND (?5 = 0 OR q.id < ?5) ORDER BY q.id DESC LIMIT ?6",
	[S_Q_OPEN_COUNT] = "SELECT count(*) FROM queue_items WHERE account_id = ?1 AND queue = ?2 "
			   "AND subject_type = ?3 AND subject_id = ?4 AND status IN ('pending', 'running', 'retry')",
	/* over queue_items_subject and the attempts' primary key */
	[S_Q_SUBJECT_TRIED] = "SELECT count(*) FROM (SELECT 1 FROM queue_items q JOIN queue_attempts a ON a.item_id = q.id "
			      "WHERE q.account_id = ?1 AND q.subject_type = ?2 AND q.subject_id = ?3 LIMIT 1)",
	/* two counts, each over a partial index (pending/retry, running), so the
	 * cost follows the open items, not every item ever finished
	 * (bench/CATALOG-BENCH.md: run --until-idle asks this every 50 ms) */
	[S_Q_DUE_COUNT] = "SELECT (SELECT count(*) FROM queue_items WHERE status IN ('pending', 'retry') "
			  "  AND (status = 'pending' OR next_try_at <= ?1)) "
			  "+ (SELECT count(*) FROM queue_items WHERE status = 'running')",
	[S_Q_COUNTS] = "SELECT queue, status, count(*) FROM queue_items WHERE (?1 = 0 OR account_id = ?1) "
		       "GROUP BY queue, status ORDER BY queue, status",
	[S_Q_ATTEMPTS] = "SELECT item_id, attempt, worker, outcome, started_at, finished_at, comment, detail "
			 "FROM queue_attempts WHERE item_id = ?1 ORDER BY attempt",
	[S_Q_CANCEL] = "UPDATE queue_items SET status = 'cancelled', comment = ?3, updated_at = ?2 "
		       "WHERE id = ?1 AND status IN ('pending','retry','failed')",
	[S_Q_FAILED_SELECT] = "SELECT id FROM queue_items WHERE (?1 = 0 OR account_id = ?1) AND queue = ?2 "
			      "AND status IN ('retry','failed') AND (?3 IS NULL OR comment = ?3) ORDER BY id",
	[S_JOB_RUNNING] = "SELECT id, heartbeat_at FROM jobs WHERE account_id = ?1 AND kind = ?2 "
			  "AND state = 'running'",
	[S_JOB_REPLACE] = "UPDATE jobs SET state = 'replaced', finished_at = ?2, message = ?3 "
			  "WHERE id = ?1 AND state = 'running'",
	[S_JOB_INSERT] = "INSERT INTO jobs(account_id, kind, state, trigger, started_at, heartbeat_at) "
			 "VALUES(?1, ?2, 'running', ?3, ?4, ?4)",
	[S_JOB_PROGRESS] = "UPDATE jobs SET phase = ?2, done = ?3, total = ?4, heartbeat_at = ?5 "
			   "WHERE id = ?1 AND state = 'running'",
	[S_JOB_FINISH] = "UPDATE jobs SET state = ?2, message = ?3, finished_at = ?4, heartbeat_at = ?4 "
			 "WHERE id = ?1 AND state = 'running'",
	[S_JOB_GET] = "SELECT " JOB_COLS " FROM jobs j JOIN accounts a ON a.id = j.account_id WHERE j.id = ?1",
	[S_JOB_LIST] = "SELECT " JOB_COLS " FROM jobs j JOIN accounts a ON a.id = j.account_id "
		       "WHERE (?1 = 0 OR j.account_id = ?1) ORDER BY j.id DESC LIMIT ?2",
	[S_CURSOR_GET] = "SELECT value FROM cursors WHERE account_id = ?1 AND feed = ?2",
	[S_CURSOR_SET] = "INSERT INTO cursors(account_id, feed, value, updated_at) VALUES(?1, ?2, ?3, ?4) "
			 "ON CONFLICT(account_id, feed) DO UPDATE SET value = excluded.value, "
			 "updated_at = excluded.updated_at",
	[S_LINK_SET] = "INSERT INTO links(account_id, entity, pos_id, shop_id, created_at, updated_at) "
		       "VALUES(?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT(account_id, entity, pos_id) "
		       "DO UPDATE SET shop_id = excluded.shop_id, fingerprint = '', updated_at = excluded.updated_at",
	[S_LINK_BY_POS] = "SELECT id, account_id, entity, pos_id, shop_id, fingerprint, created_at, updated_at "
			  "FROM links WHERE account_id = ?1 AND entity = ?2 AND pos_id = ?3",
	[S_LINK_BY_SHOP] = "SELECT id, account_id, entity, pos_id, shop_id, fingerprint, created_at, updated_at "
			   "FROM links WHERE account_id = ?1 AND entity = ?2 AND shop_id = ?3",
	[S_LINK_DELETE] = "DELETE FROM links WHERE account_id = ?1 AND entity = ?2 AND pos_id = ?3",
	[S_LINK_LIST] = "SELECT id, account_id, entity, pos_id, shop_id, fingerprint, created_at, updated_at "
			"FROM links WHERE (?1 = 0 OR account_id = ?1) AND (?2 IS NULL OR entity = ?2) "
			"ORDER BY account_id, entity, pos_id",
	[S_LOG_ADD] = "INSERT INTO logs(at, account_id, service, type, message) VALUES(?1, nullif(?2, 0), ?3, ?4, ?5)",
	[S_LOG_LIST] = "SELECT l.id, l.at, coalesce(l.account_id, 0), coalesce(a.name, ''), l.service, l.type, "
		       "l.message FROM logs l LEFT JOIN accounts a ON a.id = l.account_id "
		       "WHERE (?1 = 0 OR l.account_id = ?1) AND (?2 < 0 OR l.type = ?2) "
		       "AND (?3 IS NULL OR l.service = ?3) ORDER BY l.id DESC LIMIT ?4",
	[S_LINK_FINGERPRINT] = "UPDATE links SET fingerprint = ?4, updated_at = ?5 "
			       "WHERE account_id = ?1 AND entity = ?2 AND pos_id = ?3",
	[S_INBOUND_ADD] = "INSERT INTO inbound_events(at, account_id, source, entity, remote_id, summary, item_id) "
			  "VALUES(?1, ?2, ?3, ?4, ?5, ?6, nullif(?7, 0))",
	[S_INBOUND_LIST] = "SELECT e.id, e.at, e.account_id, a.name, e.source, e.entity, e.remote_id, e.summary, "
			   "coalesce(e.item_id, 0) FROM inbound_events e JOIN accounts a ON a.id = e.account_id "
			   "WHERE (?1 = 0 OR e.account_id = ?1) AND (?2 IS NULL OR e.entity = ?2) "
			   "AND (?3 IS NULL OR e.remote_id = ?3) ORDER BY e.id DESC LIMIT ?4",
	[S_FP_GET] = "SELECT fingerprint FROM remote_fingerprints WHERE account_id = ?1 AND side = ?2 "
		     "AND entity = ?3 AND remote_id = ?4",
	[S_FP_LIVE_IDS] = "SELECT remote_id FROM remote_fingerprints WHERE account_id = ?1 AND side = ?2 "
			  "AND entity = ?3 AND fingerprint <> 'deleted' ORDER BY remote_id",
	[S_FP_SET] = "INSERT INTO remote_fingerprints(account_id, side, entity, remote_id, fingerprint, seen_at) "
		     "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(account_id, side, entity, remote_id) "
		     "DO UPDATE SET fingerprint = excluded.fingerprint, seen_at = excluded.seen_at",
	[S_INTENT_GET] = "SELECT reference, item_id, created_at FROM intents WHERE account_id = ?1 AND entity = ?2 "
			 "AND subject_id = ?3",
	[S_INTENT_PUT] = "INSERT OR REPLACE INTO intents(account_id, entity, subject_id, reference, item_id, created_at) "
			 "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	[S_INTENT_DELETE] = "DELETE FROM intents WHERE account_id = ?1 AND entity = ?2 AND subject_id = ?3",
#define USER_COLS "u.id, u.name, u.role, coalesce(u.account_id, 0), coalesce(a.name, ''), u.created_at"
	[S_USER_ADD] = "INSERT INTO users(name, password_hash, role, account_id, created_at) "
		       "VALUES(?1, ?2, ?3, nullif(?4, 0), ?5)",
	[S_USER_FIND] = "SELECT " USER_COLS ", u.password_hash FROM users u LEFT JOIN accounts a ON a.id = u.account_id "
			"WHERE u.name = ?1",
	[S_USER_LIST] = "SELECT " USER_COLS " FROM users u LEFT JOIN accounts a ON a.id = u.account_id ORDER BY u.name",
	[S_USER_REMOVE] = "DELETE FROM users WHERE name = ?1",
	[S_SESSION_ADD] = "INSERT INTO sessions(token_hash, user_id, csrf, created_at, expires_at) VALUES(?1, ?2, ?3, ?4, ?5)",
	[S_SESSION_GET] = "SELECT " USER_COLS ", s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
			  "LEFT JOIN accounts a ON a.id = u.account_id WHERE s.token_hash = ?1 AND s.expires_at > ?2",
	[S_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?1",
	[S_SESSION_PURGE] = "DELETE FROM sessions WHERE expires_at <= ?1",
	[S_TOKEN_ADD] = "INSERT INTO api_tokens(token_hash, user_id, name, created_at) VALUES(?1, ?2, ?3, ?4)",
	[S_TOKEN_USER] = "SELECT " USER_COLS " FROM api_tokens t JOIN users u ON u.id = t.user_id "
			 "LEFT JOIN accounts a ON a.id = u.account_id WHERE t.token_hash = ?1 AND t.revoked_at = 0",
	[S_TOKEN_REVOKE] = "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at = 0",
	[S_TOKEN_LIST] = "SELECT t.id, t.user_id, u.name, t.name, t.created_at, t.revoked_at FROM api_tokens t "
			 "JOIN users u ON u.id = t.user_id ORDER BY t.id",
#undef USER_COLS
	/* ?4: the run succeeded; a failed run keeps the last success and its count */
	[S_HEALTH_RECORD] = "INSERT INTO health(account_id, feed, last_run_at, last_success_at, synced_count, "
			    "errors_last_run, last_error, corrections) VALUES(?1, ?2, ?3, iif(?4, ?3, 0), "
			    "iif(?4, ?5, 0), iif(?4, 0, 1), ?6, ?7) ON CONFLICT(account_id, feed) DO UPDATE SET "
			    "last_run_at = excluded.last_run_at, "
			    "last_success_at = iif(?4, excluded.last_run_at, last_success_at), "
			    "synced_count = iif(?4, excluded.synced_count, synced_count), "
			    "errors_last_run = excluded.errors_last_run, last_error = excluded.last_error, "
			    "corrections = corrections + excluded.corrections",
	[S_HEALTH_LIST] = "SELECT account_id, feed, last_run_at, last_success_at, synced_count, errors_last_run, "
			  "last_error, corrections FROM health WHERE (?1 = 0 OR account_id = ?1) "
			  "ORDER BY account_id, feed",
	/* driven by the account's items (queue_items_by_queue), then each item's attempts */
	[S_Q_HOURLY] = "SELECT (a.finished_at / 3600000) * 3600000 AS hour, a.outcome, count(*) "
		       "FROM queue_items q JOIN queue_attempts a ON a.item_id = q.id "
		       "WHERE (?1 = 0 OR q.account_id = ?1) AND (?2 IS NULL OR q.queue = ?2) "
		       "AND a.finished_at >= ?3 GROUP BY hour, a.outcome ORDER BY hour, a.outcome",
	[S_Q_ACTIVITY] = "SELECT queue, direction, coalesce(max(iif(status = 'succeeded', updated_at, NULL)), 0), "
			 "max(updated_at), count(*) FROM queue_items WHERE account_id = ?1 "
			 "GROUP BY queue, direction ORDER BY queue, direction",
};

struct sqlite_state {
	sqlite3 *db;
	int64_t busy_waited_us;     /* on_busy's running total for the current wait */
	int in_caller_tx;           /* store_tx_begin() is open */
	sqlite3_stmt *stmts[S_COUNT];
};

static struct sqlite_state *
state_of(struct store *st)
{
	return store_be_state(st);
}

static int
db_error(struct sqlite_state *s, struct sbuf *err, const char *what)
{
	int code = sqlite3_errcode(s->db);

	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return error_set(err, "%s: the store is locked by another process for too long; try again", what);
	if (code == SQLITE_FULL)
		return error_set(err, "%s: the disk holding the store is full", what);
	if (code == SQLITE_READONLY)
		return error_set(err, "%s: the store is read-only (check the file's permissions)", what);
	return error_set(err, "%s: %s", what, sqlite3_errmsg(s->db));
}

static sqlite3_stmt *
stmt(struct sqlite_state *s, enum stmt_id id, struct sbuf *err)
{
	sqlite3_stmt *p = s->stmts[id];

	if (!p) {
		if (sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
				       &s->stmts[id], NULL) != SQLITE_OK) {
			db_error(s, err, "preparing a store statement");
			return NULL;
		}
		return s->stmts[id];
	}
	sqlite3_reset(p);
	sqlite3_clear_bindings(p);
	return p;
}

static int
exec_sql(struct sqlite_state *s, const char *sql, struct sbuf *err, const char *what)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(s, err, what);
	return 0;
}

/* A write opens its own transaction unless the caller has one open. */
static int
tx_enter(struct sqlite_state *s, struct sbuf *err)
{
	if (s->in_caller_tx)
		return 0;
	return exec_sql(s, "BEGIN IMMEDIATE", err, "starting a store transaction");
}

static int
tx_leave(struct sqlite_state *s, int rc, struct sbuf *err)
{
	if (s->in_caller_tx)
		return rc;
	if (rc < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	if (exec_sql(s, "COMMIT", err, "committing to the store") < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return rc;
}

static void
bind_text_or_null(sqlite3_stmt *p, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(p, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(p, i);
}

static void
col_copy(sqlite3_stmt *p, int i, char *out, size_t outlen)
{
	const unsigned char *t = sqlite3_column_text(p, i);
	size_t n;

	if (!t) {
		out[0] = '\0';
		return;
	}
	n = strlen((const char *)t);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, t, n);
	out[n] = '\0';
}

static char *
col_dup(sqlite3_stmt *p, int i)
{
	const unsigned char *t = sqlite3_column_text(p, i);

	return strdup(t ? (const char *)t : "");
}

static char *
col_dup_or_null(sqlite3_stmt *p, int i)
{
	const unsigned char *t = sqlite3_column_text(p, i);

	return t ? strdup((const char *)t) : NULL;
}

/* Grow *arr (of elem bytes each) to hold at least need elements. */
static int
grow(void **arr, size_t *alloc, size_t need, size_t elem)
{
	size_t n;
	void *p;

	if (need <= *alloc)
		return 0;
	n = *alloc ? *alloc * 2 : 16;
	while (n < need)
		n *= 2;
	p = realloc(*arr, n * elem);
	if (!p)
		return -1;
	memset((char *)p + *alloc * elem, 0, (n - *alloc) * elem);
	*arr = p;
	*alloc = n;
	return 0;
}

static int
check_len(const char *what, const char *v, size_t max, struct sbuf *err)
{
	if (!v || !*v)
		return error_set(err, "%s must not be empty", what);
	if (strlen(v) > max)
		return error_set(err, "%s is too long (at most %zu characters)", what, max);
	return 0;
}

/* ---- open, close, migrations ------------------------------------------ */

static int
read_user_version(struct sqlite_state *s, int *version, struct sbuf *err)
{
	sqlite3_stmt *p;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &p, NULL) != SQLITE_OK)
		return db_error(s, err, "reading the schema version");
	rc = sqlite3_step(p);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(p);
		return db_error(s, err, "reading the schema version");
	}
	*version = sqlite3_column_int(p, 0);
	sqlite3_finalize(p);
	return 0;
}

static int
count_foreign_tables(struct sqlite_state *s, int *n, struct sbuf *err)
{
	sqlite3_stmt *p;

	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
			       -1, &p, NULL) != SQLITE_OK)
		return db_error(s, err, "inspecting the store");
	if (sqlite3_step(p) != SQLITE_ROW) {
		sqlite3_finalize(p);
		return db_error(s, err, "inspecting the store");
	}
	*n = sqlite3_column_int(p, 0);
	sqlite3_finalize(p);
	return 0;
}

static int
migrate(struct sqlite_state *s, const char *path, struct sbuf *err)
{
	int version, tables = 0;
	char sql[64];

	if (read_user_version(s, &version, err) < 0)
		return -1;
	if (version > STORE_SCHEMA_LATEST)
		return error_set(err, "store '%s' has schema version %d but this tillsync knows only up to %d; "
				 "run a newer tillsync", path, version, STORE_SCHEMA_LATEST);
	if (version == STORE_SCHEMA_LATEST)
		return 0;
	if (exec_sql(s, "BEGIN IMMEDIATE", err, "starting the schema migration") < 0)
		return -1;
	/* another process may have migrated while we waited for the lock */
	if (read_user_version(s, &version, err) < 0)
		goto fail;
	if (version == 0) {
		if (count_foreign_tables(s, &tables, err) < 0)
			goto fail;
		if (tables) {
			error_set(err, "'%s' is a SQLite database but not a tillsync store; refusing to change it", path);
			goto fail;
		}
	}
	for (int v = version + 1; v <= STORE_SCHEMA_LATEST; v++) {
		if (exec_sql(s, migrations[v], err, "applying a schema migration") < 0) {
			error_prefix(err, "migration %d", v);
			goto fail;
		}
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", STORE_SCHEMA_LATEST);
	if (exec_sql(s, sql, err, "recording the schema version") < 0)
		goto fail;
	return exec_sql(s, "COMMIT", err, "committing the schema migration");
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int
pragma_expect(struct sqlite_state *s, const char *sql, const char *want, struct sbuf *err)
{
	sqlite3_stmt *p;
	int ok;

	if (sqlite3_prepare_v2(s->db, sql, -1, &p, NULL) != SQLITE_OK)
		return db_error(s, err, "configuring the store");
	if (sqlite3_step(p) != SQLITE_ROW) {
		sqlite3_finalize(p);
		return db_error(s, err, "configuring the store");
	}
	ok = !want || strcmp((const char *)sqlite3_column_text(p, 0), want) == 0;
	sqlite3_finalize(p);
	if (!ok)
		return error_set(err, "configuring the store: '%s' did not take effect", sql);
	return 0;
}

/*
 * Waiting for another connection's write lock (STORE_LOW_LATENCY). SQLite's
 * default handler sleeps in steps up to 100 ms, so under contention a waiter
 * often sleeps long after the lock is free (seen as a long tail in
 * bench/webhooks). Poll in short sleeps instead, growing to 2 ms, for up to
 * BUSY_TIMEOUT_MS. Workers keep the default: between two bulk writers the
 * short polls cost about a third of the throughput (bench/queue).
 */
#define BUSY_TIMEOUT_MS 10000

static int
on_busy(void *arg, int count)
{
	struct timespec ts = { 0, 0 };
	long us = count < 20 ? 50L * (count + 1) : 2000L;
	int64_t *waited_us = arg;

	if (count == 0)
		*waited_us = 0;
	if (*waited_us >= (int64_t)BUSY_TIMEOUT_MS * 1000)
		return 0;
	ts.tv_nsec = us * 1000;
	nanosleep(&ts, NULL);
	*waited_us += us;
	return 1;
}

static int
sqlite_open(struct store *st, const char *path, unsigned flags, struct sbuf *err)
{
	struct sqlite_state *s;
	struct stat sb;
	int fd;

	if (stat(path, &sb) < 0) {
		if (errno != ENOENT)
			return error_set(err, "cannot open store '%s': %s", path, strerror(errno));
		if (!(flags & STORE_CREATE))
			return error_set(err, "no store at '%s' (run 'tillsync init' first, or pass --db PATH)", path);
		/* create it owner-only before SQLite does, so credentials are never world-readable */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return error_set(err, "cannot create store '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	} else if (!S_ISREG(sb.st_mode)) {
		return error_set(err, "cannot open store '%s': not a regular file", path);
	}

	s = calloc(1, sizeof(*s));
	if (!s)
		return error_set(err, "out of memory opening the store");
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		error_set(err, "cannot open store '%s': %s", path,
			  s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	if (flags & STORE_LOW_LATENCY)
		sqlite3_busy_handler(s->db, on_busy, &s->busy_waited_us);
	else
		sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	if (pragma_expect(s, "PRAGMA journal_mode = WAL", "wal", err) < 0) {
		if (sqlite3_errcode(s->db) == SQLITE_NOTADB || strstr(err->buf, "not a database"))
			error_set(err, "'%s' is not a tillsync store (the file is not a SQLite database)", path);
		goto fail;
	}
	if (exec_sql(s, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY",
		     err, "configuring the store") < 0)
		goto fail;
	if (migrate(s, path, err) < 0)
		goto fail;
	store_be_set_state(st, s);
	return 0;
fail:
	sqlite3_close(s->db);
	free(s);
	return -1;
}

static void
sqlite_close(struct store *st)
{
	struct sqlite_state *s = state_of(st);

	if (!s)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(s->stmts[i]);
	sqlite3_close(s->db);
	free(s);
}

static int
sqlite_schema_version(struct store *st, int *version, struct sbuf *err)
{
	return read_user_version(state_of(st), version, err);
}

static int
sqlite_tx_begin(struct store *st, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);

	if (s->in_caller_tx)
		return error_set(err, "a store transaction is already open");
	if (exec_sql(s, "BEGIN IMMEDIATE", err, "starting a store transaction") < 0)
		return -1;
	s->in_caller_tx = 1;
	return 0;
}

static int
sqlite_tx_commit(struct store *st, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);

	if (!s->in_caller_tx)
		return error_set(err, "no store transaction is open");
	s->in_caller_tx = 0;
	if (exec_sql(s, "COMMIT", err, "committing to the store") < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

static void
sqlite_tx_rollback(struct store *st)
{
	struct sqlite_state *s = state_of(st);

	if (!s->in_caller_tx)
		return;
	s->in_caller_tx = 0;
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- accounts ----------------------------------------------------------- */

static void
read_account(sqlite3_stmt *p, struct account *a)
{
	a->id = sqlite3_column_int64(p, 0);
	col_copy(p, 1, a->name, sizeof(a->name));
	a->created_at = sqlite3_column_int64(p, 2);
}

static int
sqlite_account_add(struct store *st, const char *name, int64_t now, int64_t *id, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p;
	int rc;

	if (check_len("account name", name, NAME_MAX_LEN, err) < 0)
		return -1;
	if (!(p = stmt(s, S_ACCOUNT_ADD, err)))
		return -1;
	sqlite3_bind_text(p, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 2, now);
	rc = sqlite3_step(p);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return error_set(err, "an account named '%s' already exists", name);
	if (rc != SQLITE_DONE)
		return db_error(s, err, "adding an account");
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int
account_one(struct sqlite_state *s, sqlite3_stmt *p, struct account *out, struct sbuf *err)
{
	int rc = sqlite3_step(p);

	if (rc == SQLITE_ROW)
		read_account(p, out);
	sqlite3_reset(p);   /* an open statement would pin a read snapshot */
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return db_error(s, err, "reading an account");
	return 0;
}

static int
sqlite_account_find(struct store *st, const char *name, struct account *out, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_ACCOUNT_FIND, err);

	if (!p)
		return -1;
	sqlite3_bind_text(p, 1, name, -1, SQLITE_STATIC);
	return account_one(s, p, out, err);
}

static int
sqlite_account_get(struct store *st, int64_t id, struct account *out, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_ACCOUNT_GET, err);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, id);
	return account_one(s, p, out, err);
}

static int
sqlite_account_list(struct store *st, struct account **out, size_t *n, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_ACCOUNT_LIST, err);
	struct account *arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			free(arr);
			return error_set(err, "out of memory listing accounts");
		}
		read_account(p, &arr[cnt++]);
	}
	if (rc != SQLITE_DONE) {
		free(arr);
		return db_error(s, err, "listing accounts");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

/* ---- settings ----------------------------------------------------------- */

static int
sqlite_setting_set(struct store *st, int64_t account_id, const char *key, const char *value,
		   int64_t now, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_SETTING_SET, err);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 4, now);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "saving a setting");
	return 0;
}

static int
sqlite_setting_get(struct store *st, int64_t account_id, const char *key, char **value, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_SETTING_GET, err);
	int rc;

	*value = NULL;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(p);
	if (rc == SQLITE_ROW)
		*value = col_dup(p, 0);
	sqlite3_reset(p);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return db_error(s, err, "reading a setting");
	return *value ? 0 : error_set(err, "out of memory reading a setting");
}

static int
sqlite_setting_list(struct store *st, int64_t account_id, struct setting **out, size_t *n, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_SETTING_LIST, err);
	struct setting *arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			settings_free(arr, cnt);
			return error_set(err, "out of memory listing settings");
		}
		col_copy(p, 0, arr[cnt].key, sizeof(arr[cnt].key));
		arr[cnt].value = col_dup(p, 1);
		arr[cnt].updated_at = sqlite3_column_int64(p, 2);
		cnt++;
	}
	if (rc != SQLITE_DONE) {
		settings_free(arr, cnt);
		return db_error(s, err, "listing settings");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

/* ---- connections -------------------------------------------------------- */

static int
sqlite_connection_set(struct store *st, int64_t account_id, const char *role, const char *kind,
		      const char *base_url, const char *credentials, int64_t now, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p;

	if (strcmp(role, "pos") != 0 && strcmp(role, "shop") != 0)
		return error_set(err, "connection role must be 'pos' or 'shop', not '%s'", role);
	if (check_len("connection kind", kind, NAME_MAX_LEN, err) < 0 ||
	    check_len("base URL", base_url, 2048, err) < 0)
		return -1;
	if (!(p = stmt(s, S_CONN_SET, err)))
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 4, base_url, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 5, credentials ? credentials : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 6, now);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "saving a connection");
	return 0;
}

static void
read_connection(sqlite3_stmt *p, struct connection *c)
{
	c->id = sqlite3_column_int64(p, 0);
	c->account_id = sqlite3_column_int64(p, 1);
	col_copy(p, 2, c->role, sizeof(c->role));
	col_copy(p, 3, c->kind, sizeof(c->kind));
	c->base_url = col_dup(p, 4);
	c->credentials = col_dup(p, 5);
	c->created_at = sqlite3_column_int64(p, 6);
	c->updated_at = sqlite3_column_int64(p, 7);
}

static int
sqlite_connection_get(struct store *st, int64_t account_id, const char *role, struct connection *out,
		      struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_CONN_GET, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, role, -1, SQLITE_STATIC);
	rc = sqlite3_step(p);
	if (rc == SQLITE_ROW)
		read_connection(p, out);
	sqlite3_reset(p);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return db_error(s, err, "reading a connection");
	return 0;
}

static int
sqlite_connection_list(struct store *st, int64_t account_id, struct connection **out, size_t *n,
		       struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_CONN_LIST, err);
	struct connection *arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			connections_free(arr, cnt);
			return error_set(err, "out of memory listing connections");
		}
		read_connection(p, &arr[cnt++]);
	}
	if (rc != SQLITE_DONE) {
		connections_free(arr, cnt);
		return db_error(s, err, "listing connections");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

/* ---- queue -------------------------------------------------------------- */

static void
read_item(sqlite3_stmt *p, struct queue_item *it)
{
	char status[16];

	it->id = sqlite3_column_int64(p, 0);
	it->account_id = sqlite3_column_int64(p, 1);
	col_copy(p, 2, it->queue, sizeof(it->queue));
	col_copy(p, 3, it->subject_type, sizeof(it->subject_type));
	col_copy(p, 4, it->subject_id, sizeof(it->subject_id));
	col_copy(p, 5, it->direction, sizeof(it->direction));
	col_copy(p, 6, it->reason, sizeof(it->reason));
	col_copy(p, 7, status, sizeof(status));
	if (item_status_parse(status, &it->status) < 0)
		it->status = ITEM_FAILED;
	it->priority = sqlite3_column_int(p, 8);
	it->attempts = sqlite3_column_int(p, 9);
	it->max_attempts = sqlite3_column_int(p, 10);
	it->coalesced = sqlite3_column_int(p, 11);
	it->next_try_at = sqlite3_column_int64(p, 12);
	it->lease_until = sqlite3_column_int64(p, 13);
	col_copy(p, 14, it->lease_owner, sizeof(it->lease_owner));
	it->created_at = sqlite3_column_int64(p, 15);
	it->updated_at = sqlite3_column_int64(p, 16);
	it->comment = col_dup(p, 17);
	it->payload = col_dup_or_null(p, 18);
	if (sqlite3_column_count(p) > 19)
		col_copy(p, 19, it->account, sizeof(it->account));
}

static int
check_new_item(const struct queue_new_item *it, struct sbuf *err)
{
	if (check_len("queue", it->queue, 23, err) < 0 ||
	    check_len("subject type", it->subject_type, 31, err) < 0 ||
	    check_len("subject id", it->subject_id, SUBJECT_ID_MAX_LEN, err) < 0 ||
	    check_len("direction", it->direction, 15, err) < 0 ||
	    check_len("reason", it->reason, 15, err) < 0)
		return -1;
	if (it->max_attempts < 1)
		return error_set(err, "max attempts must be at least 1");
	return 0;
}

static int
sqlite_queue_enqueue(struct store *st, const struct queue_new_item *items, size_t n, int64_t now,
		     int64_t *ids, int *was_coalesced, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		if (check_new_item(&items[i], err) < 0)
			return -1;
	if (tx_enter(s, err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct queue_new_item *it = &items[i];
		sqlite3_stmt *p = stmt(s, S_Q_ENQUEUE, err);

		if (!p) {
			rc = -1;
			break;
		}
		sqlite3_bind_int64(p, 1, it->account_id);
		sqlite3_bind_text(p, 2, it->queue, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 3, it->subject_type, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 4, it->subject_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 5, it->direction, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 6, it->reason, -1, SQLITE_STATIC);
		sqlite3_bind_int(p, 7, it->priority);
		sqlite3_bind_int(p, 8, it->max_attempts);
		sqlite3_bind_int64(p, 9, it->not_before ? it->not_before : now);
		sqlite3_bind_text(p, 10, it->comment ? it->comment : "", -1, SQLITE_STATIC);
		bind_text_or_null(p, 11, it->payload);
		sqlite3_bind_int64(p, 12, now);
		if (sqlite3_step(p) != SQLITE_ROW) {
			if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_FOREIGNKEY)
				rc = error_set(err, "no account with id %lld", (long long)it->account_id);
			else
				rc = db_error(s, err, "queueing an item");
			break;
		}
		if (ids)
			ids[i] = sqlite3_column_int64(p, 0);
		if (was_coalesced)   /* a fresh row has coalesced = 0 */
			was_coalesced[i] = sqlite3_column_int(p, 1) > 0;
		sqlite3_reset(p);
	}
	return tx_leave(s, rc, err);
}

/*
 * Put an item back to pending. If a newer change for the same subject
 * already waits, that item carries the work on: this one is cancelled as
 * superseded and STORE_GONE returned with the newer id.
 */
static int
reopen_item(struct sqlite_state *s, int64_t id, int64_t now, int uncount_attempt, int extra_attempts,
	    const char *reason, int64_t *superseded_by, struct sbuf *err)
{
	sqlite3_stmt *p = stmt(s, S_Q_REOPEN, err);
	int64_t newer;
	char comment[96];
	int rc;

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, id);
	sqlite3_bind_int64(p, 2, now);
	sqlite3_bind_int(p, 3, uncount_attempt);
	sqlite3_bind_int(p, 4, extra_attempts);
	bind_text_or_null(p, 5, reason);
	rc = sqlite3_step(p);
	sqlite3_reset(p);
	if (rc == SQLITE_DONE)
		return 0;
	if (sqlite3_extended_errcode(s->db) != SQLITE_CONSTRAINT_UNIQUE)
		return db_error(s, err, "reopening a queue item");

	if (!(p = stmt(s, S_Q_FIND_PENDING, err)))
		return -1;
	sqlite3_bind_int64(p, 1, id);
	if (sqlite3_step(p) != SQLITE_ROW)
		return db_error(s, err, "finding the newer queue item");
	newer = sqlite3_column_int64(p, 0);
	sqlite3_reset(p);
	snprintf(comment, sizeof(comment), "Superseded by a newer change (item %lld)", (long long)newer);
	if (!(p = stmt(s, S_Q_SUPERSEDE, err)))
		return -1;
	sqlite3_bind_int64(p, 1, id);
	sqlite3_bind_text(p, 2, comment, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(p, 3, now);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "superseding a queue item");
	if (superseded_by)
		*superseded_by = newer;
	return STORE_GONE;
}

/* Items whose worker vanished (lease expired) get an 'abandoned' attempt and go back. */
static int
reap_expired(struct sqlite_state *s, int64_t now, struct sbuf *err)
{
	sqlite3_stmt *p = stmt(s, S_Q_REAP_SELECT, err);
	struct {
		int64_t id;
		int attempts, max_attempts;
		char owner[48];
	} *dead = NULL;
	size_t alloc = 0, cnt = 0;
	int rc = 0;

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, now);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&dead, &alloc, cnt + 1, sizeof(*dead)) < 0) {
			free(dead);
			return error_set(err, "out of memory reclaiming queue items");
		}
		dead[cnt].id = sqlite3_column_int64(p, 0);
		dead[cnt].attempts = sqlite3_column_int(p, 1);
		dead[cnt].max_attempts = sqlite3_column_int(p, 2);
		col_copy(p, 3, dead[cnt].owner, sizeof(dead[cnt].owner));
		cnt++;
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		free(dead);
		return db_error(s, err, "finding abandoned queue items");
	}
	rc = 0;
	for (size_t i = 0; i < cnt && rc >= 0; i++) {
		const char *why = "Worker stopped before finishing (lease expired); tried again";

		if (dead[i].attempts >= dead[i].max_attempts)
			why = "Worker stopped before finishing (lease expired) and no attempts are left";
		if (!(p = stmt(s, S_Q_ABANDON_ATTEMPT, err))) {
			rc = -1;
			break;
		}
		sqlite3_bind_int64(p, 1, dead[i].id);
		sqlite3_bind_int(p, 2, dead[i].attempts);
		sqlite3_bind_text(p, 3, dead[i].owner, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p, 4, now);
		sqlite3_bind_text(p, 5, why, -1, SQLITE_STATIC);
		if (sqlite3_step(p) != SQLITE_DONE) {
			rc = db_error(s, err, "recording an abandoned attempt");
			break;
		}
		sqlite3_reset(p);
		if (dead[i].attempts >= dead[i].max_attempts) {
			if (!(p = stmt(s, S_Q_GIVE_UP, err))) {
				rc = -1;
				break;
			}
			sqlite3_bind_int64(p, 1, dead[i].id);
			sqlite3_bind_text(p, 2, why, -1, SQLITE_STATIC);
			sqlite3_bind_int64(p, 3, now);
			if (sqlite3_step(p) != SQLITE_DONE)
				rc = db_error(s, err, "failing an abandoned item");
			sqlite3_reset(p);
		} else {
			rc = reopen_item(s, dead[i].id, now, 0, 0, NULL, NULL, err);
		}
	}
	free(dead);
	return rc < 0 ? -1 : 0;
}

/* The best priority that has a due item, or 0 with *found = 0. */
static int
due_priority(struct sqlite_state *s, int64_t now, int *priority, int *found, struct sbuf *err)
{
	int64_t after = INT64_MIN;
	sqlite3_stmt *p;
	int rc;

	*found = 0;
	for (;;) {
		if (!(p = stmt(s, S_Q_NEXT_PRIORITY, err)))
			return -1;
		sqlite3_bind_int64(p, 1, after);
		rc = sqlite3_step(p);
		if (rc == SQLITE_DONE)
			return 0;
		if (rc != SQLITE_ROW)
			return db_error(s, err, "scanning queue priorities");
		after = sqlite3_column_int64(p, 0);
		sqlite3_reset(p);
		if (!(p = stmt(s, S_Q_DUE_AT_PRIORITY, err)))
			return -1;
		sqlite3_bind_int64(p, 1, after);
		sqlite3_bind_int64(p, 2, now);
		rc = sqlite3_step(p);
		sqlite3_reset(p);
		if (rc == SQLITE_ROW) {
			*priority = (int)after;
			*found = 1;
			return 0;
		}
		if (rc != SQLITE_DONE)
			return db_error(s, err, "scanning due queue items");
	}
}

static int
item_order(const void *a, const void *b)
{
	const struct queue_item *x = a, *y = b;

	if (x->next_try_at != y->next_try_at)
		return x->next_try_at < y->next_try_at ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int
sqlite_queue_claim(struct store *st, const char *owner, int64_t now, int64_t lease_ms, size_t max,
		   queue_claim_limit_fn limit, struct queue_item **out, size_t *n, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	struct queue_item *arr = NULL;
	size_t alloc = 0, cnt = 0;
	sqlite3_stmt *p;
	int64_t account_id;
	int priority, found, rc = 0;

	*out = NULL;
	*n = 0;
	if (check_len("lease owner", owner, 47, err) < 0)
		return -1;
	if (max == 0)
		return 0;
	if (tx_enter(s, err) < 0)
		return -1;
	if (reap_expired(s, now, err) < 0 || due_priority(s, now, &priority, &found, err) < 0) {
		rc = -1;
		goto out;
	}
	if (!found)
		goto out;
	if (limit)
		max = limit(priority, max);

	/* fairness: the account that waited longest since its last claim goes first */
	if (!(p = stmt(s, S_Q_PICK_ACCOUNT, err))) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_int(p, 1, priority);
	sqlite3_bind_int64(p, 2, now);
	if (sqlite3_step(p) != SQLITE_ROW) {
		rc = db_error(s, err, "choosing the next account to serve");
		goto out;
	}
	account_id = sqlite3_column_int64(p, 0);
	sqlite3_reset(p);

	if (!(p = stmt(s, S_Q_CLAIM, err))) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_text(p, 1, owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 2, now + lease_ms);
	sqlite3_bind_int64(p, 3, now);
	sqlite3_bind_int64(p, 4, account_id);
	sqlite3_bind_int(p, 5, priority);
	sqlite3_bind_int64(p, 6, (int64_t)max);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			sqlite3_reset(p);
			rc = error_set(err, "out of memory claiming queue items");
			goto out;
		}
		read_item(p, &arr[cnt++]);
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		rc = db_error(s, err, "claiming queue items");
		goto out;
	}
	rc = 0;
	if (!(p = stmt(s, S_ACCOUNT_TURN, err))) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_int64(p, 1, account_id);
	if (sqlite3_step(p) != SQLITE_DONE)
		rc = db_error(s, err, "rotating the account turn");
	sqlite3_reset(p);
out:
	rc = tx_leave(s, rc, err);
	if (rc < 0) {
		queue_items_free(arr, cnt);
		return -1;
	}
	if (cnt > 1)
		qsort(arr, cnt, sizeof(*arr), item_order);
	*out = arr;
	*n = cnt;
	return 0;
}

static int
sqlite_queue_finish(struct store *st, const char *owner, const struct queue_outcome *o, size_t n,
		    int64_t now, size_t *lost, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	size_t lost_here = 0;
	int rc = 0;

	if (tx_enter(s, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *p = stmt(s, S_Q_FINISH, err);

		if (!p) {
			rc = -1;
			break;
		}
		sqlite3_bind_int64(p, 1, o[i].item_id);
		sqlite3_bind_text(p, 2, item_status_name(o[i].status), -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 3, o[i].comment ? o[i].comment : "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(p, 4, o[i].status == ITEM_RETRY ? o[i].next_try_at : now);
		sqlite3_bind_int64(p, 5, now);
		sqlite3_bind_text(p, 6, owner, -1, SQLITE_STATIC);
		sqlite3_bind_int(p, 7, o[i].attempt);
		if (sqlite3_step(p) != SQLITE_DONE) {
			rc = db_error(s, err, "finishing a queue item");
			break;
		}
		sqlite3_reset(p);
		if (sqlite3_changes(s->db) == 0) {
			lost_here++;   /* lease expired and someone else owns it now */
			continue;
		}
		if (!(p = stmt(s, S_Q_ATTEMPT_ADD, err))) {
			rc = -1;
			break;
		}
		sqlite3_bind_int64(p, 1, o[i].item_id);
		sqlite3_bind_int(p, 2, o[i].attempt);
		sqlite3_bind_text(p, 3, owner, -1, SQLITE_STATIC);
		sqlite3_bind_text(p, 4, item_status_name(o[i].status), -1, SQLITE_STATIC);
		sqlite3_bind_int64(p, 5, o[i].started_at);
		sqlite3_bind_int64(p, 6, now);
		sqlite3_bind_text(p, 7, o[i].comment ? o[i].comment : "", -1, SQLITE_STATIC);
		bind_text_or_null(p, 8, o[i].detail);
		if (sqlite3_step(p) != SQLITE_DONE) {
			rc = db_error(s, err, "recording an attempt");
			break;
		}
		sqlite3_reset(p);
	}
	rc = tx_leave(s, rc, err);
	if (rc == 0 && lost)
		*lost = lost_here;
	return rc;
}

static int
sqlite_queue_release(struct store *st, const char *owner, const int64_t *ids, size_t n, int64_t now,
		     struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	int rc = 0;

	if (tx_enter(s, err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		sqlite3_stmt *p = stmt(s, S_Q_RELEASE, err);

		if (!p) {
			rc = -1;
			break;
		}
		sqlite3_bind_int64(p, 1, ids[i]);
		sqlite3_bind_text(p, 2, owner, -1, SQLITE_STATIC);
		rc = sqlite3_step(p);
		sqlite3_reset(p);
		if (rc == SQLITE_DONE) {   /* not ours any more */
			rc = 0;
			continue;
		}
		if (rc != SQLITE_ROW) {
			rc = db_error(s, err, "releasing a queue item");
			break;
		}
		rc = reopen_item(s, ids[i], now, 1, 0, NULL, NULL, err);
	}
	return tx_leave(s, rc < 0 ? -1 : 0, err);
}

static int
sqlite_queue_extend(struct store *st, const char *owner, const int64_t *ids, size_t n, int64_t lease_until,
		    struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	int rc = 0;

	if (tx_enter(s, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *p = stmt(s, S_Q_EXTEND, err);

		if (!p) {
			rc = -1;
			break;
		}
		sqlite3_bind_int64(p, 1, ids[i]);
		sqlite3_bind_text(p, 2, owner, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p, 3, lease_until);
		if (sqlite3_step(p) != SQLITE_DONE) {
			rc = db_error(s, err, "extending a lease");
			break;
		}
		sqlite3_reset(p);
	}
	return tx_leave(s, rc, err);
}

static int
sqlite_queue_get(struct store *st, int64_t id, struct queue_item *out, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_Q_GET, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, id);
	rc = sqlite3_step(p);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return db_error(s, err, "reading a queue item");
	read_item(p, out);
	sqlite3_reset(p);
	return 0;
}

static int
sqlite_queue_list(struct store *st, const struct queue_filter *f, struct queue_item **out, size_t *n,
		  struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_Q_LIST, err);
	struct queue_item *arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, f->account_id);
	bind_text_or_null(p, 2, f->queue);
	bind_text_or_null(p, 3, f->status >= 0 ? item_status_name((enum item_status)f->status) : NULL);
	bind_text_or_null(p, 4, f->text && *f->text ? f->text : NULL);
	sqlite3_bind_int64(p, 5, f->before_id);
	sqlite3_bind_int64(p, 6, f->limit ? (int64_t)f->limit : 100);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			sqlite3_reset(p);
			queue_items_free(arr, cnt);
			return error_set(err, "out of memory listing queue items");
		}
		read_item(p, &arr[cnt++]);
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		queue_items_free(arr, cnt);
		return db_error(s, err, "listing queue items");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

/* Steps a bound statement that answers one count. */
static int
single_count(struct sqlite_state *s, sqlite3_stmt *p, int64_t *count, struct sbuf *err, const char *what)
{
	int rc = sqlite3_step(p);

	if (rc == SQLITE_ROW)
		*count = sqlite3_column_int64(p, 0);
	sqlite3_reset(p);
	return rc == SQLITE_ROW ? 0 : db_error(s, err, what);
}

static int
sqlite_queue_due_count(struct store *st, int64_t now, int64_t *count, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_Q_DUE_COUNT, err);

	*count = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, now);
	return single_count(s, p, count, err, "counting items due");
}

static int
sqlite_queue_open_count(struct store *st, int64_t account_id, const char *queue, const char *subject_type,
			const char *subject_id, int64_t *count, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_Q_OPEN_COUNT, err);

	*count = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, queue, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, subject_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 4, subject_id, -1, SQLITE_STATIC);
	return single_count(s, p, count, err, "counting a subject's open items");
}

static int
sqlite_queue_subject_tried(struct store *st, int64_t account_id, const char *subject_type, const char *subject_id,
			   int *tried, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_Q_SUBJECT_TRIED, err);
	int64_t count = 0;

	*tried = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, subject_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, subject_id, -1, SQLITE_STATIC);
	if (single_count(s, p, &count, err, "reading whether a subject was tried before") < 0)
		return -1;
	*tried = count > 0;
	return 0;
}

static int
sqlite_queue_counts(struct store *st, int64_t account_id, struct queue_count **out, size_t *n,
		    struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_Q_COUNTS, err);
	struct queue_count *arr = NULL;
	size_t alloc = 0, cnt = 0;
	char status[16];
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			sqlite3_reset(p);
			free(arr);
			return error_set(err, "out of memory counting queue items");
		}
		col_copy(p, 0, arr[cnt].queue, sizeof(arr[cnt].queue));
		col_copy(p, 1, status, sizeof(status));
		if (item_status_parse(status, &arr[cnt].status) < 0)
			continue;
		arr[cnt].count = sqlite3_column_int64(p, 2);
		cnt++;
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		free(arr);
		return db_error(s, err, "counting queue items");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

static int
sqlite_queue_attempts(struct store *st, int64_t item_id, struct queue_attempt **out, size_t *n,
		      struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_Q_ATTEMPTS, err);
	struct queue_attempt *arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, item_id);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			sqlite3_reset(p);
			queue_attempts_free(arr, cnt);
			return error_set(err, "out of memory reading attempts");
		}
		arr[cnt].item_id = sqlite3_column_int64(p, 0);
		arr[cnt].attempt = sqlite3_column_int(p, 1);
		col_copy(p, 2, arr[cnt].worker, sizeof(arr[cnt].worker));
		col_copy(p, 3, arr[cnt].outcome, sizeof(arr[cnt].outcome));
		arr[cnt].started_at = sqlite3_column_int64(p, 4);
		arr[cnt].finished_at = sqlite3_column_int64(p, 5);
		arr[cnt].comment = col_dup(p, 6);
		arr[cnt].detail = col_dup_or_null(p, 7);
		cnt++;
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		queue_attempts_free(arr, cnt);
		return db_error(s, err, "reading attempts");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

static int
sqlite_queue_retry(struct store *st, int64_t id, int64_t now, int extra_attempts, int64_t *superseded_by,
		   struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	struct queue_item it;
	int rc;

	if (tx_enter(s, err) < 0)
		return -1;
	rc = sqlite_queue_get(st, id, &it, err);
	if (rc == STORE_NOTFOUND) {
		rc = error_set(err, "no queue item %lld", (long long)id);
	} else if (rc == 0) {
		if (it.status == ITEM_PENDING)
			rc = error_set(err, "item %lld is already waiting to run", (long long)id);
		else if (it.status == ITEM_RUNNING)
			rc = error_set(err, "item %lld is being processed right now; try again when it ends",
				       (long long)id);
		else
			rc = reopen_item(s, id, now, 0, extra_attempts, "retry", superseded_by, err);
		free(it.comment);
		free(it.payload);
	}
	return tx_leave(s, rc, err);
}

static int
sqlite_queue_cancel(struct store *st, int64_t id, int64_t now, const char *comment, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	struct queue_item it;
	sqlite3_stmt *p;
	int rc;

	if (tx_enter(s, err) < 0)
		return -1;
	rc = sqlite_queue_get(st, id, &it, err);
	if (rc == STORE_NOTFOUND) {
		rc = error_set(err, "no queue item %lld", (long long)id);
		goto out;
	}
	if (rc < 0)
		goto out;
	free(it.comment);
	free(it.payload);
	if (it.status == ITEM_RUNNING) {
		rc = error_set(err, "item %lld is being processed right now; try again when it ends", (long long)id);
		goto out;
	}
	if (item_status_is_final(it.status) && it.status != ITEM_FAILED) {
		rc = error_set(err, "item %lld has already ended (%s); nothing to cancel", (long long)id,
			       item_status_name(it.status));
		goto out;
	}
	if (!(p = stmt(s, S_Q_CANCEL, err))) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_int64(p, 1, id);
	sqlite3_bind_int64(p, 2, now);
	sqlite3_bind_text(p, 3, comment, -1, SQLITE_STATIC);
	if (sqlite3_step(p) != SQLITE_DONE)
		rc = db_error(s, err, "cancelling a queue item");
	sqlite3_reset(p);
out:
	return tx_leave(s, rc, err);
}

static int
select_failed(struct sqlite_state *s, int64_t account_id, const char *queue, const char *comment,
	      int64_t **ids, size_t *n, struct sbuf *err)
{
	sqlite3_stmt *p = stmt(s, S_Q_FAILED_SELECT, err);
	size_t alloc = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, queue, -1, SQLITE_STATIC);
	bind_text_or_null(p, 3, comment);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)ids, &alloc, *n + 1, sizeof(**ids)) < 0) {
			sqlite3_reset(p);
			return error_set(err, "out of memory selecting failed items");
		}
		(*ids)[(*n)++] = sqlite3_column_int64(p, 0);
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE)
		return db_error(s, err, "selecting failed items");
	return 0;
}

static int
sqlite_queue_retry_failed(struct store *st, int64_t account_id, const char *queue, const char *comment,
			  int64_t now, int extra_attempts, size_t *count, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	int64_t *ids = NULL;
	size_t n = 0, done = 0;
	int rc;

	if (tx_enter(s, err) < 0)
		return -1;
	rc = select_failed(s, account_id, queue, comment, &ids, &n, err);
	for (size_t i = 0; i < n && rc >= 0; i++) {
		rc = reopen_item(s, ids[i], now, 0, extra_attempts, "retry", NULL, err);
		if (rc == 0)
			done++;
	}
	free(ids);
	rc = tx_leave(s, rc < 0 ? -1 : 0, err);
	if (rc == 0 && count)
		*count = done;
	return rc;
}

static int
sqlite_queue_cancel_failed(struct store *st, int64_t account_id, const char *queue, const char *comment,
			   int64_t now, const char *cancel_comment, size_t *count, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;

	if (tx_enter(s, err) < 0)
		return -1;
	rc = select_failed(s, account_id, queue, comment, &ids, &n, err);
	for (size_t i = 0; i < n && rc == 0; i++) {
		sqlite3_stmt *p = stmt(s, S_Q_CANCEL, err);

		if (!p) {
			rc = -1;
			break;
		}
		sqlite3_bind_int64(p, 1, ids[i]);
		sqlite3_bind_int64(p, 2, now);
		sqlite3_bind_text(p, 3, cancel_comment, -1, SQLITE_STATIC);
		if (sqlite3_step(p) != SQLITE_DONE)
			rc = db_error(s, err, "cancelling failed items");
		sqlite3_reset(p);
	}
	free(ids);
	rc = tx_leave(s, rc, err);
	if (rc == 0 && count)
		*count = n;
	return rc;
}

/* ---- jobs --------------------------------------------------------------- */

static void
read_job(sqlite3_stmt *p, struct job *j)
{
	char state[16];

	j->id = sqlite3_column_int64(p, 0);
	j->account_id = sqlite3_column_int64(p, 1);
	col_copy(p, 2, j->account, sizeof(j->account));
	col_copy(p, 3, j->kind, sizeof(j->kind));
	col_copy(p, 4, state, sizeof(state));
	if (job_state_parse(state, &j->state) < 0)
		j->state = JOB_FAILED;
	col_copy(p, 5, j->trigger, sizeof(j->trigger));
	col_copy(p, 6, j->phase, sizeof(j->phase));
	j->done = sqlite3_column_int64(p, 7);
	j->total = sqlite3_column_int64(p, 8);
	j->started_at = sqlite3_column_int64(p, 9);
	j->heartbeat_at = sqlite3_column_int64(p, 10);
	j->finished_at = sqlite3_column_int64(p, 11);
	j->message = col_dup(p, 12);
}

static int
sqlite_job_start(struct store *st, int64_t account_id, const char *kind, const char *trigger, int64_t now,
		 int64_t stale_ms, int64_t *id, int64_t *replaced_or_running, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p;
	int64_t running = 0, heartbeat = 0;
	int rc = 0;

	if (replaced_or_running)
		*replaced_or_running = 0;
	if (check_len("job kind", kind, 31, err) < 0 || check_len("job trigger", trigger, 15, err) < 0)
		return -1;
	if (tx_enter(s, err) < 0)
		return -1;
	if (!(p = stmt(s, S_JOB_RUNNING, err))) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, kind, -1, SQLITE_STATIC);
	rc = sqlite3_step(p);
	if (rc == SQLITE_ROW) {
		running = sqlite3_column_int64(p, 0);
		heartbeat = sqlite3_column_int64(p, 1);
	} else if (rc != SQLITE_DONE) {
		sqlite3_reset(p);
		rc = db_error(s, err, "looking for a running job");
		goto out;
	}
	sqlite3_reset(p);
	rc = 0;
	if (running && heartbeat > now - stale_ms) {
		if (replaced_or_running)
			*replaced_or_running = running;
		rc = STORE_BUSY;
		goto out;
	}
	if (running) {
		if (!(p = stmt(s, S_JOB_REPLACE, err))) {
			rc = -1;
			goto out;
		}
		sqlite3_bind_int64(p, 1, running);
		sqlite3_bind_int64(p, 2, now);
		sqlite3_bind_text(p, 3, "Replaced by a new job: this one had stopped reporting progress",
				  -1, SQLITE_STATIC);
		if (sqlite3_step(p) != SQLITE_DONE) {
			rc = db_error(s, err, "replacing a stuck job");
			goto out;
		}
		sqlite3_reset(p);
		if (replaced_or_running)
			*replaced_or_running = running;
	}
	if (!(p = stmt(s, S_JOB_INSERT, err))) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, trigger, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 4, now);
	if (sqlite3_step(p) != SQLITE_DONE) {
		rc = db_error(s, err, "starting a job");
		goto out;
	}
	sqlite3_reset(p);
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
out:
	if (rc == STORE_BUSY) {
		/* nothing written: end the transaction cleanly */
		return tx_leave(s, 0, err) < 0 ? -1 : STORE_BUSY;
	}
	return tx_leave(s, rc, err);
}

static int
sqlite_job_progress(struct store *st, int64_t id, const char *phase, int64_t done, int64_t total,
		    int64_t now, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_JOB_PROGRESS, err);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, id);
	sqlite3_bind_text(p, 2, phase ? phase : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 3, done);
	sqlite3_bind_int64(p, 4, total);
	sqlite3_bind_int64(p, 5, now);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "recording job progress");
	return sqlite3_changes(s->db) ? 0 : STORE_GONE;
}

static int
sqlite_job_finish(struct store *st, int64_t id, enum job_state state, const char *message, int64_t now,
		  struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_JOB_FINISH, err);

	if (!p)
		return -1;
	if (state == JOB_RUNNING)
		return error_set(err, "a job cannot finish as running");
	sqlite3_bind_int64(p, 1, id);
	sqlite3_bind_text(p, 2, job_state_name(state), -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, message ? message : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 4, now);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "finishing a job");
	return sqlite3_changes(s->db) ? 0 : STORE_GONE;
}

static int
sqlite_job_get(struct store *st, int64_t id, struct job *out, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_JOB_GET, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, id);
	rc = sqlite3_step(p);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return db_error(s, err, "reading a job");
	read_job(p, out);
	sqlite3_reset(p);
	return 0;
}

static int
sqlite_job_list(struct store *st, int64_t account_id, size_t limit, struct job **out, size_t *n,
		struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_JOB_LIST, err);
	struct job *arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_int64(p, 2, limit ? (int64_t)limit : 50);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			sqlite3_reset(p);
			jobs_free(arr, cnt);
			return error_set(err, "out of memory listing jobs");
		}
		read_job(p, &arr[cnt++]);
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		jobs_free(arr, cnt);
		return db_error(s, err, "listing jobs");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

/* ---- cursors ------------------------------------------------------------ */

static int
sqlite_cursor_get(struct store *st, int64_t account_id, const char *feed, char **value, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_CURSOR_GET, err);
	int rc;

	*value = NULL;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, feed, -1, SQLITE_STATIC);
	rc = sqlite3_step(p);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return db_error(s, err, "reading a cursor");
	*value = col_dup(p, 0);
	sqlite3_reset(p);
	return *value ? 0 : error_set(err, "out of memory reading a cursor");
}

static int
sqlite_cursor_set(struct store *st, int64_t account_id, const char *feed, const char *value, int64_t now,
		  struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_CURSOR_SET, err);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, feed, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 4, now);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "saving a cursor");
	return 0;
}

/* ---- links -------------------------------------------------------------- */

static void
read_link(sqlite3_stmt *p, struct link *l)
{
	l->id = sqlite3_column_int64(p, 0);
	l->account_id = sqlite3_column_int64(p, 1);
	col_copy(p, 2, l->entity, sizeof(l->entity));
	col_copy(p, 3, l->pos_id, sizeof(l->pos_id));
	col_copy(p, 4, l->shop_id, sizeof(l->shop_id));
	col_copy(p, 5, l->fingerprint, sizeof(l->fingerprint));
	l->created_at = sqlite3_column_int64(p, 6);
	l->updated_at = sqlite3_column_int64(p, 7);
}

static int
sqlite_link_set(struct store *st, int64_t account_id, const char *entity, const char *pos_id,
		const char *shop_id, int64_t now, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p;
	int rc;

	if (check_len("entity", entity, 31, err) < 0 ||
	    check_len("POS id", pos_id, SUBJECT_ID_MAX_LEN, err) < 0 ||
	    check_len("shop id", shop_id, SUBJECT_ID_MAX_LEN, err) < 0)
		return -1;
	if (!(p = stmt(s, S_LINK_SET, err)))
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, pos_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 4, shop_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 5, now);
	rc = sqlite3_step(p);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return error_set(err, "shop %s %s is already linked to another POS %s", entity, shop_id, entity);
	if (rc != SQLITE_DONE)
		return db_error(s, err, "saving a link");
	return 0;
}

static int
link_one(struct sqlite_state *s, enum stmt_id id, int64_t account_id, const char *entity, const char *key,
	 struct link *out, struct sbuf *err)
{
	sqlite3_stmt *p = stmt(s, id, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(p);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return db_error(s, err, "reading a link");
	read_link(p, out);
	sqlite3_reset(p);
	return 0;
}

static int
sqlite_link_by_pos(struct store *st, int64_t account_id, const char *entity, const char *pos_id,
		   struct link *out, struct sbuf *err)
{
	return link_one(state_of(st), S_LINK_BY_POS, account_id, entity, pos_id, out, err);
}

static int
sqlite_link_by_shop(struct store *st, int64_t account_id, const char *entity, const char *shop_id,
		    struct link *out, struct sbuf *err)
{
	return link_one(state_of(st), S_LINK_BY_SHOP, account_id, entity, shop_id, out, err);
}

static int
sqlite_link_delete(struct store *st, int64_t account_id, const char *entity, const char *pos_id,
		   struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_LINK_DELETE, err);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, pos_id, -1, SQLITE_STATIC);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "removing a link");
	return sqlite3_changes(s->db) ? 0 : STORE_NOTFOUND;
}

static int
sqlite_link_list(struct store *st, int64_t account_id, const char *entity, struct link **out, size_t *n,
		 struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_LINK_LIST, err);
	struct link *arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	bind_text_or_null(p, 2, entity);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			sqlite3_reset(p);
			free(arr);
			return error_set(err, "out of memory listing links");
		}
		read_link(p, &arr[cnt++]);
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		free(arr);
		return db_error(s, err, "listing links");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

/* ---- logs --------------------------------------------------------------- */

static int
sqlite_log_add(struct store *st, int64_t account_id, const char *service, int type, const char *message,
	       int64_t now, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_LOG_ADD, err);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, now);
	sqlite3_bind_int64(p, 2, account_id);
	sqlite3_bind_text(p, 3, service && *service ? service : "tillsync", -1, SQLITE_STATIC);
	sqlite3_bind_int(p, 4, type);
	sqlite3_bind_text(p, 5, message, -1, SQLITE_STATIC);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "writing a log entry");
	return 0;
}

static int
sqlite_log_list(struct store *st, const struct log_filter *f, struct log_entry **out, size_t *n,
		struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_LOG_LIST, err);
	struct log_entry *arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, f->account_id);
	sqlite3_bind_int(p, 2, f->type);
	bind_text_or_null(p, 3, f->service);
	sqlite3_bind_int64(p, 4, f->limit ? (int64_t)f->limit : 100);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			sqlite3_reset(p);
			log_entries_free(arr, cnt);
			return error_set(err, "out of memory listing logs");
		}
		arr[cnt].id = sqlite3_column_int64(p, 0);
		arr[cnt].at = sqlite3_column_int64(p, 1);
		arr[cnt].account_id = sqlite3_column_int64(p, 2);
		col_copy(p, 3, arr[cnt].account, sizeof(arr[cnt].account));
		col_copy(p, 4, arr[cnt].service, sizeof(arr[cnt].service));
		arr[cnt].type = sqlite3_column_int(p, 5);
		arr[cnt].message = col_dup(p, 6);
		cnt++;
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		log_entries_free(arr, cnt);
		return db_error(s, err, "listing logs");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

/* ---- fingerprints and the inbound log ----------------------------------- */

static int
sqlite_link_set_fingerprint(struct store *st, int64_t account_id, const char *entity, const char *pos_id,
			    const char *fingerprint, int64_t now, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_LINK_FINGERPRINT, err);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, pos_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 4, fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 5, now);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "saving a link fingerprint");
	return sqlite3_changes(s->db) ? 0 : STORE_NOTFOUND;
}

static int
sqlite_inbound_add(struct store *st, int64_t account_id, const char *source, const char *entity,
		   const char *remote_id, const char *summary, int64_t item_id, int64_t now, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_INBOUND_ADD, err);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, now);
	sqlite3_bind_int64(p, 2, account_id);
	sqlite3_bind_text(p, 3, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 4, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 5, remote_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 6, summary ? summary : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 7, item_id);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "recording an inbound event");
	return 0;
}

static int
sqlite_inbound_list(struct store *st, const struct inbound_filter *f, struct inbound_event **out, size_t *n,
		    struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_INBOUND_LIST, err);
	struct inbound_event *arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, f->account_id);
	bind_text_or_null(p, 2, f->entity);
	bind_text_or_null(p, 3, f->remote_id);
	sqlite3_bind_int64(p, 4, f->limit ? (int64_t)f->limit : 100);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			sqlite3_reset(p);
			free(arr);
			return error_set(err, "out of memory listing inbound events");
		}
		arr[cnt].id = sqlite3_column_int64(p, 0);
		arr[cnt].at = sqlite3_column_int64(p, 1);
		arr[cnt].account_id = sqlite3_column_int64(p, 2);
		col_copy(p, 3, arr[cnt].account, sizeof(arr[cnt].account));
		col_copy(p, 4, arr[cnt].source, sizeof(arr[cnt].source));
		col_copy(p, 5, arr[cnt].entity, sizeof(arr[cnt].entity));
		col_copy(p, 6, arr[cnt].remote_id, sizeof(arr[cnt].remote_id));
		col_copy(p, 7, arr[cnt].summary, sizeof(arr[cnt].summary));
		arr[cnt].item_id = sqlite3_column_int64(p, 8);
		cnt++;
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		free(arr);
		return db_error(s, err, "listing inbound events");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

static int
sqlite_fingerprint_get(struct store *st, int64_t account_id, const char *side, const char *entity,
		       const char *remote_id, char **fingerprint, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_FP_GET, err);
	int rc;

	*fingerprint = NULL;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, side, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 4, remote_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(p);
	if (rc == SQLITE_ROW)
		*fingerprint = col_dup(p, 0);
	sqlite3_reset(p);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return db_error(s, err, "reading a fingerprint");
	return *fingerprint ? 0 : error_set(err, "out of memory");
}

static int
sqlite_fingerprint_live_ids(struct store *st, int64_t account_id, const char *side, const char *entity,
			    store_id_filter_fn keep, void *keep_ctx, char ***ids, size_t *n, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_FP_LIVE_IDS, err);
	char **arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, side, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, entity, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		const unsigned char *id = sqlite3_column_text(p, 0);

		if (keep && !keep(keep_ctx, id ? (const char *)id : ""))
			continue;
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0 || !(arr[cnt] = col_dup(p, 0))) {
			sqlite3_reset(p);
			while (cnt)
				free(arr[--cnt]);
			free(arr);
			return error_set(err, "out of memory listing fingerprints");
		}
		cnt++;
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		while (cnt)
			free(arr[--cnt]);
		free(arr);
		return db_error(s, err, "listing fingerprints");
	}
	*ids = arr;
	*n = cnt;
	return 0;
}

static int
sqlite_fingerprint_set(struct store *st, int64_t account_id, const char *side, const char *entity,
		       const char *remote_id, const char *fingerprint, int64_t now, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_FP_SET, err);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, side, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 4, remote_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 5, fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 6, now);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "saving a fingerprint");
	return 0;
}

/* ---- intents ------------------------------------------------------------ */

static int
sqlite_intent_begin(struct store *st, int64_t account_id, const char *entity, const char *subject_id,
		    const char *reference, int64_t item_id, int64_t now, int64_t stale_ms, int *earlier,
		    struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p;
	int64_t owner = 0, created = 0;
	int rc = 0, exists;

	*earlier = 0;
	if (check_len("reference", reference, SUBJECT_ID_MAX_LEN, err) < 0)
		return -1;
	if (tx_enter(s, err) < 0)
		return -1;
	if (!(p = stmt(s, S_INTENT_GET, err))) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, subject_id, -1, SQLITE_STATIC);
	exists = sqlite3_step(p) == SQLITE_ROW;
	if (exists) {
		owner = sqlite3_column_int64(p, 1);
		created = sqlite3_column_int64(p, 2);
	}
	sqlite3_reset(p);
	if (exists) {
		*earlier = 1;
		/* another item is writing this subject right now: let it finish */
		if (owner != item_id && created > now - stale_ms) {
			rc = STORE_BUSY;
			goto out;
		}
	}
	if (!(p = stmt(s, S_INTENT_PUT, err))) {
		rc = -1;
		goto out;
	}
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, subject_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 4, reference, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 5, item_id);
	sqlite3_bind_int64(p, 6, exists && owner == item_id ? created : now);
	if (sqlite3_step(p) != SQLITE_DONE)
		rc = db_error(s, err, "recording a write intent");
	sqlite3_reset(p);
out:
	if (rc == STORE_BUSY)
		return tx_leave(s, 0, err) < 0 ? -1 : STORE_BUSY;
	return tx_leave(s, rc, err);
}

static int
sqlite_intent_end(struct store *st, int64_t account_id, const char *entity, const char *subject_id,
		  struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_INTENT_DELETE, err);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, entity, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, subject_id, -1, SQLITE_STATIC);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "clearing a write intent");
	return 0;
}

/* ---- users, sessions, API tokens ---------------------------------------- */

static void
read_user(sqlite3_stmt *p, struct user *u)
{
	u->id = sqlite3_column_int64(p, 0);
	col_copy(p, 1, u->name, sizeof(u->name));
	col_copy(p, 2, u->role, sizeof(u->role));
	u->account_id = sqlite3_column_int64(p, 3);
	col_copy(p, 4, u->account, sizeof(u->account));
	u->created_at = sqlite3_column_int64(p, 5);
	u->password_hash = NULL;
}

static int
sqlite_user_add(struct store *st, const char *name, const char *password_hash, const char *role, int64_t account_id,
		int64_t now, int64_t *id, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p;
	int rc;

	if (check_len("user name", name, NAME_MAX_LEN, err) < 0)
		return -1;
	if (strcmp(role, "merchant") != 0 && strcmp(role, "support") != 0)
		return error_set(err, "role must be merchant or support, not '%s'", role);
	if ((strcmp(role, "merchant") == 0) != (account_id != 0))
		return error_set(err, "a merchant user belongs to exactly one account; a support user to none");
	if (!(p = stmt(s, S_USER_ADD, err)))
		return -1;
	sqlite3_bind_text(p, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 2, password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(p, 3, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 4, account_id);
	sqlite3_bind_int64(p, 5, now);
	rc = sqlite3_step(p);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return error_set(err, "a user named '%s' already exists", name);
	if (rc != SQLITE_DONE)
		return db_error(s, err, "adding a user");
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int
sqlite_user_find(struct store *st, const char *name, struct user *out, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_USER_FIND, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!p)
		return -1;
	sqlite3_bind_text(p, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(p);
	if (rc == SQLITE_ROW) {
		read_user(p, out);
		out->password_hash = col_dup(p, 6);
	}
	sqlite3_reset(p);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return db_error(s, err, "reading a user");
	return 0;
}

static int
sqlite_user_list(struct store *st, struct user **out, size_t *n, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_USER_LIST, err);
	struct user *arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			sqlite3_reset(p);
			users_free(arr, cnt);
			return error_set(err, "out of memory listing users");
		}
		read_user(p, &arr[cnt++]);
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		users_free(arr, cnt);
		return db_error(s, err, "listing users");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

static int
sqlite_user_remove(struct store *st, const char *name, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_USER_REMOVE, err);

	if (!p)
		return -1;
	sqlite3_bind_text(p, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "removing a user");
	return sqlite3_changes(s->db) ? 0 : STORE_NOTFOUND;
}

static int
sqlite_session_add(struct store *st, const char *token_hash, int64_t user_id, const char *csrf, int64_t now,
		   int64_t expires_at, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p;
	int rc = 0;

	if (tx_enter(s, err) < 0)
		return -1;
	/* old sessions go as new ones come: the table never grows without bound */
	if (!(p = stmt(s, S_SESSION_PURGE, err)))
		return tx_leave(s, -1, err);
	sqlite3_bind_int64(p, 1, now);
	if (sqlite3_step(p) != SQLITE_DONE)
		rc = db_error(s, err, "expiring sessions");
	sqlite3_reset(p);
	if (rc == 0 && (p = stmt(s, S_SESSION_ADD, err))) {
		sqlite3_bind_text(p, 1, token_hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p, 2, user_id);
		sqlite3_bind_text(p, 3, csrf, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p, 4, now);
		sqlite3_bind_int64(p, 5, expires_at);
		if (sqlite3_step(p) != SQLITE_DONE)
			rc = db_error(s, err, "starting a session");
		sqlite3_reset(p);
	} else if (rc == 0) {
		rc = -1;
	}
	return tx_leave(s, rc, err);
}

static int
sqlite_session_get(struct store *st, const char *token_hash, int64_t now, struct session *out, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_SESSION_GET, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!p)
		return -1;
	sqlite3_bind_text(p, 1, token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 2, now);
	rc = sqlite3_step(p);
	if (rc == SQLITE_ROW) {
		read_user(p, &out->user);
		col_copy(p, 6, out->csrf, sizeof(out->csrf));
		out->expires_at = sqlite3_column_int64(p, 7);
	}
	sqlite3_reset(p);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return db_error(s, err, "reading a session");
	return 0;
}

static int
sqlite_session_delete(struct store *st, const char *token_hash, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_SESSION_DELETE, err);

	if (!p)
		return -1;
	sqlite3_bind_text(p, 1, token_hash, -1, SQLITE_STATIC);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "ending a session");
	return 0;
}

static int
sqlite_token_add(struct store *st, const char *token_hash, int64_t user_id, const char *name, int64_t now,
		 int64_t *id, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p;

	if (check_len("token name", name, NAME_MAX_LEN, err) < 0)
		return -1;
	if (!(p = stmt(s, S_TOKEN_ADD, err)))
		return -1;
	sqlite3_bind_text(p, 1, token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 2, user_id);
	sqlite3_bind_text(p, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 4, now);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "creating a token");
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int
sqlite_token_user(struct store *st, const char *token_hash, struct user *out, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_TOKEN_USER, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!p)
		return -1;
	sqlite3_bind_text(p, 1, token_hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(p);
	if (rc == SQLITE_ROW)
		read_user(p, out);
	sqlite3_reset(p);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return db_error(s, err, "reading a token");
	return 0;
}

static int
sqlite_token_revoke(struct store *st, int64_t id, int64_t now, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_TOKEN_REVOKE, err);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, id);
	sqlite3_bind_int64(p, 2, now);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "revoking a token");
	return sqlite3_changes(s->db) ? 0 : STORE_NOTFOUND;
}

static int
sqlite_token_list(struct store *st, struct api_token **out, size_t *n, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_TOKEN_LIST, err);
	struct api_token *arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			sqlite3_reset(p);
			free(arr);
			return error_set(err, "out of memory listing tokens");
		}
		arr[cnt].id = sqlite3_column_int64(p, 0);
		arr[cnt].user_id = sqlite3_column_int64(p, 1);
		col_copy(p, 2, arr[cnt].user, sizeof(arr[cnt].user));
		col_copy(p, 3, arr[cnt].name, sizeof(arr[cnt].name));
		arr[cnt].created_at = sqlite3_column_int64(p, 4);
		arr[cnt].revoked_at = sqlite3_column_int64(p, 5);
		cnt++;
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		free(arr);
		return db_error(s, err, "listing tokens");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

/* ---- health and activity ------------------------------------------------ */

static int
sqlite_health_record(struct store *st, int64_t account_id, const char *feed, int64_t now, int ok, int64_t synced,
		     const char *error, int64_t corrections, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	size_t len = ok || !error ? 0 : strnlen(error, 255);
	sqlite3_stmt *p;

	if (check_len("feed", feed, 31, err) < 0)
		return -1;
	if (!(p = stmt(s, S_HEALTH_RECORD, err)))
		return -1;
	/* bounded like the row it is read into (a line, not a page), cut
	 * between UTF-8 characters, never inside one */
	if (len == 255)
		while (len && ((unsigned char)error[len] & 0xC0) == 0x80)
			len--;
	sqlite3_bind_int64(p, 1, account_id);
	sqlite3_bind_text(p, 2, feed, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p, 3, now);
	sqlite3_bind_int(p, 4, ok != 0);
	sqlite3_bind_int64(p, 5, synced);
	sqlite3_bind_text(p, 6, len ? error : "", (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(p, 7, corrections);
	if (sqlite3_step(p) != SQLITE_DONE)
		return db_error(s, err, "recording a feed's health");
	return 0;
}

static int
sqlite_health_list(struct store *st, int64_t account_id, struct feed_health **out, size_t *n, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_HEALTH_LIST, err);
	struct feed_health *arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			sqlite3_reset(p);
			free(arr);
			return error_set(err, "out of memory reading health");
		}
		arr[cnt].account_id = sqlite3_column_int64(p, 0);
		col_copy(p, 1, arr[cnt].feed, sizeof(arr[cnt].feed));
		arr[cnt].last_run_at = sqlite3_column_int64(p, 2);
		arr[cnt].last_success_at = sqlite3_column_int64(p, 3);
		arr[cnt].synced_count = sqlite3_column_int64(p, 4);
		arr[cnt].errors_last_run = sqlite3_column_int64(p, 5);
		col_copy(p, 6, arr[cnt].last_error, sizeof(arr[cnt].last_error));
		arr[cnt].corrections = sqlite3_column_int64(p, 7);
		cnt++;
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		free(arr);
		return db_error(s, err, "reading health");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

static int
sqlite_queue_hourly(struct store *st, int64_t account_id, const char *queue, int64_t since, struct hour_count **out,
		    size_t *n, struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_Q_HOURLY, err);
	struct hour_count *arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	bind_text_or_null(p, 2, queue);
	sqlite3_bind_int64(p, 3, since);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			sqlite3_reset(p);
			free(arr);
			return error_set(err, "out of memory counting attempts");
		}
		arr[cnt].hour = sqlite3_column_int64(p, 0);
		col_copy(p, 1, arr[cnt].outcome, sizeof(arr[cnt].outcome));
		arr[cnt].count = sqlite3_column_int64(p, 2);
		cnt++;
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		free(arr);
		return db_error(s, err, "counting attempts per hour");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

static int
sqlite_queue_activity(struct store *st, int64_t account_id, struct queue_activity **out, size_t *n,
		      struct sbuf *err)
{
	struct sqlite_state *s = state_of(st);
	sqlite3_stmt *p = stmt(s, S_Q_ACTIVITY, err);
	struct queue_activity *arr = NULL;
	size_t alloc = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, account_id);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		if (grow((void **)&arr, &alloc, cnt + 1, sizeof(*arr)) < 0) {
			sqlite3_reset(p);
			free(arr);
			return error_set(err, "out of memory reading queue activity");
		}
		col_copy(p, 0, arr[cnt].queue, sizeof(arr[cnt].queue));
		col_copy(p, 1, arr[cnt].direction, sizeof(arr[cnt].direction));
		arr[cnt].last_success_at = sqlite3_column_int64(p, 2);
		arr[cnt].last_activity_at = sqlite3_column_int64(p, 3);
		arr[cnt].items = sqlite3_column_int64(p, 4);
		cnt++;
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		free(arr);
		return db_error(s, err, "reading queue activity");
	}
	*out = arr;
	*n = cnt;
	return 0;
}

const struct store_backend store_sqlite_backend = {
	.name = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.tx_rollback = sqlite_tx_rollback,
#define STORE_OP(name, params, args) .name = sqlite_##name,
#include "store/store_ops.def"
#undef STORE_OP
};
