/*
 * deliver.h - outbound webhook deliveries from one background thread.
 *
 * An emulator hands over a finished request (URL, headers, body); the thread
 * POSTs it with libcurl after an optional delay and reports the outcome to
 * the emulator's callback on that thread.  A request handler never waits.
 */
#ifndef SANDBOX_DELIVER_H
#define SANDBOX_DELIVER_H

#include <stddef.h>

#define DELIVERY_MAXHDR 12

struct delivery;
typedef void (*delivery_done_fn)(void *, const struct delivery *, long, int);

struct delivery {
	char			*url;
	char			*body;
	size_t			 len;
	char			*hdr[DELIVERY_MAXHDR];	/* "Name: value" */
	int			 nhdr;
	long			 ref;		/* emulator's id (webhook) */
	int			 kind;		/* emulator's meaning */
	long long		 due_ms;
	delivery_done_fn	 done;
	void			*ctx;
	struct delivery		*next;
};

struct deliverer;

struct deliverer *deliverer_new(void);
/* takes the delivery (and everything it points to) */
void		 deliverer_push(struct deliverer *, struct delivery *, long);
void		 deliverer_set(struct deliverer *, long, long);	/* timeout, delay */
void		 deliverer_stop(struct deliverer *);	/* joins the thread */
void		 deliverer_free(struct deliverer *);	/* stops, then frees */
void		 delivery_header(struct delivery *, const char *, const char *);
void		 delivery_free(struct delivery *);
long		 deliverer_pending(struct deliverer *);

#endif
