// Unit tests of the client / S/MIME file rules (UPKI-FORMATS §3, §5): each
// rule is triggered by a line built for it, against a fake registry.
#include <map>
#include <set>

#include "support/server_profiles.hpp"
#include "workflow/client_checks.hpp"

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
using Codes = std::vector<std::string>;

std::string dn(const std::string& cn, const std::string& ou = "") {
    return "CN=" + cn + (ou.empty() ? "" : ",OU=" + ou) + ",O=" + kO + ",L=" + kL + ",ST=" + kSt + ",C=JP";
}

std::vector<std::string> line(const std::string& profile = "13", const std::string& method = "1") {
    return {dn("Hanako Suzuki"), profile, method, "", "", "", "", "山田 太郎", "情報基盤センター", "admin@" + kDomain,
            "鈴木 花子", "suzuki20261202", "理学部", "hanako@" + kDomain, ""};
}

std::vector<std::string> revoke_line(const std::string& serial, const std::string& reason = "4") {
    return {dn("Hanako Suzuki"), "", "", serial, reason, "", "", "", "", "", "", "", "", "", ""};
}

struct FakeRegistry : workflow::Registry {
    std::set<std::string> used;
    std::map<std::string, workflow::KnownCertificate> certs;
    std::set<std::string> allowed_ous;
    bool subject_in_use(const std::string& d, authz::Kind) override { return used.count(d) > 0; }
    std::optional<workflow::KnownCertificate> certificate(const std::string& serial) override {
        auto it = certs.find(serial);
        return it == certs.end() ? std::nullopt : std::optional(it->second);
    }
    bool ou_allowed(const std::string&, const std::string& ou) override { return allowed_ous.count(ou) > 0; }
    std::set<std::pair<std::string, std::string>> bulk;
    bool bulk_name_taken(const std::string& s, const std::string& n) override { return bulk.count({s, n}) > 0; }
};

std::vector<authz::Grant> grants(std::vector<authz::Kind> kinds = {authz::Kind::client, authz::Kind::smime}) {
    using authz::Action;
    return {{kDomain, "", std::move(kinds), {Action::issue, Action::renew, Action::revoke}}};
}

workflow::InstitutionFacts institution(bool active = true, const std::string& org_id = "NTRJP-1234567890123") {
    return {1, kO, kSt, kL, active, {kDomain}, org_id};
}

workflow::LineResult check(std::vector<std::string> fields, ApplyType type = ApplyType::issue, FakeRegistry* reg = nullptr,
                           const workflow::InstitutionFacts& inst = institution(),
                           const std::vector<authz::Grant>& g = grants()) {
    FakeRegistry local;
    static const profile::Catalog catalog = testing::client_catalog();
    return workflow::check_client_row({1, std::move(fields)}, type, inst, g, catalog, reg ? *reg : local);
}

Codes codes(std::vector<std::string> fields, ApplyType type = ApplyType::issue, FakeRegistry* reg = nullptr,
            const workflow::InstitutionFacts& inst = institution(), const std::vector<authz::Grant>& g = grants()) {
    auto result = check(std::move(fields), type, reg, inst, g);
    Codes out;
    for (const auto& e : result.errors) out.push_back(e.code);
    assert_true(out.empty() == result.client.has_value());
    return out;
}

void valid_lines_pass_with_their_kind(void**) {
    auto client = check(line("13"));
    assert_true(client.client.has_value());
    assert_true(client.client->kind == authz::Kind::client);
    assert_string_equal(client.client->end_user_email.c_str(), ("hanako@" + kDomain).c_str());
    auto smime = check(line("16", "2"));
    assert_true(smime.client.has_value());
    assert_true(smime.client->kind == authz::Kind::smime);
    assert_int_equal(smime.client->download_method, 2);
}

void field_rules(void**) {
    auto f = line();
    f[0] = "";
    assert_true(codes(f) == Codes{"201"});
    f = line();
    f[7] = std::string(65, 'a');
    assert_true(codes(f) == Codes{"202"});
    f = line("1x");
    assert_true(codes(f) == Codes{"204"});
    f = line();
    f[13] = "not-a-mail";
    assert_true(codes(f) == Codes{"206"});
    f = line();
    f[0] = "cn=lower,O=x";
    assert_true(codes(f) == Codes{"206"});
    f = line();
    f[10] = std::string("a\0b", 3);
    assert_true(codes(f) == Codes{"428"});
    assert_true(codes({"only", "three", "fields"}) == Codes{"421"});
    assert_true(codes(line(), ApplyType::issue, nullptr, institution(false)) == Codes{"215"});
    assert_true(codes(line(), ApplyType::suspend) == Codes{"530"});
}

void client_codes(void**) {
    assert_true(codes(line("13", "3")) == Codes{"450"});
    assert_true(codes(line("13", "4")) == Codes{"450"});
    auto withdrawn = check(line("5"));
    assert_string_equal(withdrawn.errors.at(0).code.c_str(), "451");
    assert_true(withdrawn.errors.at(0).message.en.find("14") != std::string::npos);
    assert_true(codes(line("7")) == Codes{"451"});
    assert_true(codes(line("3")) == Codes{"416"});  // a server profile in a client file
    auto f = line();
    f[13] = "hanako@example.com";
    assert_true(codes(f) == Codes{"452"});
    f = line();
    f[11] = "../evil";
    assert_true(codes(f) == Codes{"453"});
    f = line();
    f[14] = "short";
    assert_true(codes(f) == Codes{"454"});
    f[14] = "has space 1234";
    assert_true(codes(f) == Codes{"454"});
    f[14] = "Good-PIN-2345";
    assert_true(codes(f).empty());
    // Two PKCS#12 files of one name in a subscriber's bulk ZIP.
    FakeRegistry bulk;
    bulk.bulk = {{"admin@" + kDomain, "suzuki20261202"}};
    assert_true(codes(line("13", "2"), ApplyType::issue, &bulk) == Codes{"453"});
    assert_true(codes(line("13", "1"), ApplyType::issue, &bulk).empty());
    f = line("15");
    f[0] = dn("Hanako Suzuki", "Faculty of Science");
    FakeRegistry reg;
    reg.allowed_ous = {"Faculty of Science"};
    assert_true(codes(f, ApplyType::issue, &reg) == Codes{"455"});
    assert_true(codes(line("15"), ApplyType::issue, nullptr, institution(true, "")) == Codes{"456"});
}

void subject_rules(void**) {
    auto f = line();
    f[0] = dn("Hanako Suzuki", "Faculty of Science");
    assert_true(codes(f) == Codes{"371:1"});
    FakeRegistry reg;
    reg.allowed_ous = {"Faculty of Science"};
    assert_true(codes(f, ApplyType::issue, &reg).empty());
    f[0] = "CN=Hanako Suzuki,O=" + kO + ",L=" + kL + ",ST=" + kSt + ",C=JP,E=x@" + kDomain;
    assert_true(codes(f) == Codes{"411"});
    f[0] = "O=" + kO + ",CN=Hanako Suzuki,L=" + kL + ",ST=" + kSt + ",C=JP";
    assert_true(codes(f) == Codes{"206"});
    f[0] = "CN=Hanako Suzuki,O=Other University,L=" + kL + ",ST=" + kSt + ",C=JP";
    assert_true(codes(f) == Codes{"409"});
    f[0] = dn("Hanako <Suzuki>");
    assert_true(codes(f) == Codes{"206"});
    reg.used = {dn("Hanako Suzuki")};
    assert_true(codes(line(), ApplyType::issue, &reg) == Codes{"212"});
    // Outside the officer's grants: an S/MIME line with only a client grant.
    assert_true(codes(line("15"), ApplyType::issue, nullptr, institution(), grants({authz::Kind::client})) == Codes{"414"});
}

void renewal_and_revocation(void**) {
    FakeRegistry reg;
    reg.certs["0a"] = {7, dn("Hanako Suzuki"), "", {kDomain}, false, false, "client"};
    reg.certs["0b"] = {8, dn("Hanako Suzuki"), "", {kDomain}, false, false, "server"};
    reg.certs["0c"] = {9, dn("Someone Else"), "", {kDomain}, true, false, "smime"};
    auto f = line();
    f[3] = "0x0a";
    auto renewed = check(f, ApplyType::renew, &reg);
    assert_true(renewed.client.has_value() && renewed.client->old_certificate_id == 7);
    f[3] = "0x0b";
    assert_true(codes(f, ApplyType::renew, &reg) == Codes{"417"});  // a server certificate
    reg.certs["0d"] = {10, dn("Hanako Suzuki"), "", {"other.ac.jp"}, false, false, "client"};
    f[3] = "0x0d";
    assert_true(codes(f, ApplyType::renew, &reg) == Codes{"417"});  // the old mail lies outside the grants
    f[3] = "";
    assert_true(codes(f, ApplyType::renew, &reg) == Codes{"201"});
    auto revoked = check(revoke_line("0x0a"), ApplyType::revoke, &reg);
    assert_true(revoked.client.has_value() && revoked.client->old_certificate_id == 7);
    assert_true(codes(revoke_line("0x0b"), ApplyType::revoke, &reg) == Codes{"419"});
    assert_true(codes(revoke_line("0x0a", "2"), ApplyType::revoke, &reg) == Codes{"420"});
    auto other = revoke_line("0x0c");
    assert_true(codes(other, ApplyType::revoke, &reg) == (Codes{"426", "419"}));
    assert_true(codes(revoke_line("0x0a"), ApplyType::revoke, &reg, institution(), {}) == Codes{"419"});
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_lines_pass_with_their_kind), cmocka_unit_test(field_rules),
        cmocka_unit_test(client_codes),                     cmocka_unit_test(subject_rules),
        cmocka_unit_test(renewal_and_revocation),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
