// Unit tests of the profile registry (keys, validity and its caps, lookups)
// and of the authorization words and grants.
#include <ctime>

#include "authz/grants.hpp"
#include "crypto/x509.hpp"
#include "profile/profile.hpp"
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

std::time_t utc(int y, int m, int d) {
    struct tm tm {};
    tm.tm_year = y - 1900, tm.tm_mon = m - 1, tm.tm_mday = d;
    return timegm(&tm);
}

profile::Profile months_profile(int months, profile::Cap cap) {
    profile::Profile p;
    p.id = "t";
    p.validity_months = months;
    p.cap = cap;
    return p;
}

void keys_follow_the_profile(void**) {
    auto rsa = crypto::generate_rsa(2048), p384 = crypto::generate_ec("P-384"), p256 = crypto::generate_ec("P-256");
    auto rsa3072 = crypto::generate_rsa(3072);
    auto p3 = testing::rsa_server_profile(), p11 = testing::ecc_server_profile();
    assert_true(profile::accepts_key(p3, rsa.get()));
    assert_false(profile::accepts_key(p3, rsa3072.get()));
    assert_false(profile::accepts_key(p3, p384.get()));
    assert_true(profile::accepts_key(p11, p384.get()));
    assert_false(profile::accepts_key(p11, p256.get()));
    p11.key_types.push_back(profile::KeyType::ec_p256);  // a service that enables P-256
    assert_true(profile::accepts_key(p11, p256.get()));
    assert_true(profile::key_type_of(p256.get()) == profile::KeyType::ec_p256);
    assert_true(profile::parse_key_type("ec-p384") == profile::KeyType::ec_p384);
    assert_false(profile::parse_key_type("dsa-1024").has_value());
}

void validity_follows_profile_and_caps(void**) {
    auto p3 = testing::rsa_server_profile();
    assert_int_equal(profile::validity_days(p3, utc(2026, 12, 1)), 198);
    assert_int_equal(profile::validity_days(p3, utc(2027, 3, 15)), 100);
    assert_int_equal(profile::validity_days(p3, utc(2029, 3, 15)), 47);
    // Months count calendar months, clamped to the end of a shorter month.
    assert_int_equal(profile::validity_days(months_profile(13, profile::Cap::none), utc(2026, 1, 10)), 396);
    assert_int_equal(profile::validity_days(months_profile(1, profile::Cap::none), utc(2027, 1, 31)), 28);
    // The S/MIME BRs cap every certificate at 825 days: 52 months cannot be issued as asked.
    assert_int_equal(profile::validity_days(months_profile(25, profile::Cap::smime), utc(2026, 12, 1)), 762);
    assert_int_equal(profile::validity_days(months_profile(52, profile::Cap::smime), utc(2026, 12, 1)), 825);
}

void catalog_finds_and_lists_issuable(void**) {
    auto withdrawn = testing::rsa_server_profile();
    withdrawn.id = "5";
    withdrawn.kind = authz::Kind::client;
    withdrawn.issuable = false;
    withdrawn.replaced_by = "14";
    profile::Catalog c({testing::rsa_server_profile(), testing::ecc_server_profile(), withdrawn});
    assert_non_null(c.find("11"));
    assert_null(c.find("99"));
    assert_string_equal(c.issuable_ids(authz::Kind::server).c_str(), "3, 11");
    assert_true(c.issuable(authz::Kind::client).empty());
    assert_string_equal(c.find("5")->replaced_by.c_str(), "14");
}

void words_round_trip(void**) {
    for (auto a : authz::all_actions()) assert_true(authz::parse_action(authz::to_string(a)) == a);
    assert_true(authz::parse_kind("code-signing") == authz::Kind::code_signing);
    assert_true(authz::parse_action("export") == authz::Action::export_inventory);
    assert_false(authz::parse_kind("Server").has_value());
    assert_false(authz::parse_action("").has_value());
}

void grants_scope_names_kinds_and_actions(void**) {
    using authz::Action;
    using authz::Kind;
    std::vector<authz::Grant> g = {{"example.ac.jp", "lab.example.ac.jp", {Kind::server}, {Action::issue}},
                                   {"example.ac.jp", "", {Kind::client}, {Action::revoke}}};
    assert_true(authz::permits(g, "www.lab.example.ac.jp", Kind::server, Action::issue));
    assert_true(authz::permits(g, "*.lab.example.ac.jp", Kind::server, Action::issue));
    assert_false(authz::permits(g, "www.example.ac.jp", Kind::server, Action::issue));
    assert_false(authz::permits(g, "www.lab.example.ac.jp", Kind::server, Action::revoke));
    assert_false(authz::permits(g, "www.evillab.example.ac.jp", Kind::server, Action::issue));
    assert_true(authz::covers(g, "a.example.ac.jp", Kind::client));
    assert_true(authz::allows(g, Action::revoke));
    assert_false(authz::allows(g, Action::stats));
    assert_true(authz::scopes(g, Kind::server) == std::vector<std::string>{"lab.example.ac.jp"});
    assert_true(authz::has_kind(g, Kind::client));
    assert_false(authz::has_kind(g, Kind::acme));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_follow_the_profile),
        cmocka_unit_test(validity_follows_profile_and_caps),
        cmocka_unit_test(catalog_finds_and_lists_issuable),
        cmocka_unit_test(words_round_trip),
        cmocka_unit_test(grants_scope_names_kinds_and_actions),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
