/* The C ABI as the glue modules see it: plain C, linked against libinkan.so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/err.h>

#include <inkan/inkan.h>

#define S(lit) ((inkan_str_t){lit, sizeof(lit) - 1})

static const char *header(const inkan_response_t *r, const char *name)
{
    static char value[256];
    for (size_t i = 0; i < r->nheaders; i++) {
        if (r->headers[i].name.len == strlen(name) && memcmp(r->headers[i].name.data, name, strlen(name)) == 0) {
            size_t n = r->headers[i].value.len < sizeof(value) - 1 ? r->headers[i].value.len : sizeof(value) - 1;
            memcpy(value, r->headers[i].value.data, n);
            value[n] = '\0';
            return value;
        }
    }
    return NULL;
}

static int body_contains(const inkan_response_t *r, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= r->body_len; i++) {
        if (memcmp(r->body + i, needle, n) == 0) return 1;
    }
    return 0;
}

static void endpoints_are_known_by_name(void **state)
{
    (void)state;
    assert_true(inkan_endpoint_known(S("officer")));
    assert_true(inkan_endpoint_known(S("enroll")));
    assert_false(inkan_endpoint_known(S("office")));
    assert_false(inkan_endpoint_known(S("")));
    assert_false(inkan_endpoint_known((inkan_str_t){NULL, 0}));
}

static void empty_conninfo_is_refused(void **state)
{
    char err[128] = "";
    (void)state;
    assert_null(inkan_context_new("", 4, NULL, NULL, err, sizeof err));
    assert_non_null(strstr(err, "conninfo"));
}

/* What the log callback received (one test at a time). */
static struct {
    int calls, level;
    void *data, *request;
    char line[512];
} logged;

static void record_log(void *data, void *request, int level, const char *message, size_t len)
{
    logged.calls++;
    logged.level = level;
    logged.data = data;
    logged.request = request;
    len = len < sizeof(logged.line) - 1 ? len : sizeof(logged.line) - 1;
    memcpy(logged.line, message, len);
    logged.line[len] = '\0';
}

/* A database that is not there: the core still answers, with 503 / code 520. */
static inkan_context_t *unreachable(void)
{
    char err[128];
    inkan_context_t *ctx = inkan_context_new("host=/nonexistent/socket/dir dbname=x connect_timeout=1", 2,
                                             record_log, &logged, err, sizeof err);
    assert_non_null(ctx);
    return ctx;
}

static inkan_request_t request(inkan_str_t endpoint, inkan_str_t method,
                               inkan_str_t mount, inkan_str_t path)
{
    inkan_request_t req = {0};

    req.endpoint = endpoint;
    req.method = method;
    req.mount = mount;
    req.path = path;
    return req;
}

static void database_down_gives_503_json(void **state)
{
    inkan_context_t *ctx = unreachable();
    inkan_header_t accept = {S("Accept"), S("application/json")};
    /* a pickup link lookup needs the database */
    inkan_request_t req = request(S("enroll"), S("GET"), S("/enroll/"), S("/enroll/pickup"));
    inkan_response_t *resp = NULL;
    (void)state;

    req.query = S("t=some-token");
    req.headers = &accept;
    req.nheaders = 1;
    req.tls = 1;

    assert_int_equal(inkan_handle(ctx, &req, &resp), INKAN_OK);
    assert_non_null(resp);
    assert_int_equal(resp->status, 503);
    assert_string_equal(header(resp, "Content-Type"), "application/json");
    assert_true(body_contains(resp, "\"code\":\"520\""));
    /* Nothing may be left on this thread's OpenSSL error queue. */
    assert_int_equal(ERR_peek_error(), 0);
    inkan_response_free(resp);
    inkan_context_free(ctx);
}

static void abi_version_matches_the_header(void **state)
{
    (void)state;
    assert_int_equal(inkan_abi_version(), INKAN_ABI_VERSION);
}

/* Log lines reach the glue's callback with its request pointer and the
   request id, which the response carries too. */
static void errors_are_logged_through_the_callback_with_the_request_id(void **state)
{
    inkan_context_t *ctx = unreachable();
    inkan_request_t req = request(S("enroll"), S("GET"), S("/enroll/"), S("/enroll/pickup"));
    inkan_response_t *resp = NULL;
    int marker;
    (void)state;

    memset(&logged, 0, sizeof logged);
    req.query = S("t=abc");
    req.request_id = S("5f1c2a9b");
    req.log_request = &marker;
    assert_int_equal(inkan_handle(ctx, &req, &resp), INKAN_OK);
    assert_int_equal(resp->status, 503);
    assert_string_equal(header(resp, "X-Request-Id"), "5f1c2a9b");
    assert_true(logged.calls >= 1);
    assert_int_equal(logged.level, INKAN_LOG_ERROR);
    assert_ptr_equal(logged.data, &logged);
    assert_ptr_equal(logged.request, &marker);
    assert_non_null(strstr(logged.line, "[5f1c2a9b]"));
    assert_non_null(strstr(logged.line, "database unavailable"));
    inkan_response_free(resp);

    /* Without an id from the server, the core makes one. */
    req.request_id = (inkan_str_t){NULL, 0};
    assert_int_equal(inkan_handle(ctx, &req, &resp), INKAN_OK);
    assert_true(strlen(header(resp, "X-Request-Id")) >= 16);
    inkan_response_free(resp);
    inkan_context_free(ctx);
}

/* Endpoints that answer relying parties and plain clients (crl, ocsp, the
 * server's own errors) explain failures on a bilingual page. */
static void html_error_page_is_bilingual(void **state)
{
    inkan_context_t *ctx = unreachable();
    inkan_request_t req = request(S("crl"), S("GET"), S("/crl"), S("/crl/1.crl"));
    inkan_response_t *resp = NULL;
    (void)state;

    assert_int_equal(inkan_handle(ctx, &req, &resp), INKAN_OK);
    assert_int_equal(resp->status, 503);
    assert_true(strncmp(header(resp, "Content-Type"), "text/html", 9) == 0);
    assert_true(body_contains(resp, "データベース"));
    assert_true(body_contains(resp, "database is unavailable"));
    inkan_response_free(resp);
    inkan_context_free(ctx);
}

static void bad_method_and_unknown_path_never_reach_the_database(void **state)
{
    inkan_context_t *ctx = unreachable();
    inkan_request_t req = request(S("enroll"), S("DELETE"), S("/enroll/"), S("/enroll/pickup"));
    inkan_response_t *resp = NULL;
    (void)state;

    assert_int_equal(inkan_handle(ctx, &req, &resp), INKAN_OK);
    assert_int_equal(resp->status, 405);
    /* the router names what the path takes */
    assert_string_equal(header(resp, "Allow"), "GET, HEAD, POST");
    inkan_response_free(resp);

    req.method = S("GET");
    req.path = S("/enroll/../etc/passwd");
    assert_int_equal(inkan_handle(ctx, &req, &resp), INKAN_OK);
    assert_int_equal(resp->status, 404);
    inkan_response_free(resp);
    inkan_context_free(ctx);
}

static void officer_without_certificate_is_403_before_any_query(void **state)
{
    inkan_context_t *ctx = unreachable();
    inkan_request_t req = request(S("officer"), S("GET"), S("/ra/"), S("/ra/"));
    inkan_response_t *resp = NULL;
    (void)state;

    req.tls = 1;
    req.client_verify = S("FAILED:unable to verify");
    req.client_cert = S("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    /* An unverified certificate is refused before the database is asked,
       so the answer is 403 even while the database is down. */
    assert_int_equal(inkan_handle(ctx, &req, &resp), INKAN_OK);
    assert_int_equal(resp->status, 403);
    assert_true(body_contains(resp, "501"));
    inkan_response_free(resp);
    inkan_context_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(endpoints_are_known_by_name),
        cmocka_unit_test(empty_conninfo_is_refused),
        cmocka_unit_test(database_down_gives_503_json),
        cmocka_unit_test(html_error_page_is_bilingual),
        cmocka_unit_test(abi_version_matches_the_header),
        cmocka_unit_test(errors_are_logged_through_the_callback_with_the_request_id),
        cmocka_unit_test(bad_method_and_unknown_path_never_reach_the_database),
        cmocka_unit_test(officer_without_certificate_is_403_before_any_query),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
