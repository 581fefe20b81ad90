/*
 * mod_inkan: routes a location to an inkan core endpoint.
 *
 *   InkanDatabase "host=/run/postgresql dbname=inkan user=inkan_ra"
 *   <Location /ra>
 *       SetHandler inkan
 *       InkanEndpoint officer
 *   </Location>
 *
 * The module only translates between request_rec and the core's C ABI
 * (core/include/inkan/inkan.h).  The core call runs on the MPM worker
 * thread; each child process owns one connection pool, created in
 * child_init.
 */

#include "httpd.h"
#include "http_config.h"
#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "http_ssl.h"
#include "ap_mpm.h"

#include "apr_hash.h"
#include "apr_strings.h"

#include <inkan/inkan.h>

#include <stdint.h>
#include <unistd.h>

module AP_MODULE_DECLARE_DATA inkan_module;

/* The core holds a request body in memory: refuse anything larger than
 * this even where LimitRequestBody allows it (UPKI files are 99 lines). */
#define INKAN_MAX_BODY (16 * 1024 * 1024)

typedef struct {
    const char *database;
    int pool_size;
    inkan_context_t *inkan;
} inkan_server_conf;

typedef struct {
    const char *endpoint;
    const char *mount;
} inkan_dir_conf;

typedef struct {
    apr_array_header_t *headers;
} inkan_header_walk;

/* Set while reading the configuration when any location uses inkan. */
static int inkan_endpoint_used;

static inkan_str_t inkan_str(const char *s)
{
    inkan_str_t out;

    out.data = s ? s : "";
    out.len = s ? strlen(s) : 0;
    return out;
}

/* ---------------------------------------------------------------- config */

static void *create_inkan_server_conf(apr_pool_t *p, server_rec *s)
{
    inkan_server_conf *conf = apr_pcalloc(p, sizeof(*conf));

    (void)s;
    return conf;
}

static void *merge_inkan_server_conf(apr_pool_t *p, void *basev, void *addv)
{
    inkan_server_conf *base = basev, *add = addv;
    inkan_server_conf *conf = apr_pcalloc(p, sizeof(*conf));

    conf->database = add->database ? add->database : base->database;
    conf->pool_size = add->pool_size ? add->pool_size : base->pool_size;
    return conf;
}

static void *create_inkan_dir_conf(apr_pool_t *p, char *dir)
{
    inkan_dir_conf *conf = apr_pcalloc(p, sizeof(*conf));

    conf->mount = dir;
    return conf;
}

static void *merge_inkan_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    inkan_dir_conf *base = basev, *add = addv;
    inkan_dir_conf *conf = apr_pcalloc(p, sizeof(*conf));

    conf->endpoint = add->endpoint ? add->endpoint : base->endpoint;
    conf->mount = add->endpoint ? add->mount : base->mount;
    return conf;
}

static const char *set_database(cmd_parms *cmd, void *dummy, const char *arg)
{
    inkan_server_conf *conf;
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);

    (void)dummy;
    if (err) {
        return err;
    }
    conf = ap_get_module_config(cmd->server->module_config, &inkan_module);
    if (!*arg) {
        return "InkanDatabase: the conninfo must not be empty";
    }
    conf->database = arg;
    return NULL;
}

static const char *set_pool_size(cmd_parms *cmd, void *dummy, const char *arg)
{
    inkan_server_conf *conf;
    const char *err = ap_check_cmd_context(cmd, NOT_IN_DIR_CONTEXT);

    (void)dummy;
    if (err) {
        return err;
    }
    conf = ap_get_module_config(cmd->server->module_config, &inkan_module);
    conf->pool_size = atoi(arg);
    if (conf->pool_size < 1 || conf->pool_size > 1024) {
        return "InkanPoolSize: a number from 1 to 1024";
    }
    return NULL;
}

static const char *set_endpoint(cmd_parms *cmd, void *dconf, const char *arg)
{
    inkan_dir_conf *conf = dconf;

    if (cmd->path == NULL) {
        return "InkanEndpoint belongs inside <Location>";
    }
    if (!inkan_endpoint_known(inkan_str(arg))) {
        return apr_psprintf(cmd->pool, "InkanEndpoint: unknown endpoint '%s'",
                            arg);
    }
    conf->endpoint = arg;
    inkan_endpoint_used = 1;
    return NULL;
}

static const command_rec inkan_cmds[] = {
    AP_INIT_TAKE1("InkanDatabase", set_database, NULL, RSRC_CONF,
                  "libpq conninfo of the inkan database (role inkan_ra)"),
    AP_INIT_TAKE1("InkanPoolSize", set_pool_size, NULL, RSRC_CONF,
                  "PostgreSQL connections per child (default: threads per child)"),
    AP_INIT_TAKE1("InkanEndpoint", set_endpoint, NULL, ACCESS_CONF,
                  "core endpoint served here: officer, enroll, ..."),
    {NULL}
};

/* ----------------------------------------------------------------- hooks */

static int inkan_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp, server_rec *s)
{
    server_rec *vs;
    inkan_server_conf *conf;

    (void)pconf; (void)plog; (void)ptemp;
    if (!inkan_endpoint_used) {
        return OK;
    }
    if (inkan_abi_version() != INKAN_ABI_VERSION) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     "inkan: libinkan ABI %u does not match the module's %d: "
                     "rebuild the module against this libinkan",
                     inkan_abi_version(), INKAN_ABI_VERSION);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    /* fail closed: an endpoint without a database is a startup error */
    for (vs = s; vs; vs = vs->next) {
        conf = ap_get_module_config(vs->module_config, &inkan_module);
        if (conf->database) {
            return OK;
        }
    }
    ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                 "inkan: InkanEndpoint is used but InkanDatabase is not set");
    return HTTP_INTERNAL_SERVER_ERROR;
}

/* The core's log lines, written to the request's error log. */
static void inkan_log(void *data, void *request, int level,
                      const char *message, apr_size_t len)
{
    request_rec *r = request;
    server_rec *s = data;
    int alevel = level == INKAN_LOG_ERROR ? APLOG_ERR
                 : level == INKAN_LOG_WARN ? APLOG_WARNING : APLOG_INFO;

    if (r) {
        ap_log_rerror(APLOG_MARK, alevel, 0, r, "%.*s", (int)len, message);
    }
    else {
        ap_log_error(APLOG_MARK, alevel, 0, s, "%.*s", (int)len, message);
    }
}

static apr_status_t free_context(void *ctx)
{
    inkan_context_free(ctx);
    return APR_SUCCESS;
}

static void inkan_child_init(apr_pool_t *pchild, server_rec *s)
{
    int threads = 0;
    char err[256];
    server_rec *vs;
    inkan_server_conf *conf;
    apr_hash_t *by_conninfo = apr_hash_make(pchild);

    ap_mpm_query(AP_MPMQ_MAX_THREADS, &threads);
    /* one context per distinct database, shared by the vhosts using it */
    for (vs = s; vs; vs = vs->next) {
        conf = ap_get_module_config(vs->module_config, &inkan_module);
        if (!conf->database) {
            continue;
        }
        conf->inkan = apr_hash_get(by_conninfo, conf->database,
                                   APR_HASH_KEY_STRING);
        if (conf->inkan) {
            continue;
        }
        conf->inkan = inkan_context_new(conf->database,
                                        conf->pool_size ? conf->pool_size
                                        : (threads > 0 ? threads : 1),
                                        inkan_log, vs, err, sizeof(err));
        if (!conf->inkan) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, vs,
                         "inkan: cannot create the core context: %s", err);
            continue;
        }
        apr_hash_set(by_conninfo, conf->database, APR_HASH_KEY_STRING,
                     conf->inkan);
        apr_pool_cleanup_register(pchild, conf->inkan, free_context,
                                  apr_pool_cleanup_null);
    }
}

/* -------------------------------------------------------------- handler */

static int collect_header(void *data, const char *key, const char *value)
{
    inkan_header_walk *walk = data;
    inkan_header_t *h = apr_array_push(walk->headers);

    h->name = inkan_str(key);
    h->value = inkan_str(value);
    return 1;
}

static int read_body(request_rec *r, char **body, apr_size_t *len)
{
    apr_status_t rv;
    apr_bucket_brigade *bb, *all;
    int seen_eos = 0;

    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    all = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    do {
        rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES,
                            APR_BLOCK_READ, HUGE_STRING_LEN);
        if (rv != APR_SUCCESS) {
            /* LimitRequestBody and broken uploads end up here */
            return ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
        }
        seen_eos = !APR_BRIGADE_EMPTY(bb)
                   && APR_BUCKET_IS_EOS(APR_BRIGADE_LAST(bb));
        {
            apr_off_t total = 0;
            apr_brigade_length(all, 1, &total);
            if (total > INKAN_MAX_BODY) {
                return HTTP_REQUEST_ENTITY_TOO_LARGE;
            }
        }
        rv = ap_save_brigade(NULL, &all, &bb, r->pool);
        if (rv != APR_SUCCESS) {
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        apr_brigade_cleanup(bb);
    } while (!seen_eos);

    rv = apr_brigade_pflatten(all, body, len, r->pool);
    return rv == APR_SUCCESS ? OK : HTTP_INTERNAL_SERVER_ERROR;
}

static apr_status_t close_spooled_body(void *data)
{
    close((int)(intptr_t)data);
    return APR_SUCCESS;
}

/* The core's spooled body (an unlinked file of any size) as a file bucket;
 * the request's pool closes the descriptor. */
static void send_spooled_body(request_rec *r, inkan_response_t *resp)
{
    apr_file_t *file = NULL;
    apr_os_file_t fd = resp->body_fd;
    apr_bucket_brigade *bb;

    resp->body_fd = -1;
    apr_pool_cleanup_register(r->pool, (void *)(intptr_t)fd, close_spooled_body,
                              apr_pool_cleanup_null);
    if (r->header_only || resp->body_len == 0) {
        return;
    }
    /* apr_os_file_put only wraps the descriptor: it cannot fail here */
    apr_os_file_put(&file, &fd, APR_FOPEN_READ, r->pool);
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    apr_brigade_insert_file(bb, file, 0, resp->body_len, r->pool);
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(r->connection->bucket_alloc));
    ap_pass_brigade(r->output_filters, bb);
}

static void send_response(request_rec *r, inkan_response_t *resp)
{
    apr_size_t i;
    const inkan_header_t *h;

    r->status = resp->status;
    for (i = 0; i < resp->nheaders; i++) {
        h = &resp->headers[i];
        const char *name = apr_pstrmemdup(r->pool, h->name.data, h->name.len);
        const char *value = apr_pstrmemdup(r->pool, h->value.data, h->value.len);
        if (strcasecmp(name, "Content-Type") == 0) {
            ap_set_content_type(r, value);
        }
        else {
            apr_table_add(r->headers_out, name, value);
        }
    }
    ap_set_content_length(r, resp->body_len);
    if (resp->body_fd >= 0) {
        send_spooled_body(r, resp);
    }
    else if (!r->header_only && resp->body_len) {
        ap_rwrite(resp->body, (int)resp->body_len, r);
    }
}

static int inkan_handler(request_rec *r)
{
    int rc;
    char *body = NULL;
    apr_size_t body_len = 0;
    inkan_request_t req;
    inkan_response_t *resp;
    inkan_header_walk walk;
    inkan_dir_conf *dconf;
    inkan_server_conf *sconf;

    if (!r->handler || strcmp(r->handler, "inkan") != 0) {
        return DECLINED;
    }
    dconf = ap_get_module_config(r->per_dir_config, &inkan_module);
    sconf = ap_get_module_config(r->server->module_config, &inkan_module);
    if (!dconf->endpoint || !sconf->inkan) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      "inkan: %s", !dconf->endpoint
                      ? "SetHandler inkan without InkanEndpoint"
                      : "no core context (see InkanDatabase and start-up errors)");
        return HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = read_body(r, &body, &body_len);
    if (rc != OK) {
        return rc;
    }

    walk.headers = apr_array_make(r->pool, 16, sizeof(inkan_header_t));
    apr_table_do(collect_header, &walk, r->headers_in, NULL);

    memset(&req, 0, sizeof(req));
    req.endpoint = inkan_str(dconf->endpoint);
    req.method = inkan_str(r->method);
    req.mount = inkan_str(dconf->mount);
    req.path = inkan_str(r->uri);
    req.query = inkan_str(r->args);
    req.headers = (const inkan_header_t *)walk.headers->elts;
    req.nheaders = walk.headers->nelts;
    req.body = (const unsigned char *)body;
    req.body_len = body_len;
    req.tls = ap_ssl_conn_is_ssl(r->connection);
    if (req.tls) {
        req.client_verify = inkan_str(ap_ssl_var_lookup(r->pool, r->server,
                                      r->connection, r, "SSL_CLIENT_VERIFY"));
        req.client_cert = inkan_str(ap_ssl_var_lookup(r->pool, r->server,
                                    r->connection, r, "SSL_CLIENT_CERT"));
    }
    req.peer = inkan_str(r->useragent_ip);
    /* mod_unique_id's id when it is loaded; the core makes one otherwise */
    req.request_id = inkan_str(apr_table_get(r->subprocess_env, "UNIQUE_ID"));
    req.log_request = r;

    if (inkan_handle(sconf->inkan, &req, &resp) != INKAN_OK) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    send_response(r, resp);
    inkan_response_free(resp);
    return OK;
}

static void register_hooks(apr_pool_t *p)
{
    (void)p;
    ap_hook_post_config(inkan_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(inkan_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(inkan_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(inkan) = {
    STANDARD20_MODULE_STUFF,
    create_inkan_dir_conf,
    merge_inkan_dir_conf,
    create_inkan_server_conf,
    merge_inkan_server_conf,
    inkan_cmds,
    register_hooks,
    AP_MODULE_FLAG_NONE
};
