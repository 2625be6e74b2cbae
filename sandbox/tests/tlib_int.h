/*
 * tlib_int.h - shared between tlib.c, tlib_proc.c and tlib_http.c only.
 */
#ifndef SANDBOX_TLIB_INT_H
#define SANDBOX_TLIB_INT_H

#include <stddef.h>
#include <sys/types.h>

void	*tl_xmalloc(size_t);
void	*tl_xrealloc(void *, size_t);
/* appends n bytes to a growable NUL-terminated buffer */
void	 tl_buf_add(char **, size_t *, size_t *, const char *, size_t);
/* curl_global_init, atexit clean-up, SIGPIPE ignored: once */
void	 tl_reg_init(void);
/* remember (add) or forget a child to kill at exit */
void	 tl_reg_pid(pid_t, int);

#endif
