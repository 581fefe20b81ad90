/*
 * inkan C ABI: the only interface between the web server glue (nginx,
 * Apache) and the C++ core.  One request goes in, one response comes out.
 *
 * Every function is safe to call from any thread, never throws, and leaves
 * the calling thread's OpenSSL error queue empty.  Strings are (data, len)
 * pairs so that servers can pass their own string types without copying;
 * they need not be NUL-terminated.
 */
#ifndef INKAN_INKAN_H
#define INKAN_INKAN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define INKAN_API __attribute__((visibility("default")))
#else
#define INKAN_API
#endif

typedef struct {
    const char *data;
    size_t      len;
} inkan_str_t;

typedef struct {
    inkan_str_t name;
    inkan_str_t value;
} inkan_header_t;

/*
 * Incremented whenever a struct or a function signature below changes; the
 * glue modules compare inkan_abi_version() with the INKAN_ABI_VERSION they
 * were compiled against and refuse to start on a mismatch.
 */
#define INKAN_ABI_VERSION 4

enum {
    INKAN_LOG_ERROR = 0,
    INKAN_LOG_WARN = 1,
    INKAN_LOG_INFO = 2
};

/*
 * Where the core's log lines go: the glue writes them to the server's own
 * log (nginx: ngx_log_error on the request's log; Apache: ap_log_rerror).
 * log_data is the pointer given to inkan_context_new(); log_request is the
 * request's own (NULL outside a request).  message is not NUL-terminated.
 * Called on the thread that runs inkan_handle().
 */
typedef void (*inkan_log_fn)(void *log_data, void *log_request, int level,
    const char *message, size_t len);

typedef struct {
    inkan_str_t            endpoint;      /* "officer", "enroll", ...      */
    inkan_str_t            method;
    inkan_str_t            mount;         /* configured location prefix    */
    inkan_str_t            path;          /* full request path, no query   */
    inkan_str_t            query;         /* without '?'                   */
    const inkan_header_t  *headers;
    size_t                 nheaders;
    const unsigned char   *body;
    size_t                 body_len;
    int                    tls;           /* 1 when the request came over TLS */
    inkan_str_t            client_verify; /* SUCCESS / NONE / FAILED:reason */
    inkan_str_t            client_cert;   /* PEM of the verified client cert */
    inkan_str_t            peer;          /* client address                */
    inkan_str_t            request_id;    /* the server's id of the request;
                                             the core makes one if empty */
    void                  *log_request;   /* passed back to the log callback */
} inkan_request_t;

/*
 * The body is either in memory (body, body_len; body_fd is -1) or, for a
 * body of any size such as an inventory export, in a file: body_fd is an
 * open descriptor of an already unlinked file of body_len bytes, to be sent
 * from offset 0.  The glue that sends it takes the descriptor (and sets
 * body_fd to -1); otherwise inkan_response_free() closes it.
 */
typedef struct {
    int                    status;
    const inkan_header_t  *headers;
    size_t                 nheaders;
    const unsigned char   *body;
    size_t                 body_len;
    int                    body_fd;
} inkan_response_t;

typedef struct inkan_context_s inkan_context_t;

enum {
    INKAN_OK = 0,
    INKAN_ERROR = -1,
    INKAN_DECLINED = 1
};

/* Version string of the core, e.g. "0.1.0". */
INKAN_API const char *inkan_version(void);

/* The INKAN_ABI_VERSION the library was built with. */
INKAN_API unsigned inkan_abi_version(void);

/* 1 if name is an endpoint the core serves, else 0 (for config checks). */
INKAN_API int inkan_endpoint_known(inkan_str_t name);

/*
 * Creates a per-process context with a PostgreSQL connection pool of at
 * most pool_size connections.  Connections are opened lazily, so this
 * succeeds while the database is down.  Call it after fork().  log may be
 * NULL (lines then go to stderr).  On failure returns NULL and writes a
 * message into err.
 */
INKAN_API inkan_context_t *inkan_context_new(const char *conninfo,
    unsigned pool_size, inkan_log_fn log, void *log_data, char *err,
    size_t err_len);

INKAN_API void inkan_context_free(inkan_context_t *ctx);

/*
 * Handles one request.  Always produces a response (500 on internal
 * failure) unless memory runs out, in which case it returns INKAN_ERROR
 * and *out is NULL.  Free the response with inkan_response_free().
 */
INKAN_API int inkan_handle(inkan_context_t *ctx, const inkan_request_t *req,
    inkan_response_t **out);

/*
 * Answers the request from memory if it can, without blocking: a GET of a
 * CRL or OCSP response the core holds in its cache.  INKAN_OK with *out set,
 * or INKAN_DECLINED (then call inkan_handle() where blocking is allowed).
 * Safe to call on a server's event loop.
 */
INKAN_API int inkan_handle_cached(inkan_context_t *ctx,
    const inkan_request_t *req, inkan_response_t **out);

INKAN_API void inkan_response_free(inkan_response_t *resp);

#ifdef __cplusplus
}
#endif

#endif /* INKAN_INKAN_H */
