/*
 * ngx_http_inkan_module: routes a location to an inkan core endpoint.
 *
 *     thread_pool inkan threads=8;
 *     http {
 *         inkan_database "host=/run/postgresql dbname=inkan user=inkan_ra";
 *         inkan_thread_pool inkan;
 *         server {
 *             location /ra/ { inkan officer; }
 *         }
 *     }
 *
 * The glue only translates: the request is copied into an inkan_request_t,
 * the core call runs on a thread pool (it talks to PostgreSQL and may wait
 * for the signing worker), and the response is copied back.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <inkan/inkan.h>


#if !(NGX_THREADS)
#error ngx_http_inkan_module needs nginx configured --with-threads
#endif

#if !(NGX_HTTP_SSL)
#error ngx_http_inkan_module needs nginx configured --with-http_ssl_module
#endif


typedef struct {
    ngx_str_t                 database;
    ngx_uint_t                pool_size;
    ngx_str_t                 thread_pool_name;
    ngx_thread_pool_t        *thread_pool;
    ngx_flag_t                used;
    inkan_context_t          *inkan;
} ngx_http_inkan_main_conf_t;


typedef struct {
    ngx_str_t                 endpoint;
    ngx_str_t                 mount;
    ngx_flag_t                cached;    /* the core may answer from memory */
} ngx_http_inkan_loc_conf_t;


/* a part of the request body that nginx buffered in a temporary file */
typedef struct {
    ngx_fd_t                  fd;
    off_t                     offset;
    size_t                    len;
    u_char                   *dst;
} ngx_http_inkan_file_part_t;


typedef struct {
    ngx_http_request_t       *request;
    inkan_context_t          *inkan;
    inkan_request_t           req;
    ngx_array_t              *file_parts;
    ngx_int_t                 body_error;
    inkan_response_t         *resp;
    ngx_event_t               slow;      /* warns about a long core call */
} ngx_http_inkan_ctx_t;


/* a core call still running after this long is logged */
#define NGX_HTTP_INKAN_SLOW_MSEC  10000


static ngx_int_t ngx_http_inkan_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_inkan_cached(ngx_http_request_t *r);
static void ngx_http_inkan_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_inkan_post(ngx_http_request_t *r);
static ngx_int_t ngx_http_inkan_copy_request(ngx_http_request_t *r,
    ngx_http_inkan_ctx_t *ctx);
static ngx_int_t ngx_http_inkan_copy_body(ngx_http_request_t *r,
    ngx_http_inkan_ctx_t *ctx);
static void ngx_http_inkan_thread(void *data, ngx_log_t *log);
static void ngx_http_inkan_thread_done(ngx_event_t *ev);
static void ngx_http_inkan_slow_handler(ngx_event_t *ev);
static void ngx_http_inkan_send_response(ngx_http_request_t *r);
static void ngx_http_inkan_cleanup(void *data);
static void *ngx_http_inkan_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_inkan_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_inkan_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_inkan_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_inkan(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static ngx_int_t ngx_http_inkan_init_process(ngx_cycle_t *cycle);
static void ngx_http_inkan_log(void *data, void *request, int level,
    const char *message, size_t len);
static void ngx_http_inkan_exit_process(ngx_cycle_t *cycle);

#define ngx_http_inkan_str(s)  (inkan_str_t) { (const char *) (s).data, (s).len }


static ngx_command_t  ngx_http_inkan_commands[] = {

    { ngx_string("inkan_database"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_inkan_main_conf_t, database),
      NULL },

    { ngx_string("inkan_pool_size"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_inkan_main_conf_t, pool_size),
      NULL },

    { ngx_string("inkan_thread_pool"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_inkan_main_conf_t, thread_pool_name),
      NULL },

    { ngx_string("inkan"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_inkan,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_inkan_module_ctx = {
    NULL,                                  /* preconfiguration */
    NULL,                                  /* postconfiguration */

    ngx_http_inkan_create_main_conf,       /* create main configuration */
    ngx_http_inkan_init_main_conf,         /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_inkan_create_loc_conf,        /* create location configuration */
    ngx_http_inkan_merge_loc_conf          /* merge location configuration */
};


ngx_module_t  ngx_http_inkan_module = {
    NGX_MODULE_V1,
    &ngx_http_inkan_module_ctx,            /* module context */
    ngx_http_inkan_commands,               /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_inkan_init_process,           /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_inkan_exit_process,           /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_http_inkan_handler(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    ngx_http_inkan_loc_conf_t  *ilcf;

    ilcf = ngx_http_get_module_loc_conf(r, ngx_http_inkan_module);

    if (ilcf->cached && r->method == NGX_HTTP_GET) {
        rc = ngx_http_inkan_cached(r);

        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    /* the core sees the whole body at once; big uploads go to a file */
    r->request_body_in_single_buf = 1;

    rc = ngx_http_read_client_request_body(r, ngx_http_inkan_body_handler);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


/*
 * A CRL or OCSP response the core holds in memory is sent from the event
 * loop: no thread hop, no database.  NGX_DECLINED when it is not cached.
 */
static ngx_int_t
ngx_http_inkan_cached(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_pool_cleanup_t          *cln;
    ngx_http_inkan_ctx_t        *ctx;
    ngx_http_inkan_main_conf_t  *imcf;

    imcf = ngx_http_get_module_main_conf(r, ngx_http_inkan_module);

    if (imcf->inkan == NULL) {
        return NGX_DECLINED;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_inkan_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->request = r;
    ctx->inkan = imcf->inkan;

    if (ngx_http_inkan_copy_request(r, ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (inkan_handle_cached(ctx->inkan, &ctx->req, &ctx->resp) != INKAN_OK) {
        return NGX_DECLINED;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        inkan_response_free(ctx->resp);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_http_inkan_cleanup;
    cln->data = ctx;

    ngx_http_set_ctx(r, ctx, ngx_http_inkan_module);

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    /* send_response finalizes the request itself */
    r->main->count++;
    ngx_http_inkan_send_response(r);

    return NGX_DONE;
}


static void
ngx_http_inkan_body_handler(ngx_http_request_t *r)
{
    if (ngx_http_inkan_post(r) != NGX_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    }
}


static ngx_int_t
ngx_http_inkan_post(ngx_http_request_t *r)
{
    ngx_thread_task_t           *task;
    ngx_pool_cleanup_t          *cln;
    ngx_http_inkan_ctx_t        *ctx;
    ngx_http_inkan_main_conf_t  *imcf;

    imcf = ngx_http_get_module_main_conf(r, ngx_http_inkan_module);

    if (imcf->inkan == NULL || imcf->thread_pool == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "inkan: core not initialized in this worker");
        return NGX_ERROR;
    }

    task = ngx_thread_task_alloc(r->pool, sizeof(ngx_http_inkan_ctx_t));
    if (task == NULL) {
        return NGX_ERROR;
    }

    ctx = task->ctx;
    ctx->request = r;
    ctx->inkan = imcf->inkan;

    if (ngx_http_inkan_copy_request(r, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    cln->handler = ngx_http_inkan_cleanup;
    cln->data = ctx;

    ngx_http_set_ctx(r, ctx, ngx_http_inkan_module);

    task->handler = ngx_http_inkan_thread;
    task->event.data = ctx;
    task->event.handler = ngx_http_inkan_thread_done;

    if (ngx_thread_task_post(imcf->thread_pool, task) != NGX_OK) {
        return NGX_ERROR;
    }

    r->main->blocked++;
    r->aio = 1;
    r->write_event_handler = ngx_http_inkan_send_response;

    /*
     * A thread task cannot be cancelled; the timer makes a call that hangs
     * (a pool exhausted, a database that stopped answering) visible in the
     * error log while it runs.  Cancelable: shutdown does not wait for it.
     */
    ctx->slow.handler = ngx_http_inkan_slow_handler;
    ctx->slow.data = ctx;
    ctx->slow.log = r->connection->log;
    ctx->slow.cancelable = 1;
    ngx_add_timer(&ctx->slow, NGX_HTTP_INKAN_SLOW_MSEC);

    return NGX_OK;
}


static ngx_int_t
ngx_http_inkan_copy_request(ngx_http_request_t *r, ngx_http_inkan_ctx_t *ctx)
{
    ngx_str_t                   verify, cert;
    ngx_uint_t                  i, n;
    ngx_list_part_t            *part;
    ngx_table_elt_t            *h;
    inkan_header_t             *headers;
    ngx_connection_t           *c;
    ngx_http_inkan_loc_conf_t  *ilcf;
    ngx_http_variable_value_t  *id;

    static ngx_str_t  request_id_name = ngx_string("request_id");

    c = r->connection;
    ilcf = ngx_http_get_module_loc_conf(r, ngx_http_inkan_module);

    n = 0;
    for (part = &r->headers_in.headers.part; part; part = part->next) {
        n += part->nelts;
    }

    headers = ngx_palloc(r->pool, (n ? n : 1) * sizeof(inkan_header_t));
    if (headers == NULL) {
        return NGX_ERROR;
    }

    n = 0;
    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;
        for (i = 0; i < part->nelts; i++) {
            headers[n].name = ngx_http_inkan_str(h[i].key);
            headers[n].value = ngx_http_inkan_str(h[i].value);
            n++;
        }
    }

    ngx_str_null(&verify);
    ngx_str_null(&cert);

    if (c->ssl) {
        if (ngx_ssl_get_client_verify(c, r->pool, &verify) != NGX_OK
            || ngx_ssl_get_raw_certificate(c, r->pool, &cert) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    ctx->req.endpoint = ngx_http_inkan_str(ilcf->endpoint);
    ctx->req.method = ngx_http_inkan_str(r->method_name);
    ctx->req.mount = ngx_http_inkan_str(ilcf->mount);
    ctx->req.path = ngx_http_inkan_str(r->uri);
    ctx->req.query = ngx_http_inkan_str(r->args);
    ctx->req.headers = headers;
    ctx->req.nheaders = n;
    ctx->req.tls = c->ssl != NULL;
    ctx->req.client_verify = ngx_http_inkan_str(verify);
    ctx->req.client_cert = ngx_http_inkan_str(cert);
    ctx->req.peer = ngx_http_inkan_str(c->addr_text);

    /* nginx's $request_id, so that access and error logs name the same id */
    id = ngx_http_get_variable(r, &request_id_name,
                               ngx_hash_key(request_id_name.data,
                                            request_id_name.len));
    if (id && !id->not_found) {
        ctx->req.request_id.data = (const char *) id->data;
        ctx->req.request_id.len = id->len;
    }

    return ngx_http_inkan_copy_body(r, ctx);
}


static ngx_int_t
ngx_http_inkan_copy_body(ngx_http_request_t *r, ngx_http_inkan_ctx_t *ctx)
{
    size_t                       len;
    u_char                      *p;
    ngx_buf_t                   *b;
    ngx_chain_t                 *cl;
    ngx_http_inkan_file_part_t  *fp;

    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        return NGX_OK;
    }

    len = 0;
    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        len += ngx_buf_size(cl->buf);
    }

    if (len == 0) {
        return NGX_OK;
    }

    p = ngx_palloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ctx->req.body = p;
    ctx->req.body_len = len;

    /* memory buffers now; file parts are read on the thread */
    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (b->in_file) {
            if (ctx->file_parts == NULL) {
                ctx->file_parts = ngx_array_create(r->pool, 1,
                                            sizeof(ngx_http_inkan_file_part_t));
                if (ctx->file_parts == NULL) {
                    return NGX_ERROR;
                }
            }

            fp = ngx_array_push(ctx->file_parts);
            if (fp == NULL) {
                return NGX_ERROR;
            }

            fp->fd = b->file->fd;
            fp->offset = b->file_pos;
            fp->len = (size_t) (b->file_last - b->file_pos);
            fp->dst = p;
            p += fp->len;

        } else {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
        }
    }

    return NGX_OK;
}


static void
ngx_http_inkan_thread(void *data, ngx_log_t *log)
{
    ngx_http_inkan_ctx_t  *ctx = data;

    size_t                       done;
    ssize_t                      n;
    ngx_uint_t                   i;
    ngx_http_inkan_file_part_t  *fp;

    if (ctx->file_parts) {
        fp = ctx->file_parts->elts;

        for (i = 0; i < ctx->file_parts->nelts; i++) {
            for (done = 0; done < fp[i].len; done += n) {
                n = pread(fp[i].fd, fp[i].dst + done, fp[i].len - done,
                          fp[i].offset + done);
                if (n <= 0) {
                    ctx->body_error = 1;
                    return;
                }
            }
        }
    }

    /*
     * The core logs on this thread: through the thread pool's log, as
     * nginx's own thread code does, not the request's log, which the event
     * loop may be using; each line names the request id.
     */
    ctx->req.log_request = log;

    (void) inkan_handle(ctx->inkan, &ctx->req, &ctx->resp);
}


static void
ngx_http_inkan_thread_done(ngx_event_t *ev)
{
    ngx_connection_t      *c;
    ngx_http_request_t    *r;
    ngx_http_inkan_ctx_t  *ctx;

    ctx = ev->data;
    r = ctx->request;
    c = r->connection;

    ngx_http_set_log_request(c->log, r);

    if (ctx->slow.timer_set) {
        ngx_del_timer(&ctx->slow);
    }

    r->main->blocked--;
    r->aio = 0;

    /* ngx_http_inkan_send_response(), or nginx's finalizer if the client left */
    r->write_event_handler(r);

    ngx_http_run_posted_requests(c);
}


static void
ngx_http_inkan_slow_handler(ngx_event_t *ev)
{
    ngx_http_inkan_ctx_t  *ctx = ev->data;

    ngx_log_error(NGX_LOG_WARN, ev->log, 0,
                  "inkan: the core call for \"%V\" has been running for "
                  "%d s (is the thread pool or the database stuck?)",
                  &ctx->request->uri, NGX_HTTP_INKAN_SLOW_MSEC / 1000);

    /* keep reporting until the task is done */
    ngx_add_timer(ev, NGX_HTTP_INKAN_SLOW_MSEC);
}


/* the core's spooled body: an unlinked file, closed with the request's pool */
static ngx_buf_t *
ngx_http_inkan_file_buf(ngx_http_request_t *r, inkan_response_t *resp)
{
    ngx_buf_t                *b;
    ngx_pool_cleanup_t       *cln;
    ngx_pool_cleanup_file_t  *clnf;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_pool_cleanup_file_t));
    if (cln == NULL) {
        return NULL;
    }

    clnf = cln->data;
    clnf->fd = resp->body_fd;
    clnf->name = (u_char *) "inkan spooled body";
    clnf->log = r->pool->log;
    cln->handler = ngx_pool_cleanup_file;

    /* the pool owns the descriptor now */
    resp->body_fd = -1;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NULL;
    }

    b->file = ngx_pcalloc(r->pool, sizeof(ngx_file_t));
    if (b->file == NULL) {
        return NULL;
    }

    b->file->fd = clnf->fd;
    ngx_str_set(&b->file->name, "inkan spooled body");
    b->file->log = r->connection->log;
    b->in_file = resp->body_len ? 1 : 0;
    b->file_pos = 0;
    b->file_last = resp->body_len;

    return b;
}


static void
ngx_http_inkan_send_response(ngx_http_request_t *r)
{
    u_char                *semicolon;
    ngx_int_t              rc;
    ngx_buf_t             *b;
    ngx_uint_t             i;
    ngx_chain_t            out;
    ngx_table_elt_t       *h;
    inkan_header_t        *ih;
    inkan_response_t      *resp;
    ngx_http_inkan_ctx_t  *ctx;

    if (r->aio) {
        /* a write event while the core still runs on the thread pool */
        return;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_inkan_module);
    resp = ctx->resp;

    if (ctx->body_error || resp == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, ngx_errno,
                      "inkan: %s", ctx->body_error
                      ? "cannot read the buffered request body"
                      : "core returned no response");
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    r->headers_out.status = resp->status;
    r->headers_out.content_length_n = resp->body_len;

    for (i = 0; i < resp->nheaders; i++) {
        ih = (inkan_header_t *) &resp->headers[i];

        if (ih->name.len == sizeof("Content-Type") - 1
            && ngx_strncasecmp((u_char *) ih->name.data,
                               (u_char *) "Content-Type", ih->name.len) == 0)
        {
            r->headers_out.content_type.data = ngx_pnalloc(r->pool,
                                                           ih->value.len);
            if (r->headers_out.content_type.data == NULL) {
                goto failed;
            }

            ngx_memcpy(r->headers_out.content_type.data, ih->value.data,
                       ih->value.len);
            r->headers_out.content_type.len = ih->value.len;

            /* the type without "; charset=...", as filters compare it */
            semicolon = ngx_strlchr(r->headers_out.content_type.data,
                                    r->headers_out.content_type.data
                                    + ih->value.len, ';');
            r->headers_out.content_type_len = semicolon
                ? (size_t) (semicolon - r->headers_out.content_type.data)
                : ih->value.len;
            r->headers_out.content_type_lowcase = NULL;
            continue;
        }

        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            goto failed;
        }

        h->hash = 1;
        h->key.len = ih->name.len;
        h->key.data = ngx_pnalloc(r->pool, ih->name.len + ih->value.len);
        if (h->key.data == NULL) {
            goto failed;
        }

        ngx_memcpy(h->key.data, ih->name.data, ih->name.len);
        h->value.len = ih->value.len;
        h->value.data = h->key.data + ih->name.len;
        ngx_memcpy(h->value.data, ih->value.data, ih->value.len);
    }

    if (resp->body_fd >= 0) {
        b = ngx_http_inkan_file_buf(r, resp);

    } else {
        b = ngx_create_temp_buf(r->pool, resp->body_len ? resp->body_len : 1);
        if (b != NULL) {
            b->last = ngx_cpymem(b->pos, resp->body, resp->body_len);
        }
    }

    if (b == NULL) {
        goto failed;
    }

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    if (resp->body_len == 0) {
        r->header_only = 1;
    }

    inkan_response_free(resp);
    ctx->resp = NULL;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        ngx_http_finalize_request(r, rc);
        return;
    }

    out.buf = b;
    out.next = NULL;

    ngx_http_finalize_request(r, ngx_http_output_filter(r, &out));
    return;

failed:

    ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
}


static void
ngx_http_inkan_cleanup(void *data)
{
    ngx_http_inkan_ctx_t  *ctx = data;

    if (ctx->slow.timer_set) {
        ngx_del_timer(&ctx->slow);
    }

    if (ctx->resp) {
        inkan_response_free(ctx->resp);
        ctx->resp = NULL;
    }
}


static void *
ngx_http_inkan_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_inkan_main_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_inkan_main_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->database = { 0, NULL };
     *     conf->thread_pool_name = { 0, NULL };
     *     conf->thread_pool = NULL;
     *     conf->used = 0;
     *     conf->inkan = NULL;
     */

    conf->pool_size = NGX_CONF_UNSET_UINT;

    return conf;
}


static char *
ngx_http_inkan_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_inkan_main_conf_t  *imcf = conf;

    ngx_conf_init_uint_value(imcf->pool_size, 4);

    if (!imcf->used) {
        return NGX_CONF_OK;
    }

    if (inkan_abi_version() != INKAN_ABI_VERSION) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "libinkan ABI %ud does not match the module's %d: "
                           "rebuild the module against this libinkan",
                           inkan_abi_version(), INKAN_ABI_VERSION);
        return NGX_CONF_ERROR;
    }

    /* fail closed: a location without a database is a startup error */
    if (imcf->database.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"inkan\" is used but \"inkan_database\" is not set");
        return NGX_CONF_ERROR;
    }

    if (imcf->thread_pool_name.len == 0) {
        ngx_str_set(&imcf->thread_pool_name, "default");
    }

    imcf->thread_pool = ngx_thread_pool_add(cf, &imcf->thread_pool_name);
    if (imcf->thread_pool == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_inkan_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_inkan_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_inkan_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->endpoint = { 0, NULL };
     *     conf->mount = { 0, NULL };
     */

    conf->cached = NGX_CONF_UNSET;

    return conf;
}


static char *
ngx_http_inkan_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_inkan_loc_conf_t  *prev = parent;
    ngx_http_inkan_loc_conf_t  *conf = child;

    ngx_conf_merge_str_value(conf->endpoint, prev->endpoint, "");
    ngx_conf_merge_str_value(conf->mount, prev->mount, "");
    ngx_conf_merge_value(conf->cached, prev->cached, 0);

    return NGX_CONF_OK;
}


static char *
ngx_http_inkan(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_inkan_loc_conf_t  *ilcf = conf;

    ngx_str_t                   *value;
    ngx_http_core_loc_conf_t    *clcf;
    ngx_http_inkan_main_conf_t  *imcf;

    if (ilcf->endpoint.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (!inkan_endpoint_known(ngx_http_inkan_str(value[1]))) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown inkan endpoint \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    ilcf->endpoint = value[1];

    /* CRLs and OCSP responses may be answered from the core's memory */
    ilcf->cached = (value[1].len == 3
                    && ngx_strncmp(value[1].data, "crl", 3) == 0)
                   || (value[1].len == 4
                       && ngx_strncmp(value[1].data, "ocsp", 4) == 0);

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_inkan_handler;
    ilcf->mount = clcf->name;

    imcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_inkan_module);
    imcf->used = 1;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_inkan_init_process(ngx_cycle_t *cycle)
{
    char                         err[256], *conninfo;
    ngx_http_inkan_main_conf_t  *imcf;

    imcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_inkan_module);

    if (imcf == NULL || !imcf->used) {
        return NGX_OK;
    }

    conninfo = ngx_pnalloc(cycle->pool, imcf->database.len + 1);
    if (conninfo == NULL) {
        return NGX_ERROR;
    }

    ngx_cpystrn((u_char *) conninfo, imcf->database.data,
                imcf->database.len + 1);

    /* after fork: the pool's connections belong to this worker alone */
    imcf->inkan = inkan_context_new(conninfo, imcf->pool_size,
                                    ngx_http_inkan_log, NULL, err,
                                    sizeof(err));
    if (imcf->inkan == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cycle->log, 0,
                      "inkan_context_new() failed: %s", err);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The core's log lines, called on the thread pool thread that runs the
 * request, with that thread's log (see ngx_http_inkan_thread()).
 */
static void
ngx_http_inkan_log(void *data, void *request, int level, const char *message,
    size_t len)
{
    ngx_log_t   *log;
    ngx_uint_t   nlevel;

    log = request ? request : ngx_cycle->log;

    switch (level) {
    case INKAN_LOG_ERROR:
        nlevel = NGX_LOG_ERR;
        break;
    case INKAN_LOG_WARN:
        nlevel = NGX_LOG_WARN;
        break;
    default:
        nlevel = NGX_LOG_INFO;
    }

    ngx_log_error(nlevel, log, 0, "%*s", len, message);
}


static void
ngx_http_inkan_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_inkan_main_conf_t  *imcf;

    imcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_inkan_module);

    if (imcf && imcf->inkan) {
        inkan_context_free(imcf->inkan);
        imcf->inkan = NULL;
    }
}
