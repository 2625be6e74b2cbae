/*
 * wire.h - the sandbox's own small wire-format helpers.
 *
 * The sandbox must not share parsing or mapping code with the connectors in
 * src/, so that a bug there cannot be hidden by the same bug here.  This file
 * holds everything the emulators need to speak HTTP and JSON: a growable
 * buffer, a JSON writer that emits money as exact decimal text, exact money
 * values, ISO 8601 dates, PHP-compatible URL coding, base64, a seeded PRNG
 * and a string hash index.
 *
 * Ownership: functions named _take hand a heap pointer to the caller, who
 * frees it; everything else leaves ownership where it was.
 */
#ifndef SANDBOX_WIRE_H
#define SANDBOX_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* ---- growable buffer: buf is never NULL and always NUL-terminated ---- */
struct wbuf {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};
#define WBUF_INIT { NULL, 0, 0 }

void	 wbuf_add(struct wbuf *, const void *, size_t);
void	 wbuf_adds(struct wbuf *, const char *);
void	 wbuf_addc(struct wbuf *, char);
void	 wbuf_addf(struct wbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 wbuf_reset(struct wbuf *);
void	 wbuf_release(struct wbuf *);
char	*wbuf_take(struct wbuf *);	/* caller frees; buffer is reset */
const char *wbuf_str(struct wbuf *);	/* "" when empty */

/* ---- JSON writer: commas and nesting handled for the caller ---- */
#define JW_MAXDEPTH 64
struct jw {
	struct wbuf	*out;
	int		 depth;
	unsigned char	 first[JW_MAXDEPTH];
	int		 after_key;
	int		 php;		/* PHP json_encode: \/ and \uXXXX */
	/* WordPress ?_fields=: keys kept at depth fdepth (NULL: all) */
	char		**fields;
	int		 nfields;
	int		 fdepth;
	int		 skip;		/* swallowing a filtered-out value */
	int		 skip_depth;
};

void	 jw_init(struct jw *, struct wbuf *);
void	 jw_obj(struct jw *);
void	 jw_obj_end(struct jw *);
void	 jw_arr(struct jw *);
void	 jw_arr_end(struct jw *);
void	 jw_key(struct jw *, const char *);
void	 jw_str(struct jw *, const char *);	/* NULL writes "" */
void	 jw_strn(struct jw *, const char *, size_t);
void	 jw_str_or_null(struct jw *, const char *);
void	 jw_int(struct jw *, long long);
void	 jw_bool(struct jw *, int);
void	 jw_null(struct jw *);
void	 jw_raw(struct jw *, const char *);	/* already valid JSON text */
/* key + value shorthands */
void	 jw_kstr(struct jw *, const char *, const char *);
void	 jw_kint(struct jw *, const char *, long long);
void	 jw_kbool(struct jw *, const char *, int);
void	 jw_knull(struct jw *, const char *);
void	 jw_kraw(struct jw *, const char *, const char *);
void	 json_escape(struct wbuf *, const char *, size_t, int);
/* a jansson value written through the writer (its escaping rules) */
struct json_t;
void	 jw_json(struct jw *, const struct json_t *);

/* ---- money: an exact decimal, units * 10^-scale; never a double ---- */
struct money {
	int64_t	units;
	uint8_t	scale;
	uint8_t	set;	/* 0: "" (no value) */
};

int	 money_parse(const char *, struct money *);	/* -1 if not a decimal */
void	 money_fmt(const struct money *, char *, size_t); /* "" when unset */
void	 money_fmt_dp(const struct money *, int, char *, size_t);
struct money money_cents(int64_t);
int64_t	 money_to_scale(const struct money *, int);	/* rounds half away */
int	 money_cmp(const struct money *, const struct money *);
struct json_t;
/* a JSON number or numeric string; reals recovered via %.15g text */
int	 money_from_json(const struct json_t *, struct money *);

/* ---- dates: YYYY-MM-DDTHH:MM:SS, zone given as minutes east of UTC ---- */
void	 date_fmt(int64_t, int, char *, size_t);
/*
 * Parses an RFC 3339 date-time as WordPress' rest_parse_date accepts it
 * (T or space, optional fraction, optional Z or +hh:mm).  *wall gets the
 * wall-clock seconds as written (zone ignored); *has_zone and *zone_min tell
 * whether and which zone was given.  Returns -1 on a malformed date.
 */
int	 date_parse(const char *, int64_t *, int *, int *);
int64_t	 now_utc(void);

/* ---- URL coding (PHP semantics) ---- */
char	*url_decode_take(const char *, size_t, int);	/* plus: '+' is space */
void	 url_rawencode(struct wbuf *, const char *);	/* PHP rawurlencode */

struct kv {
	char	*key;
	char	*val;
};
struct kvlist {
	struct kv	*v;
	size_t		 n;
	size_t		 cap;
};
void	 kv_parse_query(struct kvlist *, const char *, size_t);
void	 kv_add(struct kvlist *, const char *, const char *);
const char *kv_get(const struct kvlist *, const char *);
void	 kv_release(struct kvlist *);

/* ---- base64 and HMAC ---- */
char	*b64_encode_take(const unsigned char *, size_t);
int	 b64_decode(const char *, unsigned char *, size_t, size_t *);
int	 hmac_b64(const char *, const char *, size_t, const char *, char *,
	    size_t);	/* algo "sha1"/"sha256"; out gets base64 */
int	 ct_streq(const char *, const char *);	/* constant-time equal */

/* ---- deterministic PRNG: splitmix64 seeding xoshiro256** ---- */
struct rng {
	uint64_t s[4];
};
void	 rng_seed(struct rng *, uint64_t);
uint64_t rng_next(struct rng *);
uint64_t rng_below(struct rng *, uint64_t);
double	 rng_unit(struct rng *);	/* [0,1), used for fault odds only */
void	 rng_hex(struct rng *, char *, size_t);	/* n-1 hex digits + NUL */

/* ---- string -> long hash index (keys owned by the caller) ---- */
struct strmap_slot {
	const char	*key;	/* NULL empty, STRMAP_TOMB deleted */
	uint64_t	 hash;
	long		 val;
};
struct strmap {
	struct strmap_slot	*slot;
	size_t			 cap;
	size_t			 used;	/* live + tombstones */
	size_t			 live;
	int			 nocase;
};
void	 strmap_init(struct strmap *, int);
void	 strmap_release(struct strmap *);
void	 strmap_put(struct strmap *, const char *, long);
long	 strmap_get(const struct strmap *, const char *);	/* -1 absent */
/* every value stored under the key, up to max; returns how many */
size_t	 strmap_getall(const struct strmap *, const char *, long *, size_t);
void	 strmap_del(struct strmap *, const char *, long);

/*
 * ---- record table: pointers indexed by id - base ----
 * Lookup by id is O(1) and a scan in id order needs no sort; a deleted
 * record leaves a NULL slot.  The table owns nothing: callers free records.
 */
struct tab {
	void	**v;
	size_t	  n;	/* slots used; next id = base + n */
	size_t	  cap;
	long	  base;
	size_t	  live;
};
void	*tab_get(const struct tab *, long);	/* NULL: no such id */
long	 tab_add(struct tab *, void *);		/* returns the new id */
long	 tab_reserve(struct tab *);		/* an id with no record */
int	 tab_put(struct tab *, long, void *);	/* -1: id below base/taken */
void	*tab_del(struct tab *, long);		/* returns the record */
long	 tab_next_id(const struct tab *);
void	 tab_release(struct tab *, void (*)(void *));

/* ---- reading request JSON (jansson) ---- */
struct json_t;
const char *jx_str(const struct json_t *, const char *);	/* NULL: absent/not string */
int	 jx_has(const struct json_t *, const char *);
/* money as exact decimal text into buf; "" when unset */
void	 money_text(const struct money *, char *, size_t);
/* a bare JSON number from a money value (null when unset) */
void	 jw_money_num(struct jw *, const struct money *);
/* a + b and a * b, exact (scale up to 8) */
struct money money_add(const struct money *, const struct money *);
struct money money_mul(const struct money *, const struct money *);
struct money money_neg(const struct money *);

/* ---- misc ---- */
char	*xstrdup(const char *);		/* aborts on ENOMEM; NULL stays NULL */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
int	 parse_long(const char *, long *);	/* whole string, base 10 */
int	 str_empty(const char *);

#endif
