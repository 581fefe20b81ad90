// Unit tests of core functions, one rule per test, each able to fail.
#include <openssl/err.h>

#include <ctime>
#include <set>
#include <string>

#include "ca/builder.hpp"
#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "crypto/random.hpp"
#include "crypto/seal.hpp"
#include "crypto/x509.hpp"
#include "http/page.hpp"
#include "http/request.hpp"
#include "mail/outbox.hpp"
#include "officer/functions.hpp"
#include "policy/names.hpp"
#include "store/audit.hpp"

// cmocka's macros (fail, ...) clash with the standard library: include it last.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

extern "C" {
#include <cmocka.h>
}

using namespace inkan;

namespace {

void readable_secrets_avoid_lookalikes(void**) {
    std::string s = crypto::random_readable(5000);
    assert_int_equal(s.size(), 5000);
    for (char bad : std::string("0O1lIo")) assert_true(s.find(bad) == std::string::npos);
    std::set<char> seen(s.begin(), s.end());
    assert_int_equal(seen.size(), crypto::kUnambiguousAlphabet.size());  // every allowed character occurs
}

void tokens_are_unique_and_url_safe(void**) {
    std::string a = crypto::random_token(), b = crypto::random_token();
    assert_true(a != b);
    assert_int_equal(a.size(), 43);
    for (char c : a) assert_true(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
}

void secret_hash_verifies_only_the_secret(void**) {
    std::string h = crypto::hash_secret("Abc234");
    assert_true(h.rfind("pbkdf2-sha256$", 0) == 0);
    assert_true(crypto::verify_secret("Abc234", h));
    assert_false(crypto::verify_secret("Abc235", h));
    assert_false(crypto::verify_secret("Abc234", "pbkdf2-sha256$0$AAAA$AAAA"));
    assert_false(crypto::verify_secret("Abc234", "garbage"));
    assert_true(h != crypto::hash_secret("Abc234"));  // salted
}

void base64_round_trip_and_rejects_garbage(void**) {
    std::string raw = std::string("\x00\xff\x10 binary", 10);
    assert_true(crypto::unbase64(crypto::base64(raw)) == raw);
    assert_string_equal(crypto::base64url("\xfb\xff").c_str(), "-_8");
    bool threw = false;
    try {
        crypto::unbase64("abc");
    } catch (const InternalError&) {
        threw = true;
    }
    assert_true(threw);
    ERR_clear_error();
}

void sealed_values_open_only_with_key_and_context(void**) {
    std::string key = crypto::random_bytes(crypto::kSealKeyBytes), other = crypto::random_bytes(crypto::kSealKeyBytes);
    std::string sealed = crypto::seal(key, "-----BEGIN PRIVATE KEY-----", "application 7");
    assert_true(sealed.find("PRIVATE") == std::string::npos);
    assert_true(crypto::unseal(key, sealed, "application 7") == "-----BEGIN PRIVATE KEY-----");
    assert_false(crypto::unseal(other, sealed, "application 7").has_value());
    assert_false(crypto::unseal(key, sealed, "application 8").has_value());
    std::string flipped = sealed;
    flipped[20] ^= 1;
    assert_false(crypto::unseal(key, flipped, "application 7").has_value());
    assert_false(crypto::unseal(key, "short", "application 7").has_value());
    assert_true(crypto::unbase64url(crypto::base64url(key)) == key);
    assert_int_equal(ERR_peek_error(), 0);
}

void dn_values_follow_upki_charset(void**) {
    assert_false(policy::check_dn_value("Example University").has_value());
    assert_false(policy::check_dn_value("Univ. of X (Tokyo), 'A'-B/C:D=E").has_value());
    assert_true(policy::check_dn_value("Bad_Underscore").has_value());
    assert_true(policy::check_dn_value("東京").has_value());
    assert_true(policy::check_dn_value("").has_value());
    assert_true(policy::check_dn_value(std::string(65, 'a')).has_value());
    assert_false(policy::check_dn_value(std::string(64, 'a')).has_value());
}

void locality_rules(void**) {
    assert_false(policy::check_locality("Chiyoda-ku").has_value());
    assert_false(policy::check_locality("Kyoto City").has_value());
    assert_true(policy::check_locality("City").has_value());
    assert_true(policy::check_locality("Academe").has_value());
    assert_true(policy::check_locality("Default City").has_value());
}

void person_names_and_mail(void**) {
    assert_false(policy::check_person_cn("Taro Yamada").has_value());
    assert_false(policy::check_person_cn("t.yamada@lab_1").has_value());
    assert_true(policy::check_person_cn("山田太郎").has_value());
    assert_false(policy::check_mail("taro@example.ac.jp").has_value());
    assert_true(policy::check_mail("taro").has_value());
    assert_true(policy::check_mail("a@b@c.jp").has_value());
    assert_true(policy::check_mail("taro@localhost").has_value());
    assert_true(policy::check_mail("taro @example.ac.jp").has_value());
    assert_true(policy::check_mail("<x>@example.ac.jp").has_value());
}

void domains_refuse_public_suffixes_and_bad_labels(void**) {
    assert_false(policy::check_registrable_domain("example.ac.jp").has_value());
    assert_false(policy::check_registrable_domain("xn--wgv71a119e.jp").has_value());  // 日本語.jp
    assert_true(policy::check_registrable_domain("ac.jp").has_value());
    assert_true(policy::check_registrable_domain("jp").has_value());
    assert_true(policy::check_registrable_domain("Example.ac.jp").has_value());
    assert_true(policy::check_registrable_domain("-bad.ac.jp").has_value());
    assert_true(policy::check_registrable_domain("a..ac.jp").has_value());
    assert_true(policy::check_registrable_domain("xn--zz.ac.jp").has_value());
    assert_true(policy::check_registrable_domain("*.example.ac.jp").has_value());
}

void within_respects_label_boundaries(void**) {
    assert_true(policy::within("www.example.ac.jp", "example.ac.jp"));
    assert_true(policy::within("example.ac.jp", "example.ac.jp"));
    assert_false(policy::within("badexample.ac.jp", "example.ac.jp"));
    assert_false(policy::within("ac.jp", "example.ac.jp"));
}

void urlencoded_forms_decode(void**) {
    auto f = http::parse_urlencoded("t=a%2Bb&pin=12+34&empty=&t=second&%ZZ=x");
    assert_string_equal(f["t"].c_str(), "a+b");  // first value wins
    assert_string_equal(f["pin"].c_str(), "12 34");
    assert_string_equal(f["empty"].c_str(), "");
    assert_string_equal(f["%ZZ"].c_str(), "x");
    assert_string_equal(http::url_encode("a b/ü").c_str(), "a%20b%2F%C3%BC");
}

void language_and_json_negotiation(void**) {
    http::Request r;
    r.path = "/";
    assert_true(r.lang() == http::Lang::ja);
    r.headers = {{"accept-language", "en-US,en;q=0.9,ja;q=0.8"}};
    assert_true(r.lang() == http::Lang::en);
    r.query = "lang=ja";
    assert_true(r.lang() == http::Lang::ja);
    assert_false(r.wants_json());
    r.headers.push_back({"Accept", "application/json"});
    assert_true(r.wants_json());
    http::Request api;
    api.path = "/api/v1/me";
    assert_true(api.wants_json());
}

void html_escape_covers_attribute_breakers(void**) {
    assert_string_equal(http::escape("<a href=\"x\" onclick='y'>&").c_str(),
                        "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;");
}

void error_page_keeps_query_on_language_switch(void**) {
    http::Request r;
    r.path = "/pickup";
    r.query = "t=tok&lang=ja";
    auto resp = http::error_response(r, Error("510", {"拒否", "denied"}, 403));
    assert_int_equal(resp.status, 403);
    assert_true(resp.body.find("href=\"?lang=en&amp;t=tok\"") != std::string::npos);
    assert_true(resp.body.find("拒否") != std::string::npos && resp.body.find("denied") != std::string::npos);
}

void mail_compose_encodes_subject_and_body(void**) {
    mail::Mail m{{"a@example.ac.jp", "b@example.ac.jp"}, "件名 subject", "一行目\nline two\n", "test"};
    std::string msg = mail::compose(m, "inkan <inkan@example.ac.jp>", "id@example.ac.jp", "Mon, 1 Jan 2026 00:00:00 +0000");
    assert_true(msg.find("Subject: =?UTF-8?B?" + crypto::base64("件名 subject") + "?=\r\n") != std::string::npos);
    assert_true(msg.find("To: a@example.ac.jp, b@example.ac.jp\r\n") != std::string::npos);
    std::string body = msg.substr(msg.find("\r\n\r\n") + 4);
    std::string joined;
    for (char c : body)
        if (c != '\r' && c != '\n') joined += c;
    assert_string_equal(crypto::unbase64(joined).c_str(), "一行目\r\nline two\r\n");
}

void granted_functions_follow_grants(void**) {
    // An S/MIME grant opens the client file (client and S/MIME lines share it).
    authz::Grant g{"example.ac.jp", "", {authz::Kind::smime}, {authz::Action::issue, authz::Action::stats}};
    auto fns = officer::granted_functions({g});
    assert_true(std::set<std::string>(fns.begin(), fns.end()) == std::set<std::string>({"client", "stats", "logout"}));
    authz::Grant s{"example.ac.jp", "", {authz::Kind::server}, {authz::Action::issue}};
    fns = officer::granted_functions({s});
    assert_true(std::set<std::string>(fns.begin(), fns.end()) == std::set<std::string>({"server", "logout"}));
    assert_int_equal(officer::granted_functions({}).size(), 1);  // only logout
}

void audit_canonical_form_is_stable(void**) {
    assert_string_equal(audit::canonical("1", "2026-01-01T00:00:00.000000Z", "cli:root", "a.b", "x:1", "{}").c_str(),
                        "1\n2026-01-01T00:00:00.000000Z\ncli:root\na.b\nx:1\n{}");
}

void ca_builder_issues_a_verifiable_chain(void**) {
    std::time_t now = std::time(nullptr);
    auto root_key = crypto::generate_ec("P-384");
    ca::CertSpec root;
    root.subject = {{"C", "JP"}, {"O", "Test"}, {"CN", "Test Root"}};
    root.public_key = root_key.get();
    root.not_before = now;
    root.not_after = now + 86400;
    root.is_ca = true;
    root.key_usage = "critical,keyCertSign,cRLSign";
    auto root_cert = ca::sign(root, nullptr, root_key.get());

    auto leaf_key = crypto::generate_rsa(2048);
    ca::CertSpec leaf;
    leaf.subject = {{"C", "JP"}, {"ST", "Tokyo"}, {"L", "Chiyoda-ku"}, {"O", "Test"}, {"CN", "t.user@x_1"}};
    leaf.public_key = leaf_key.get();
    leaf.not_before = now;
    leaf.not_after = now + 3600;
    leaf.key_usage = "critical,digitalSignature";
    leaf.extended_key_usage = "clientAuth";
    auto cert = ca::sign(leaf, root_cert.get(), root_key.get());

    assert_int_equal(X509_verify(cert.get(), root_key.get()), 1);
    assert_int_equal(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA384);
    std::string serial = crypto::serial_hex(cert.get());
    assert_int_equal(serial.size(), 32);             // 16 bytes, high bit clear so no padding octet
    assert_true(serial[0] >= '4' && serial[0] <= '7');  // 0x40..0x7f: positive, first octet non-zero
    assert_string_equal(crypto::subject_text(cert.get()).c_str(), "CN=t.user@x_1,O=Test,L=Chiyoda-ku,ST=Tokyo,C=JP");
    // C is a PrintableString; a CN with '@' or '_' falls back to UTF8String.
    X509_NAME* name = X509_get_subject_name(cert.get());
    assert_int_equal(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, 0))->type, V_ASN1_PRINTABLESTRING);
    assert_int_equal(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, 4))->type, V_ASN1_UTF8STRING);
    assert_int_equal(X509_check_ca(cert.get()), 0);
    assert_true(X509_check_ca(root_cert.get()) > 0);

    std::string p12 = crypto::pkcs12(leaf_key.get(), cert.get(), {root_cert.get()}, "pw", "name");
    assert_true(p12.size() > 1000);
    assert_true(crypto::fingerprint_sha256(cert.get()) == crypto::sha256(crypto::cert_to_der(cert.get())));
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(readable_secrets_avoid_lookalikes),
        cmocka_unit_test(tokens_are_unique_and_url_safe),
        cmocka_unit_test(secret_hash_verifies_only_the_secret),
        cmocka_unit_test(base64_round_trip_and_rejects_garbage),
        cmocka_unit_test(sealed_values_open_only_with_key_and_context),
        cmocka_unit_test(dn_values_follow_upki_charset),
        cmocka_unit_test(locality_rules),
        cmocka_unit_test(person_names_and_mail),
        cmocka_unit_test(domains_refuse_public_suffixes_and_bad_labels),
        cmocka_unit_test(within_respects_label_boundaries),
        cmocka_unit_test(urlencoded_forms_decode),
        cmocka_unit_test(language_and_json_negotiation),
        cmocka_unit_test(html_escape_covers_attribute_breakers),
        cmocka_unit_test(error_page_keeps_query_on_language_switch),
        cmocka_unit_test(mail_compose_encodes_subject_and_body),
        cmocka_unit_test(granted_functions_follow_grants),
        cmocka_unit_test(audit_canonical_form_is_stable),
        cmocka_unit_test(ca_builder_issues_a_verifiable_chain),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
