// Unit tests of the server-certificate rules (UPKI-FORMATS §2, §5, §6):
// each rule is triggered by a line built for it, against a fake registry.
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include "ca/builder.hpp"
#include "ca/lint.hpp"
#include "ca/lint_and_sign.hpp"
#include "ca/revocation.hpp"
#include "profile/validity.hpp"
#include "crypto/encoding.hpp"
#include "crypto/x509.hpp"
#include "http/multipart.hpp"
#include "policy/csr.hpp"
#include "policy/serial.hpp"
#include "tsv/dn.hpp"
#include "tsv/encoding.hpp"
#include "tsv/table.hpp"
#include "workflow/server_checks.hpp"
#include "support/server_profiles.hpp"
#include "util/text.hpp"

// cmocka's macros clash with the standard library: include it last.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
extern "C" {
#include <cmocka.h>
}

using namespace inkan;
using workflow::ApplyType;

namespace {

const std::string kO = "Example University", kL = "Chiyoda-ku", kSt = "Tokyo", kDomain = "example.ac.jp";

crypto::PKey& rsa_key() {
    static crypto::PKey k = crypto::generate_rsa(2048);
    return k;
}

// One-line base64 CSR with subject C, ST, L, O, CN (or as given), signed by key.
std::string csr(EVP_PKEY* key, const ca::Rdns& subject, const std::string& san = "", const EVP_MD* md = EVP_sha256()) {
    crypto::X509ReqPtr req(X509_REQ_new());
    auto name = ca::make_name(subject);
    X509_REQ_set_subject_name(req.get(), name.get());
    X509_REQ_set_pubkey(req.get(), key);
    if (!san.empty()) {
        STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
        sk_X509_EXTENSION_push(exts, X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str()));
        X509_REQ_add_extensions(req.get(), exts);
        sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    }
    X509_REQ_sign(req.get(), key, md);
    return crypto::base64(crypto::to_der(i2d_X509_REQ, static_cast<const X509_REQ*>(req.get())));
}

ca::Rdns subject(const std::string& cn, const std::string& o = kO) {
    return {{"C", "JP"}, {"ST", kSt}, {"L", kL}, {"O", o}, {"CN", cn}};
}

std::string dn(const std::string& cn, const std::string& o = kO) {
    return "CN=" + cn + ",O=" + o + ",L=" + kL + ",ST=" + kSt + ",C=JP";
}

std::vector<std::string> line(const std::string& cn, const std::string& csr_text, const std::string& profile = "3") {
    return {dn(cn), profile, "", "", "", "", csr_text, "山田 太郎", "情報基盤センター", "admin@" + kDomain, cn, "nginx", ""};
}

struct FakeRegistry : workflow::Registry {
    std::set<std::string> used;
    std::map<std::string, workflow::KnownCertificate> certs;
    std::set<std::string> allowed_ous;
    bool subject_in_use(const std::string& d, inkan::authz::Kind) override { return used.count(d) > 0; }
    std::optional<workflow::KnownCertificate> certificate(const std::string& serial) override {
        auto it = certs.find(serial);
        return it == certs.end() ? std::nullopt : std::optional(it->second);
    }
    bool ou_allowed(const std::string&, const std::string& ou) override { return allowed_ous.count(ou) > 0; }
    std::map<std::string, workflow::KnownRegistration> registrations;
    std::optional<workflow::KnownRegistration> acme_registration(const std::string& ref) override {
        auto it = registrations.find(ref);
        return it == registrations.end() ? std::nullopt : std::optional(it->second);
    }
};

std::vector<authz::Grant> grants(const std::string& subtree = "") {
    using authz::Action;
    return {{kDomain, subtree, {authz::Kind::server}, {Action::issue, Action::renew, Action::revoke}}};
}

workflow::Policy rules(bool allow_wildcard = false, bool ou_by_allowlist = false) {
    return {allow_wildcard, ou_by_allowlist, testing::server_catalog()};
}

// The codes a line produces.
std::vector<std::string> codes(std::vector<std::string> fields, ApplyType type = ApplyType::issue,
                               FakeRegistry* reg = nullptr, workflow::Policy policy = rules(), bool active = true,
                               const std::vector<authz::Grant>& g = grants()) {
    FakeRegistry local;
    workflow::InstitutionFacts inst{1, kO, kSt, kL, active};
    auto result = workflow::check_server_row({1, std::move(fields)}, type, inst, g, policy, reg ? *reg : local);
    std::vector<std::string> out;
    for (const auto& e : result.errors) out.push_back(e.code);
    assert_true(out.empty() == result.application.has_value());
    return out;
}

using Codes = std::vector<std::string>;

void valid_line_passes_in_either_subject_order(void**) {
    std::string cn = "www." + kDomain;
    assert_true(codes(line(cn, csr(rsa_key().get(), subject(cn)))).empty());
    ca::Rdns forward = subject(cn);
    ca::Rdns reversed(forward.rbegin(), forward.rend());
    assert_true(codes(line(cn, csr(rsa_key().get(), reversed))).empty());
    // Any other order is 408.
    ca::Rdns shuffled = {{"C", "JP"}, {"O", kO}, {"ST", kSt}, {"L", kL}, {"CN", cn}};
    assert_true(codes(line(cn, csr(rsa_key().get(), shuffled))) == Codes{"408"});
}

void field_rules(void**) {
    std::string cn = "www." + kDomain, c = csr(rsa_key().get(), subject(cn));
    auto with = [&](size_t i, std::string v) {
        auto l = line(cn, c);
        l[i] = std::move(v);
        return l;
    };
    assert_true(codes(std::vector<std::string>(12)) == Codes{"421"});
    assert_true(codes(with(7, "")) == Codes{"201"});
    std::string sixty_four_kanji, sixty_five_kanji;
    for (int i = 0; i < 64; ++i) sixty_four_kanji += "漢";
    sixty_five_kanji = sixty_four_kanji + "漢";
    assert_true(codes(with(8, sixty_four_kanji)).empty());
    assert_true(codes(with(8, sixty_five_kanji)) == Codes{"202"});
    assert_true(codes(with(1, "3a")) == Codes{"204"});
    assert_true(codes(with(0, "CN = " + cn)) == Codes{"206"});
    assert_true(codes(with(9, "admin")) == Codes{"206"});
    assert_true(codes(with(12, "DNS:a." + kDomain)) == Codes{"206"});
    assert_true(codes(with(1, "7")) == Codes{"416"});
    auto revoke = std::vector<std::string>{dn(cn), "", "", "12", "0", "bad\x01", "", "", "", "", "", "", ""};
    assert_true(codes(revoke, ApplyType::revoke) == Codes{"205"});
    assert_true(codes(with(3, ""), ApplyType::renew) == Codes{"201"});
    assert_true(codes(with(3, "0xZZ"), ApplyType::renew) == Codes{"204"});
}

void name_rules(void**) {
    EVP_PKEY* k = rsa_key().get();
    std::string cn = "www." + kDomain;
    auto l = line(cn, csr(k, subject(cn, "Other Univ")));
    l[0] = dn(cn, "Other Univ");
    assert_true(codes(l) == Codes{"409"});

    ca::Rdns with_ou = {{"C", "JP"}, {"ST", kSt}, {"L", kL}, {"O", kO}, {"OU", "Lab"}, {"CN", cn}};
    auto ou = line(cn, csr(k, with_ou));
    ou[0] = "CN=" + cn + ",OU=Lab,O=" + kO + ",L=" + kL + ",ST=" + kSt + ",C=JP";
    assert_true(codes(ou) == Codes{"410"});
    FakeRegistry reg;
    assert_true(codes(ou, ApplyType::issue, &reg, rules(false, true)) == Codes{"371:1"});
    reg.allowed_ous.insert("Lab");
    assert_true(codes(ou, ApplyType::issue, &reg, rules(false, true)).empty());

    auto email = line(cn, csr(k, subject(cn), "email:a@" + kDomain));
    assert_true(codes(email) == Codes{"411"});
    auto mail_attr = line(cn, csr(k, subject(cn)));
    mail_attr[0] = dn(cn) + ",EMAIL=a@" + kDomain;
    auto got = codes(mail_attr);  // 411, and the DN no longer matches the CSR (408)
    assert_true(std::find(got.begin(), got.end(), "411") != got.end());

    std::string wild = "*." + kDomain;
    assert_true(codes(line(wild, csr(k, subject(wild)))) == Codes{"412"});
    assert_true(codes(line(wild, csr(k, subject(wild))), ApplyType::issue, nullptr, rules(true)).empty());
    auto fqdn = line(cn, csr(k, subject(cn)));
    fqdn[10] = "web." + kDomain;
    assert_true(codes(fqdn) == Codes{"413"});
    std::string outside = "www.example.org";
    assert_true(codes(line(outside, csr(k, subject(outside)))) == Codes{"414"});
    assert_true(codes(line(cn, csr(k, subject(cn))), ApplyType::issue, nullptr, rules(), true, grants("lab." + kDomain)) ==
                Codes{"414"});
    std::string in_lab = "a.lab." + kDomain;
    assert_true(codes(line(in_lab, csr(k, subject(in_lab))), ApplyType::issue, nullptr, rules(), true, grants("lab." + kDomain)).empty());

    auto many = line(cn, csr(k, subject(cn)));
    for (int i = 0; i < 9; ++i) many[12] += std::string(i ? "," : "") + "dNSName=s" + std::to_string(i) + "." + kDomain;
    assert_true(codes(many) == Codes{"415"});
    auto dup = line(cn, csr(k, subject(cn)));
    dup[12] = "dNSName=a." + kDomain + ",dNSName=a." + kDomain;
    assert_true(codes(dup) == Codes{"415"});
    auto cn_again = line(cn, csr(k, subject(cn)));
    cn_again[12] = "dNSName=" + cn;  // the CN listed again is fine
    assert_true(codes(cn_again).empty());
}

void csr_and_key_rules(void**) {
    std::string cn = "www." + kDomain;
    auto with_csr = [&](const std::string& c, const std::string& profile = "3") { return line(cn, c, profile); };
    assert_true(codes(with_csr("%%%")) == Codes{"401"});
    std::string good = csr(rsa_key().get(), subject(cn));
    std::string der = crypto::unbase64(good);
    der[der.size() - 3] ^= 1;
    assert_true(codes(with_csr(crypto::base64(der))) == Codes{"402"});
    auto rsa3072 = crypto::generate_rsa(3072);
    assert_true(codes(with_csr(csr(rsa3072.get(), subject(cn)))) == Codes{"403"});
    auto p256 = crypto::generate_ec("P-256");
    assert_true(codes(with_csr(csr(p256.get(), subject(cn)), "11")) == Codes{"403"});
    auto p384 = crypto::generate_ec("P-384");
    assert_true(codes(with_csr(csr(p384.get(), subject(cn)), "11")).empty());
    assert_true(codes(with_csr(csr(p384.get(), subject(cn)), "3")) == Codes{"403"});
    // Only named curves; no CSR signed with SHA-1.
    auto explicit_p384 = crypto::generate_ec("P-384");
    assert_int_equal(EVP_PKEY_set_utf8_string_param(explicit_p384.get(), OSSL_PKEY_PARAM_EC_ENCODING,
                                                    OSSL_PKEY_EC_ENCODING_EXPLICIT), 1);
    assert_false(crypto::ec_named_curve(explicit_p384.get()));
    assert_true(codes(with_csr(csr(explicit_p384.get(), subject(cn)), "11")) == Codes{"403"});
    assert_true(codes(with_csr(csr(rsa_key().get(), subject(cn), "", EVP_sha1()))) == Codes{"427"});
    // A NUL or another control character in any field is refused, naming it.
    auto with_nul = with_csr(good);
    with_nul[7] = std::string("山田\0太郎", 10);
    assert_true(codes(with_nul) == Codes{"428"});
    // PEM with keytool's label and DER are read too.
    std::string pem = "-----BEGIN NEW CERTIFICATE REQUEST-----\n" + good.substr(0, 64) + "\n" + good.substr(64) +
                      "\n-----END NEW CERTIFICATE REQUEST-----\n";
    assert_true(std::holds_alternative<policy::Csr>(policy::parse_csr(pem)));
    assert_true(std::holds_alternative<policy::Csr>(policy::parse_csr(crypto::unbase64(good))));
    assert_true(std::holds_alternative<policy::CsrProblem>(policy::parse_csr("-----BEGIN CERTIFICATE-----\n" + good + "\n-----END CERTIFICATE-----")));
}

void exponent_and_weak_modulus_rules(void**) {
    unsigned int bits = 2048, e3 = 3;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_uint("bits", &bits), OSSL_PARAM_construct_uint("e", &e3), OSSL_PARAM_construct_end()};
    crypto::PKeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    EVP_PKEY* raw = nullptr;
    EVP_PKEY_keygen_init(ctx.get());
    EVP_PKEY_CTX_set_params(ctx.get(), params);
    EVP_PKEY_generate(ctx.get(), &raw);
    crypto::PKey small_e(raw);
    auto p = policy::check_key(small_e.get(), testing::rsa_server_profile());
    assert_true(p && p->code == "404");

    crypto::BigNum n(BN_new());
    BN_set_word(n.get(), 3);
    BN_lshift(n.get(), n.get(), 2040);  // divisible by 3
    assert_true(policy::has_small_factor(n.get()));
    // n = p * q with q the next prime after p: Fermat finds it at once.
    crypto::BigNum a(BN_new()), b(BN_new()), product(BN_new());
    std::unique_ptr<BN_CTX, crypto::Free<BN_CTX_free>> bctx(BN_CTX_new());
    BN_generate_prime_ex(a.get(), 1024, 0, nullptr, nullptr, nullptr);
    BN_copy(b.get(), a.get());
    do BN_add_word(b.get(), 2);
    while (BN_check_prime(b.get(), bctx.get(), nullptr) != 1);
    BN_mul(product.get(), a.get(), b.get(), bctx.get());
    assert_true(policy::fermat_factorable(product.get()));
    assert_false(policy::has_small_factor(product.get()));
    BIGNUM* real_n = nullptr;
    EVP_PKEY_get_bn_param(rsa_key().get(), "n", &real_n);
    crypto::BigNum strong(real_n);
    assert_false(policy::fermat_factorable(strong.get()));
    assert_false(policy::has_small_factor(strong.get()));
    assert_false(policy::roca_fingerprint(strong.get()));

    // A ROCA-structured modulus: n = 65537^k mod M (+ a multiple of M), M the
    // product of the fingerprint primes, so n mod p is a power of 65537 for each.
    crypto::BigNum m(BN_new()), g(BN_new()), k(BN_new()), roca(BN_new());
    BN_one(m.get());
    for (unsigned long prime : {11ul, 13ul, 17ul, 19ul, 37ul, 53ul, 61ul, 71ul, 73ul, 79ul, 97ul, 103ul, 107ul, 109ul, 127ul, 151ul, 157ul})
        BN_mul_word(m.get(), prime);
    BN_set_word(g.get(), 65537);
    BN_set_word(k.get(), 123457);
    BN_mod_exp(roca.get(), g.get(), k.get(), m.get(), bctx.get());
    crypto::BigNum multiple(BN_new());
    BN_rand(multiple.get(), 1900, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY);
    BN_mul(multiple.get(), multiple.get(), m.get(), bctx.get());
    BN_add(roca.get(), roca.get(), multiple.get());
    assert_true(policy::roca_fingerprint(roca.get()));
    BN_add_word(roca.get(), 1);
    assert_false(policy::roca_fingerprint(roca.get()));
}

void database_backed_rules(void**) {
    std::string cn = "www." + kDomain;
    auto l = line(cn, csr(rsa_key().get(), subject(cn)));
    FakeRegistry reg;
    reg.used.insert(dn(cn));
    assert_true(codes(l, ApplyType::issue, &reg) == Codes{"212"});
    assert_true(codes(l, ApplyType::issue, nullptr, rules(), false) == Codes{"215"});

    auto renew = l;
    renew[3] = "0x4a";
    assert_true(codes(renew, ApplyType::renew, &reg) == Codes{"417"});
    reg.certs["4a"] = {7, dn(cn), crypto::public_key_der(rsa_key().get()), {cn}, false};
    assert_true(codes(renew, ApplyType::renew, &reg) == Codes{"418"});  // same key
    auto fresh = crypto::generate_rsa(2048);
    renew[6] = csr(fresh.get(), subject(cn));
    assert_true(codes(renew, ApplyType::renew, &reg).empty());
    reg.certs["4a"].renewed = true;  // renewed already, or a renewal is pending
    assert_true(codes(renew, ApplyType::renew, &reg) == Codes{"417"});
    reg.certs["4a"].renewed = false;
    reg.certs["4a"].subject_dn = dn("old." + kDomain);
    assert_true(codes(renew, ApplyType::renew, &reg) == Codes{"417"});

    reg.certs["4a"].subject_dn = dn(cn);
    auto revoke = std::vector<std::string>{dn(cn), "", "", "74", "4", "", "", "", "", "", "", "", ""};  // 74 = 0x4a
    assert_true(codes(revoke, ApplyType::revoke, &reg).empty());
    revoke[4] = "2";
    assert_true(codes(revoke, ApplyType::revoke, &reg) == Codes{"420"});
    revoke[4] = "0";
    assert_true(codes(revoke, ApplyType::revoke, &reg) == Codes{"420"});
    revoke[5] = "retired";
    assert_true(codes(revoke, ApplyType::revoke, &reg).empty());
    assert_true(codes(revoke, ApplyType::revoke, &reg, rules(), true, grants("lab." + kDomain)) == Codes{"419"});
    reg.certs["4a"].revoked = true;
    assert_true(codes(revoke, ApplyType::revoke, &reg) == Codes{"426"});
    revoke[3] = "75";
    assert_true(codes(revoke, ApplyType::revoke, &reg) == Codes{"419"});
}

void dn_table_and_serial_parsing(void**) {
    auto d = tsv::parse_dn("CN=www.x.ac.jp,O=Univ. of X, Tokyo,L=A,ST=B,C=JP");
    assert_true(d && d->size() == 5 && (*d)[1].second == "Univ. of X, Tokyo");
    assert_false(tsv::parse_dn("cn=www.x.ac.jp").has_value());
    assert_false(tsv::parse_dn("CN=,O=x").has_value());
    assert_false(tsv::parse_dn("CN= www").has_value());
    assert_string_equal(tsv::format_dn(*d).c_str(), "CN=www.x.ac.jp,O=Univ. of X, Tokyo,L=A,ST=B,C=JP");

    auto rows = tsv::split_rows("a\tb\r\n\r\nc\n\n\n");
    assert_int_equal(rows.size(), 3);
    assert_int_equal(rows[0].fields.size(), 2);
    assert_true(rows[1].fields == std::vector<std::string>{""});
    assert_int_equal(rows[2].number, 3);
    assert_true(tsv::split_rows("").empty());

    assert_string_equal(policy::normalize_serial("74")->c_str(), "4a");
    assert_string_equal(policy::normalize_serial("0x004A")->c_str(), "4a");
    assert_false(policy::normalize_serial("0x").has_value());
    assert_false(policy::normalize_serial("12a").has_value());
    assert_false(policy::normalize_serial("-5").has_value());
}

void encodings(void**) {
    std::string sjis = "\x8e\x52\x93\x63\t\x83\x65\x83\x58\x83\x67\r\n";  // 山田\tテスト
    auto d = tsv::decode(sjis);
    assert_string_equal(d.encoding.c_str(), "Shift_JIS (CP932)");
    assert_string_equal(d.text.c_str(), "山田\tテスト\r\n");
    assert_string_equal(tsv::decode("\xEF\xBB\xBF" "abc").encoding.c_str(), "UTF-8 (BOM)");
    assert_string_equal(tsv::decode("山田").encoding.c_str(), "UTF-8");
    assert_string_equal(tsv::decode("abc").encoding.c_str(), "ASCII");
    bool threw = false;
    try {
        tsv::decode("ok\n\x81\x00");
    } catch (const Error& e) {
        threw = e.code() == "422" && e.message().en.find("Line 2") != std::string::npos;
    }
    assert_true(threw);
    // The line at fault is named: a CP932 line after a UTF-8 one, and the reverse.
    auto blamed = [](std::string_view bytes) {
        try {
            tsv::decode(bytes);
        } catch (const Error& e) {
            return e.code() + " " + e.message().en;
        }
        return std::string("accepted");
    };
    assert_true(blamed("ascii\n山田\n\x8e\x52\x93\x63\n").rfind("422 Line 3: not UTF-8, while line 2 is", 0) == 0);
    assert_true(blamed("ascii\n\x8e\x52\x93\x63\n山田\n").rfind("422 Line 3: UTF-8, while line 2 is Shift_JIS", 0) == 0);
    // EUC-JP (山田 テスト) is refused instead of being read as CP932 mojibake.
    assert_true(blamed("x\n\xBB\xB3\xC5\xC4\t\xA5\xC6\xA5\xB9\xA5\xC8\n").rfind("422 Line 2: this looks like EUC-JP", 0) == 0);
    assert_true(text::has_control_character(std::string_view("a\0b", 3)));
    assert_false(text::has_control_character("山田 太郎"));
    assert_false(text::valid_utf8("\xC0\x80"));      // overlong
    assert_false(text::valid_utf8("\xED\xA0\x80"));  // surrogate
    assert_false(text::valid_utf8("\xE3\x81"));      // truncated
    assert_true(tsv::to_cp932("山田😀") == std::string("\x8e\x52\x93\x63?"));
}

void multipart_parsing(void**) {
    std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"applyType\"\r\n\r\n1\r\n"
                       "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.tsv\"\r\n"
                       "Content-Type: text/plain\r\n\r\nline1\r\nline2\r\n--XyZ--\r\n";
    auto parts = http::parse_multipart(body, "multipart/form-data; boundary=XyZ");
    assert_int_equal(parts.size(), 2);
    assert_string_equal(parts[1].filename->c_str(), "a.tsv");
    assert_string_equal(parts[1].data.c_str(), "line1\r\nline2");
    bool threw = false;
    try {
        http::parse_multipart("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end", "multipart/form-data; boundary=XyZ");
    } catch (const Error& e) {
        threw = e.code() == "530";
    }
    assert_true(threw);
}

std::time_t utc(int y, int m, int d) {
    struct tm tm {};
    tm.tm_year = y - 1900, tm.tm_mon = m - 1, tm.tm_mday = d;
    return timegm(&tm);
}

void validity_schedule(void**) {
    assert_int_equal(profile::cabf_max_days(utc(2026, 3, 14)), 398);
    assert_int_equal(profile::cabf_max_days(utc(2026, 3, 15)), 200);
    assert_int_equal(profile::cabf_max_days(utc(2027, 3, 15)), 100);
    assert_int_equal(profile::cabf_max_days(utc(2029, 3, 15)), 47);
    assert_int_equal(profile::validity_days(testing::rsa_server_profile(), utc(2026, 11, 22)), 198);
    assert_int_equal(profile::validity_days(testing::ecc_server_profile(), utc(2027, 6, 1)), 100);
    assert_int_equal(profile::not_after_for(1000, 1) - 1000, 86399);
}

struct TestCa {
    crypto::PKey key = crypto::generate_ec("P-384");
    crypto::X509Ptr cert;
    TestCa() {
        ca::CertSpec s;
        s.subject = {{"C", "JP"}, {"O", "Test"}, {"CN", "Test CA"}};
        s.public_key = key.get();
        s.not_before = std::time(nullptr) - 60;
        s.not_after = s.not_before + 86400 * 3650;
        s.is_ca = true;
        s.key_usage = "critical,keyCertSign,cRLSign";
        cert = ca::sign(s, nullptr, key.get());
    }
};

ca::CertSpec server_spec(EVP_PKEY* key, int days) {
    ca::CertSpec s;
    s.subject = {{"C", "JP"}, {"ST", kSt}, {"L", kL}, {"O", kO}, {"CN", "www." + kDomain}};
    s.public_key = key;
    s.not_before = std::time(nullptr);
    s.not_after = profile::not_after_for(s.not_before, days);
    s.key_usage = "critical,digitalSignature";
    s.extended_key_usage = "serverAuth";
    s.dns_names = {"www." + kDomain};
    s.policy_oids = {"2.23.140.1.2.2"};
    return s;
}

ca::CertSpec person_spec(EVP_PKEY* key, const std::string& ou, const std::vector<std::string>& emails) {
    ca::CertSpec s;
    s.subject = {{"C", "JP"}, {"ST", kSt}, {"L", kL}, {"O", kO}};
    if (!ou.empty()) s.subject.push_back({"OU", ou});
    s.subject.push_back({"CN", "Hanako Suzuki"});
    s.public_key = key;
    s.not_before = std::time(nullptr);
    s.not_after = profile::not_after_for(s.not_before, 300);
    s.key_usage = "critical,digitalSignature";
    s.extended_key_usage = "clientAuth";
    s.emails = emails;
    return s;
}

bool has_finding(const std::vector<std::string>& findings, const char* part) {
    return std::any_of(findings.begin(), findings.end(), [&](const std::string& f) { return f.find(part) != std::string::npos; });
}

// A person's certificate carries exactly the end user's mail; S/MIME adds the BR's demands.
void lint_person_certificates(void**) {
    TestCa ca;
    std::string mail = "hanako@" + kDomain;
    ca::LintExpectations client{testing::person_profile("13", authz::Kind::client, 13), false, false, {}, false, {mail}};
    auto good = ca::sign(person_spec(rsa_key().get(), "Faculty of Science", {mail}), ca.cert.get(), ca.key.get());
    auto findings = ca::lint_certificate(good.get(), ca.cert.get(), client);
    for (const auto& f : findings) fprintf(stderr, "unexpected finding: %s\n", f.c_str());
    assert_true(findings.empty());
    auto smuggled = ca::sign(person_spec(rsa_key().get(), "", {mail, "boss@example.com"}), ca.cert.get(), ca.key.get());
    assert_true(has_finding(ca::lint_certificate(smuggled.get(), ca.cert.get(), client), "exactly the end user's rfc822Name"));

    ca::LintExpectations smime{testing::person_profile("15", authz::Kind::smime, 13), true, false, {"2.23.140.1.5.3.2"}, false, {mail}};
    auto spec = person_spec(rsa_key().get(), "Faculty of Science", {mail});
    spec.extended_key_usage = "emailProtection";
    spec.key_usage = "critical,digitalSignature,keyEncipherment";
    spec.policy_oids = smime.policy_oids;
    spec.extensions = {{NID_crl_distribution_points, "URI:http://ra.example.ac.jp/crl/1.crl"}};
    auto with_ou = ca::sign(spec, ca.cert.get(), ca.key.get());
    auto f = ca::lint_certificate(with_ou.get(), ca.cert.get(), smime);
    assert_true(has_finding(f, "no organizationalUnitName") && has_finding(f, "need organizationIdentifier"));
    assert_int_equal(f.size(), 2);
}

void lint_accepts_good_and_names_bad(void**) {
    TestCa ca;
    ca::LintExpectations expect{testing::rsa_server_profile(), false, false, {"2.23.140.1.2.2"}};
    auto good = ca::sign(server_spec(rsa_key().get(), 198), ca.cert.get(), ca.key.get());
    auto findings = ca::lint_server_certificate(good.get(), ca.cert.get(), expect);
    for (const auto& f : findings) fprintf(stderr, "unexpected finding: %s\n", f.c_str());
    assert_true(findings.empty());

    auto too_long = ca::sign(server_spec(rsa_key().get(), 400), ca.cert.get(), ca.key.get());
    auto f1 = ca::lint_server_certificate(too_long.get(), ca.cert.get(), expect);
    assert_int_equal(f1.size(), 1);
    assert_true(f1[0].find("validity exceeds") != std::string::npos);

    auto spec = server_spec(rsa_key().get(), 198);
    spec.dns_names = {"other." + kDomain};
    spec.extended_key_usage = "serverAuth,codeSigning";
    auto bad = ca::sign(spec, ca.cert.get(), ca.key.get());
    auto f2 = ca::lint_server_certificate(bad.get(), ca.cert.get(), expect);
    bool cn_missing = false, eku = false;
    for (const auto& f : f2) {
        cn_missing |= f.find("CN must also be a dNSName") != std::string::npos;
        eku |= f.find("extendedKeyUsage") != std::string::npos;
    }
    assert_true(cn_missing && eku);
    // keyEncipherment only when the setting asks for it; no SKI in subscriber certificates.
    auto encipher_spec = server_spec(rsa_key().get(), 198);
    encipher_spec.key_usage = "critical,digitalSignature,keyEncipherment";
    auto encipher = ca::sign(encipher_spec, ca.cert.get(), ca.key.get());
    auto f4 = ca::lint_server_certificate(encipher.get(), ca.cert.get(), expect);
    assert_int_equal(f4.size(), 1);
    assert_true(f4[0].find("keyEncipherment needs rsa_key_encipherment") != std::string::npos);
    auto allowed = expect;
    allowed.key_encipherment = true;
    assert_true(ca::lint_server_certificate(encipher.get(), ca.cert.get(), allowed).empty());
    assert_null(X509_get0_subject_key_id(good.get()));
    // CRL and AIA locations must be plain http.
    auto https_spec = server_spec(rsa_key().get(), 198);
    https_spec.extensions = {{NID_crl_distribution_points, "URI:https://ra.example/crl/1.crl"},
                             {NID_info_access, "OCSP;URI:http://ra.example/ocsp/"}};
    auto https = ca::sign(https_spec, ca.cert.get(), ca.key.get());
    auto f5 = ca::lint_server_certificate(https.get(), ca.cert.get(), expect);
    assert_int_equal(f5.size(), 1);
    assert_true(f5[0].find("CRL distribution point is not an http:// URL") != std::string::npos);
    // The wrong key type for the profile is named too.
    auto f3 = ca::lint_server_certificate(good.get(), ca.cert.get(), {testing::ecc_server_profile(), false, false, {}});
    assert_int_equal(f3.size(), 1);
}

using SpkiPtr = std::unique_ptr<X509_PUBKEY, crypto::Free<X509_PUBKEY_free>>;

SpkiPtr spki_of(EVP_PKEY* key) {
    std::string der = crypto::public_key_der(key);
    auto p = reinterpret_cast<const unsigned char*>(der.data());
    return SpkiPtr(d2i_X509_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
}

// The builder copies a request's SubjectPublicKeyInfo as bytes, the curve
// parameter of an EC key included; the lint lets the request's decoded key
// stand for the certificate's only when the TBS holds exactly those bytes.
void certificate_copies_the_requests_key(void**) {
    TestCa ca;
    auto ec = crypto::generate_ec("P-384");
    for (auto [key, profile] : {std::pair{rsa_key().get(), testing::rsa_server_profile()},
                                std::pair{ec.get(), testing::ecc_server_profile()}}) {
        auto spki = spki_of(key);
        auto spec = server_spec(key, 198);
        spec.request_spki = spki.get();
        ca::LintExpectations expect{profile, false, false, {"2.23.140.1.2.2"}, false, {}, spki.get()};
        auto cert = ca::lint_and_sign(spec, expect, ca.cert.get(), ca.key.get());
        auto parsed = crypto::cert_from_der(crypto::cert_to_der(cert.get()));
        assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(parsed.get()), key), 1);
        assert_true(crypto::public_key_der(X509_get0_pubkey(parsed.get())) == crypto::public_key_der(key));
        assert_int_equal(X509_verify(parsed.get(), ca.key.get()), 1);
    }
    auto spki = spki_of(rsa_key().get());
    auto other = spki_of(crypto::generate_rsa(2048).get());
    auto spec = server_spec(rsa_key().get(), 198);
    spec.request_spki = spki.get();
    auto cert = ca::sign(spec, ca.cert.get(), ca.key.get());
    ca::LintExpectations expect{testing::rsa_server_profile(), false, false, {"2.23.140.1.2.2"}, false, {}, other.get()};
    assert_true(has_finding(ca::lint_server_certificate(cert.get(), ca.cert.get(), expect), "not the requested one"));
    // rsaEncryption without its NULL parameters decodes all the same, but the BRs allow one
    // encoding only: such an SPKI is not copied, and a certificate holding it fails the lint.
    assert_true(crypto::spki_algorithm_is_canonical(spki.get()));
    X509_ALGOR* alg = nullptr;
    X509_PUBKEY_get0_param(nullptr, nullptr, nullptr, &alg, spki.get());
    X509_ALGOR_set0(alg, OBJ_nid2obj(NID_rsaEncryption), V_ASN1_UNDEF, nullptr);
    assert_false(crypto::spki_algorithm_is_canonical(spki.get()));
    auto bare = ca::sign(spec, ca.cert.get(), ca.key.get());
    expect.request_spki = spki.get();
    assert_true(has_finding(ca::lint_server_certificate(bare.get(), ca.cert.get(), expect), "BR 7.1.3.1.1"));
    ERR_clear_error();
}

void crl_and_ocsp_verify(void**) {
    TestCa ca;
    auto leaf = ca::sign(server_spec(rsa_key().get(), 30), ca.cert.get(), ca.key.get());
    std::time_t now = std::time(nullptr);
    std::string der = ca::sign_crl(ca.cert.get(), ca.key.get(), 7, now, now + 3600,
                                   {{crypto::serial_hex(leaf.get()), now, 1}});
    auto p = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<X509_CRL, crypto::Free<X509_CRL_free>> crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
    assert_non_null(crl.get());
    assert_int_equal(X509_CRL_verify(crl.get(), ca.key.get()), 1);
    X509_REVOKED* entry = nullptr;
    assert_int_equal(X509_CRL_get0_by_cert(crl.get(), &entry, leaf.get()), 1);

    std::string resp = ca::sign_ocsp(leaf.get(), ca.cert.get(), ca.key.get(), EVP_sha1(), {true, now, 1}, now, now + 3600);
    p = reinterpret_cast<const unsigned char*>(resp.data());
    std::unique_ptr<OCSP_RESPONSE, crypto::Free<OCSP_RESPONSE_free>> r(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(resp.size())));
    assert_int_equal(OCSP_response_status(r.get()), OCSP_RESPONSE_STATUS_SUCCESSFUL);
    std::unique_ptr<OCSP_BASICRESP, crypto::Free<OCSP_BASICRESP_free>> basic(OCSP_response_get1_basic(r.get()));
    crypto::X509Stack certs(sk_X509_new_null());
    sk_X509_push(certs.get(), ca.cert.get());
    X509_up_ref(ca.cert.get());
    assert_int_equal(OCSP_basic_verify(basic.get(), certs.get(), nullptr, OCSP_TRUSTOTHER | OCSP_NOVERIFY), 1);
    std::unique_ptr<OCSP_CERTID, crypto::Free<OCSP_CERTID_free>> id(OCSP_cert_to_id(EVP_sha1(), leaf.get(), ca.cert.get()));
    int status = -1, reason = -1;
    assert_int_equal(OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, nullptr, nullptr, nullptr), 1);
    assert_int_equal(status, V_OCSP_CERTSTATUS_REVOKED);
    assert_int_equal(reason, 1);
    ERR_clear_error();
}

// Reason unspecified (0) is omitted (BRs), and a SHA-256 CertID is answered
// by a response whose CertID is hashed the same way.
void ocsp_omits_unspecified_reason_and_speaks_sha256(void**) {
    TestCa ca;
    auto leaf = ca::sign(server_spec(rsa_key().get(), 30), ca.cert.get(), ca.key.get());
    std::time_t now = std::time(nullptr);
    std::string resp = ca::sign_ocsp(leaf.get(), ca.cert.get(), ca.key.get(), EVP_sha256(), {true, now, 0}, now, now + 3600);
    auto p = reinterpret_cast<const unsigned char*>(resp.data());
    std::unique_ptr<OCSP_RESPONSE, crypto::Free<OCSP_RESPONSE_free>> r(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(resp.size())));
    std::unique_ptr<OCSP_BASICRESP, crypto::Free<OCSP_BASICRESP_free>> basic(OCSP_response_get1_basic(r.get()));
    std::unique_ptr<OCSP_CERTID, crypto::Free<OCSP_CERTID_free>> sha256_id(OCSP_cert_to_id(EVP_sha256(), leaf.get(), ca.cert.get()));
    std::unique_ptr<OCSP_CERTID, crypto::Free<OCSP_CERTID_free>> sha1_id(OCSP_cert_to_id(EVP_sha1(), leaf.get(), ca.cert.get()));
    int status = -1, reason = 99;
    assert_int_equal(OCSP_resp_find_status(basic.get(), sha256_id.get(), &status, &reason, nullptr, nullptr, nullptr), 1);
    assert_int_equal(status, V_OCSP_CERTSTATUS_REVOKED);
    assert_int_equal(reason, -1);  // no revocationReason in the response
    assert_int_equal(OCSP_resp_find_status(basic.get(), sha1_id.get(), &status, &reason, nullptr, nullptr, nullptr), 0);
    ERR_clear_error();
}

}  // namespace

// ACME registration files (UPKI-FORMATS §4): the same columns, no CSR, the
// account ID in column 3, a fourth operation; grants of kind acme.
void acme_file_rules(void**) {
    using authz::Action;
    std::vector<authz::Grant> acme_grant = {
        {kDomain, "", {authz::Kind::acme}, {Action::issue, Action::renew, Action::revoke}}};
    auto policy = rules();
    policy.kind = authz::Kind::acme;
    std::string cn = "www." + kDomain;
    auto create = line(cn, "");
    create[12] = "dNSName=api." + kDomain;
    assert_true(codes(create, ApplyType::issue, nullptr, policy, true, acme_grant).empty());
    // A server grant is not an ACME grant, and a server file needs its CSR.
    assert_true(codes(create, ApplyType::issue, nullptr, policy, true, grants()) == Codes({"414", "414"}));
    assert_true(codes(create, ApplyType::issue) == Codes{"201"});
    auto with_csr = create;
    with_csr[6] = csr(rsa_key().get(), subject(cn));
    assert_true(codes(with_csr, ApplyType::issue, nullptr, policy, true, acme_grant) == Codes{"442"});
    auto with_account = create;
    with_account[2] = "ACME-X";
    assert_true(codes(with_account, ApplyType::issue, nullptr, policy, true, acme_grant) == Codes{"442"});
    // An existing certificate with the DN does not block a registration.
    FakeRegistry reg;
    reg.used.insert(dn(cn));
    assert_true(codes(create, ApplyType::issue, &reg, policy, true, acme_grant).empty());

    // Update and suspend name a registration of the institution.
    reg.registrations["ACME-A"] = {7, dn(cn), "active", {cn}};
    auto update = create;
    update[2] = "ACME-A";
    assert_true(codes(update, ApplyType::renew, &reg, policy, true, acme_grant).empty());
    update[2] = "ACME-B";
    assert_true(codes(update, ApplyType::renew, &reg, policy, true, acme_grant) == Codes{"440"});
    std::vector<std::string> suspend = {dn(cn), "", "ACME-A", "", "5", "", "", "", "", "", "", "", ""};
    assert_true(codes(suspend, ApplyType::suspend, &reg, policy, true, acme_grant).empty());
    assert_true(codes(suspend, ApplyType::suspend, &reg, rules(), true, acme_grant) == Codes{"530"});
    suspend[0] = dn("other." + kDomain);
    assert_true(codes(suspend, ApplyType::suspend, &reg, policy, true, acme_grant) == Codes{"440"});
    reg.registrations["ACME-A"].status = "suspended";
    assert_true(codes(update, ApplyType::renew, &reg, policy, true, acme_grant) == Codes{"440"});
    update[2] = "ACME-A";
    assert_true(codes(update, ApplyType::renew, &reg, policy, true, acme_grant) == Codes{"441"});

    // Revocation: an ACME file revokes ACME certificates, a server file server certificates;
    // a server file cannot renew an ACME certificate.
    reg.certs["1a"] = {5, dn(cn), "", {cn}, false, false, "acme"};
    std::vector<std::string> revoke = {dn(cn), "", "", "0x1a", "4", "", "", "", "", "", "", "", ""};
    assert_true(codes(revoke, ApplyType::revoke, &reg, policy, true, acme_grant).empty());
    assert_true(codes(revoke, ApplyType::revoke, &reg) == Codes{"419"});
    auto renew = line(cn, csr(crypto::generate_rsa(2048).get(), subject(cn)));
    renew[3] = "0x1a";
    assert_true(codes(renew, ApplyType::renew, &reg) == Codes{"417"});
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(acme_file_rules),
        cmocka_unit_test(valid_line_passes_in_either_subject_order),
        cmocka_unit_test(field_rules),
        cmocka_unit_test(name_rules),
        cmocka_unit_test(csr_and_key_rules),
        cmocka_unit_test(exponent_and_weak_modulus_rules),
        cmocka_unit_test(database_backed_rules),
        cmocka_unit_test(dn_table_and_serial_parsing),
        cmocka_unit_test(encodings),
        cmocka_unit_test(multipart_parsing),
        cmocka_unit_test(validity_schedule),
        cmocka_unit_test(lint_accepts_good_and_names_bad), cmocka_unit_test(lint_person_certificates),
        cmocka_unit_test(certificate_copies_the_requests_key),
        cmocka_unit_test(crl_and_ocsp_verify),
        cmocka_unit_test(ocsp_omits_unspecified_reason_and_speaks_sha256),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
