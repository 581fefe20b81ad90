#include "profile/profile.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <openssl/core_names.h>

#include "crypto/ossl.hpp"
#include "crypto/x509.hpp"
#include "profile/validity.hpp"
#include "util/words.hpp"

namespace inkan::profile {

namespace {
constexpr std::array<std::pair<KeyType, std::string_view>, 3> kKeyTypes = {{
    {KeyType::rsa_2048, "rsa-2048"},
    {KeyType::ec_p256, "ec-p256"},
    {KeyType::ec_p384, "ec-p384"},
}};

// The CA/Browser Forum S/MIME BRs cap every subscriber certificate at 825 days.
constexpr int kSmimeMaxDays = 825;

// Whole days from `from` to the same day `months` later (clamped to month end).
int days_in_months(std::time_t from, int months) {
    struct tm start {};
    gmtime_r(&from, &start);
    struct tm end = start;
    int month = start.tm_mon + months;
    end.tm_year += month / 12;
    end.tm_mon = month % 12;
    struct tm first_of_next = end;
    first_of_next.tm_mday = 1;
    first_of_next.tm_mon += 1;
    std::time_t last_day = timegm(&first_of_next) - 86400;
    struct tm last {};
    gmtime_r(&last_day, &last);
    end.tm_mday = std::min(start.tm_mday, last.tm_mday);
    return static_cast<int>((timegm(&end) - from) / 86400);
}
}  // namespace

std::string_view to_string(KeyType type) { return words::word_of(kKeyTypes, type); }
std::optional<KeyType> parse_key_type(std::string_view word) { return words::value_of<KeyType>(kKeyTypes, word); }

Message describe(KeyType type) {
    switch (type) {
        case KeyType::rsa_2048: return {"RSA 2048 ビット", "RSA 2048-bit"};
        case KeyType::ec_p256: return {"ECDSA P-256", "ECDSA P-256"};
        case KeyType::ec_p384: return {"ECDSA P-384", "ECDSA P-384"};
    }
    return {};
}

std::optional<KeyType> key_type_of(EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "RSA")) {
        return EVP_PKEY_get_bits(key) == 2048 ? std::optional(KeyType::rsa_2048) : std::nullopt;
    }
    if (!EVP_PKEY_is_a(key, "EC") || !crypto::ec_named_curve(key)) return std::nullopt;
    char group[64] = "";
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) {
        crypto::drain_errors();
        return std::nullopt;
    }
    std::string_view name(group);
    if (name == "secp384r1") return KeyType::ec_p384;
    if (name == "prime256v1") return KeyType::ec_p256;
    return std::nullopt;
}

bool accepts_key(const Profile& p, EVP_PKEY* key) {
    auto type = key_type_of(key);
    return type && std::find(p.key_types.begin(), p.key_types.end(), *type) != p.key_types.end();
}

bool has_status_pointers(const Profile& p) { return p.kind != authz::Kind::officer; }

int validity_days(const Profile& p, std::time_t not_before) {
    int days = p.validity_days ? *p.validity_days : days_in_months(not_before, p.validity_months.value_or(0));
    switch (p.cap) {
        case Cap::tls: return std::min(days, profile::cabf_max_days(not_before));
        case Cap::smime: return std::min(days, kSmimeMaxDays);
        case Cap::none: return days;
    }
    return days;
}

const Profile* Catalog::find(std::string_view id) const {
    for (const auto& p : profiles_) {
        if (p.id == id) return &p;
    }
    return nullptr;
}

std::vector<const Profile*> Catalog::issuable(authz::Kind kind) const {
    std::vector<const Profile*> out;
    for (const auto& p : profiles_) {
        if (p.kind == kind && p.issuable) out.push_back(&p);
    }
    return out;
}

std::string Catalog::issuable_ids(authz::Kind kind) const {
    std::string out;
    for (const auto* p : issuable(kind)) out += (out.empty() ? "" : ", ") + p->id;
    return out;
}

}  // namespace inkan::profile
