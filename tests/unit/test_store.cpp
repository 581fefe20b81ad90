// Repository tests against a real PostgreSQL with inkan's migrations applied.
// Not run by ctest: tests/e2e/test_repositories.py starts the database and
// passes INKAN_TEST_OWNER_DB (schema owner) and INKAN_TEST_RA_DB (web role).
// Every test writes inside a transaction that it rolls back.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "store/acme.hpp"
#include "store/acme_validation.hpp"
#include "store/applications.hpp"
#include "store/grants.hpp"
#include "store/profiles.hpp"
#include "store/reauthorization.hpp"
#include "support/server_profiles.hpp"

// cmocka's macros clash with the standard library: include it last.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

extern "C" {
#include <cmocka.h>
}

using namespace inkan;

namespace {

std::string conninfo(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// An institution with one domain and one active officer; returns {institution, officer}.
std::pair<int64_t, int64_t> seed_officer(store::Connection& c, const std::string& tag) {
    auto inst = c.query("INSERT INTO institutions (name_en, st, l) VALUES ($1, 'Tokyo', 'Chiyoda-ku') RETURNING id",
                        "Store Test " + tag);
    int64_t institution = inst.integer(0, 0);
    c.query("INSERT INTO domains (institution_id, name) VALUES ($1, $2)", institution, tag + ".store-test.ac.jp");
    auto off = c.query("INSERT INTO officers (institution_id, name, email) VALUES ($1, 'Store Officer', $2) RETURNING id",
                       institution, "officer@" + tag + ".store-test.ac.jp");
    return {institution, off.integer(0, 0)};
}

void expect_same(const profile::Profile& got, const profile::Profile& want) {
    assert_true(got.kind == want.kind);
    assert_true(got.key_types == want.key_types);
    assert_true(got.validity_days == want.validity_days);
    assert_true(got.cap == want.cap);
    assert_string_equal(got.issuing_ca.c_str(), want.issuing_ca.c_str());
    assert_string_equal(got.extended_key_usage.c_str(), want.extended_key_usage.c_str());
    assert_string_equal(got.policy_oids_setting.c_str(), want.policy_oids_setting.c_str());
    assert_string_equal(got.lint.c_str(), want.lint.c_str());
    assert_string_equal(got.tsv_schema.c_str(), want.tsv_schema.c_str());
    assert_true(got.delivery == want.delivery);
    assert_true(got.issuable == want.issuable);
}

void profiles_table_holds_every_upki_profile(void**) {
    store::Connection ra(conninfo("INKAN_TEST_RA_DB"));
    auto catalog = store::load_profiles(ra);
    expect_same(*catalog.find("3"), testing::rsa_server_profile());
    expect_same(*catalog.find("11"), testing::ecc_server_profile());
    assert_string_equal(catalog.issuable_ids(authz::Kind::server).c_str(), "3, 11");
    for (const char* id : {"13", "14"}) assert_true(catalog.find(id)->kind == authz::Kind::client);
    for (const char* id : {"15", "16"}) assert_true(catalog.find(id)->kind == authz::Kind::smime);
    assert_int_equal(*catalog.find("13")->validity_months, 13);
    assert_int_equal(*catalog.find("16")->validity_months, 25);
    // The 52-month profiles exceed the S/MIME BR cap: refused, naming the replacement.
    assert_false(catalog.find("5")->issuable);
    assert_string_equal(catalog.find("5")->replaced_by.c_str(), "14");
    assert_string_equal(catalog.find("7")->replaced_by.c_str(), "16");
    auto officer = catalog.issuable(authz::Kind::officer);
    assert_int_equal(officer.size(), 1);
    assert_true(officer.front()->delivery == profile::Delivery::officer_pickup);
}

void grants_drop_words_this_build_does_not_know(void**) {
    store::Connection c(conninfo("INKAN_TEST_OWNER_DB"));
    store::Transaction tx(c);
    auto [institution, officer] = seed_officer(c, "grants");
    c.query("INSERT INTO grants (officer_id, domain_id, kinds, actions) "
            "SELECT $1, id, '{server,teleport}', '{issue,fly,stats}' FROM domains WHERE institution_id = $2",
            officer, institution);
    auto grants = store::grants_of(c, officer);
    assert_int_equal(grants.size(), 1);
    assert_true(grants[0].kinds == std::vector<authz::Kind>{authz::Kind::server});
    assert_true((grants[0].actions == std::vector<authz::Action>{authz::Action::issue, authz::Action::stats}));
    assert_string_equal(grants[0].domain.c_str(), "grants.store-test.ac.jp");
}

// Rows arrive one at a time; a failing callback and a failing statement
// both leave the connection ready for the next statement.
void rows_stream_one_at_a_time(void**) {
    store::Connection c(conninfo("INKAN_TEST_OWNER_DB"));
    int64_t sum = 0, rows = 0;
    c.each_row("SELECT g FROM generate_series(1, $1::int) g", {store::Param(int64_t{5000})}, [&](const store::Result& r) {
        assert_int_equal(r.rows(), 1);
        sum += r.integer(0, 0);
        rows++;
    });
    assert_int_equal(rows, 5000);
    assert_int_equal(sum, 5000 * 5001 / 2);
    bool thrown = false;
    try {
        c.each_row("SELECT g FROM generate_series(1, 1000000) g", {}, [&](const store::Result& r) {
            if (r.integer(0, 0) == 3) throw std::runtime_error("enough");
        });
    } catch (const std::runtime_error& e) {
        thrown = std::string(e.what()) == "enough";
    }
    assert_true(thrown);
    assert_int_equal(c.query("SELECT 41 + 1").integer(0, 0), 42);
    bool refused = false;
    try {
        c.each_row("SELECT 1 / (g - 2) FROM generate_series(1, 3) g", {}, [](const store::Result&) {});
    } catch (const store::QueryError& e) {
        refused = e.sqlstate() == "22012";
    }
    assert_true(refused);
    assert_int_equal(c.query("SELECT 7").integer(0, 0), 7);
}

void claims_take_officer_pickups_first(void**) {
    store::Connection c(conninfo("INKAN_TEST_OWNER_DB"));
    store::Transaction tx(c);
    auto [institution, officer] = seed_officer(c, "claims");
    c.query("INSERT INTO applications (kind, operation, institution_id, officer_id, profile, subject_dn, dns_names) "
            "VALUES ('server', 'issue', $1, $2, '3', 'CN=www.claims.store-test.ac.jp', '{www.claims.store-test.ac.jp}')",
            institution, officer);
    c.query("INSERT INTO applications (kind, operation, institution_id, officer_id, public_key) "
            "VALUES ('officer', 'issue', $1, $2, '\\x00')",
            institution, officer);
    auto claimed = store::claim_issuances(c, 2);
    assert_false(claimed.empty());
    auto first = claimed.begin();
    assert_true(first->kind == authz::Kind::officer);
    assert_string_equal(first->officer_name.c_str(), "Store Officer");
    assert_string_equal(first->institution_o.c_str(), "Store Test claims");
    assert_true(store::acting_officer(c, institution, officer));
    assert_false(store::acting_officer(c, institution + 1000000, officer));
    // A pickup claimed with the PIN counts until a certificate is issued for it.
    int64_t pickup = c.query("INSERT INTO officer_pickups (officer_id, token_hash, pin_hash, expires_at, state) "
                             "VALUES ($1, sha256(random()::text::bytea), 'x', now() + interval '1 day', 'issuing') "
                             "RETURNING id",
                             officer)
                         .integer(0, 0);
    assert_true(store::claimed_pickup(c, officer, pickup));
    assert_false(store::claimed_pickup(c, officer + 1, pickup));
    c.query("INSERT INTO applications (kind, operation, institution_id, officer_id, public_key, pickup_id, state) "
            "VALUES ('officer', 'issue', $1, $2, '\\x00', $3, 'issued')",
            institution, officer, pickup);
    assert_false(store::claimed_pickup(c, officer, pickup));
    assert_true(store::registered_domains(c, institution) == std::vector<std::string>{"claims.store-test.ac.jp"});
}

// ACME nonces: each is good for one request, and only until it expires.
void acme_nonces_are_single_use_and_expire(void**) {
    store::Connection ra(conninfo("INKAN_TEST_RA_DB"));
    store::Transaction tx(ra);
    store::acme::add_nonce(ra, "store-test-n1", 60);
    assert_true(store::acme::swap_nonce(ra, "store-test-n1", "store-test-n2", 60));
    assert_false(store::acme::swap_nonce(ra, "store-test-n1", "store-test-n3", 60));  // used
    assert_true(store::acme::swap_nonce(ra, "store-test-n2", "store-test-n4", 60));   // the one handed out
    store::acme::add_nonce(ra, "store-test-old", -1);
    assert_false(store::acme::swap_nonce(ra, "store-test-old", "store-test-n5", 60));  // expired
    assert_false(store::acme::swap_nonce(ra, "never-issued", "store-test-n6", 60));
}

// A registration of `cn` with one account; returns {registration, account}.
std::pair<int64_t, int64_t> seed_acme(store::Connection& c, int64_t institution, int64_t officer, const std::string& cn,
                                      const std::string& tag) {
    int64_t registration =
        c.query("INSERT INTO acme_registrations (account_ref, institution_id, officer_id, subject_dn, server_profile, "
                "names, subscriber_name, subscriber_affiliation, subscriber_email, eab_kid, eab_key_sha256, "
                "eab_expires_at) VALUES ($5, $1, $2, $3, '3', ARRAY[$4], 'n', 'a', 'm@x.ac.jp', $5, "
                "'\\x00', now() + interval '1 day') RETURNING id",
                institution, officer, "CN=" + cn + ",O=Store Test,L=Chiyoda-ku,ST=Tokyo,C=JP", cn, "store-" + tag)
            .integer(0, 0);
    int64_t account = c.query("INSERT INTO acme_accounts (registration_id, jwk, thumbprint) VALUES ($1, '{}', $2) "
                              "RETURNING id",
                              registration, "tp-" + tag)
                          .integer(0, 0);
    return {registration, account};
}

// The order state machine: ready at once for registered names, else pending
// until every authorization is valid, invalid when one fails or the order
// expires; processing after finalize, then what the signer did.
void acme_order_states(void**) {
    store::Connection c(conninfo("INKAN_TEST_OWNER_DB"));
    store::Transaction tx(c);
    // (named variables, not structured bindings: clang 14 cannot capture those in a lambda)
    auto seeded = seed_officer(c, "acme");
    int64_t institution = seeded.first, officer = seeded.second;
    std::string cn = "www.acme.store-test.ac.jp";
    auto acme = seed_acme(c, institution, officer, cn, "acme");
    int64_t registration = acme.first, account = acme.second;
    std::vector<std::string> names = {cn};
    auto status = [&](int64_t order) { return store::acme::order(c, order)->status; };
    auto demand = [&](const char* types) {
        c.query("UPDATE institutions SET acme_challenges = $2::text[] WHERE id = $1", institution, types);
    };

    int64_t prevalidated = store::acme::create_order(c, account, names, 3600, std::nullopt, std::nullopt);
    assert_string_equal(status(prevalidated).c_str(), "ready");
    int64_t expired = store::acme::create_order(c, account, names, -1, std::nullopt, std::nullopt);
    assert_string_equal(status(expired).c_str(), "invalid");

    demand("{http-01,dns-01}");
    int64_t challenged = store::acme::create_order(c, account, names, 3600, std::nullopt, std::nullopt);
    assert_string_equal(status(challenged).c_str(), "pending");
    // The web role setting the order "ready" changes nothing: readiness comes from the authorizations.
    c.query("UPDATE acme_orders SET status = 'ready' WHERE id = $1", challenged);
    assert_string_equal(status(challenged).c_str(), "pending");
    int64_t authz = store::acme::order(c, challenged)->authorizations.at(0);
    auto challenges = store::acme::challenges_of(c, authz);
    assert_int_equal(challenges.size(), 2);
    assert_true(challenges[0].token.size() == 43 && challenges[0].token != challenges[1].token);
    // One challenge of an authorization at a time.
    assert_string_equal(store::acme::respond(c, challenges[0].id).c_str(), "processing");
    assert_string_equal(store::acme::respond(c, challenges[1].id).c_str(), "pending");
    auto claimed = store::acme::claim_validation(c);
    assert_true(claimed && claimed->challenge_id == challenges[0].id && claimed->name == cn && claimed->registered);
    assert_false(store::acme::claim_validation(c).has_value());  // leased
    store::acme::record_validation(c, *claimed, true, "");
    assert_string_equal(status(challenged).c_str(), "ready");
    assert_true(store::acme::unvalidated_names(c, challenged, names, {"http-01"}).empty());
    assert_true(store::acme::unvalidated_names(c, challenged, names, {"dns-01"}) == names);  // http-01 only
    assert_true(store::acme::unvalidated_names(c, prevalidated, names, {"http-01"}) == names);
    // A name the order's authorizations do not cover is never validated.
    std::vector<std::string> other = {"api.acme.store-test.ac.jp"};
    assert_true(store::acme::unvalidated_names(c, challenged, other, {"http-01"}) == other);

    demand("{http-01}");
    int64_t failing = store::acme::create_order(c, account, names, 3600, std::nullopt, std::nullopt);
    auto challenge = store::acme::challenges_of(c, store::acme::order(c, failing)->authorizations.at(0)).at(0);
    store::acme::respond(c, challenge.id);
    auto failed = store::acme::claim_validation(c);
    store::acme::record_validation(c, *failed, false, "connection: refused");
    assert_string_equal(status(failing).c_str(), "invalid");
    assert_int_equal(store::acme::failures_today(c, registration), 1);
    // Invalid is final: a late success changes nothing.
    store::acme::record_validation(c, *failed, true, "");
    assert_string_equal(status(failing).c_str(), "invalid");

    // finalize, then the signer's outcome.
    int64_t application = store::acme::submit_order(c, prevalidated, "\x30");
    assert_string_equal(status(prevalidated).c_str(), "processing");
    c.query("UPDATE applications SET state = 'failed', error = 'lint' WHERE id = $1", application);
    assert_string_equal(status(prevalidated).c_str(), "invalid");
    assert_string_equal(store::acme::order(c, prevalidated)->error.c_str(), "lint");
}

// Orders name the registration's names only, the CN among them.
void acme_orders_only_for_registered_names(void**) {
    store::Connection c(conninfo("INKAN_TEST_OWNER_DB"));
    store::Transaction tx(c);
    auto [institution, officer] = seed_officer(c, "acmenames");
    auto [registration, account] = seed_acme(c, institution, officer, "www.acmenames.store-test.ac.jp", "acmenames");
    (void)registration;
    std::string sqlstate;
    try {
        store::acme::create_order(c, account, {"other.acmenames.store-test.ac.jp"}, 3600, std::nullopt, std::nullopt);
    } catch (const store::QueryError& e) {
        sqlstate = e.sqlstate();
    }
    assert_string_equal(sqlstate.c_str(), "42501");
}

}  // namespace

int main() {
    if (conninfo("INKAN_TEST_OWNER_DB").empty() || conninfo("INKAN_TEST_RA_DB").empty()) {
        std::fprintf(stderr, "test_store needs INKAN_TEST_OWNER_DB and INKAN_TEST_RA_DB (see tests/e2e/test_repositories.py)\n");
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(profiles_table_holds_every_upki_profile),
        cmocka_unit_test(grants_drop_words_this_build_does_not_know),
        cmocka_unit_test(claims_take_officer_pickups_first),
        cmocka_unit_test(rows_stream_one_at_a_time),
        cmocka_unit_test(acme_nonces_are_single_use_and_expire),
        cmocka_unit_test(acme_order_states),
        cmocka_unit_test(acme_orders_only_for_registered_names),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
