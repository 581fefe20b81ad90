#include "settings/settings.hpp"

#include <algorithm>
#include <cstdlib>

#include "util/codes.hpp"

namespace inkan::settings {

const std::vector<Known>& known() {
    static const std::vector<Known> list = {
        {"enroll_url", "", "public URL of the enroll endpoint, used in pickup mails (https://host/enroll/)"},
        {"officer_url", "", "public URL of the officer endpoint, shown in mails"},
        {"mail_from", "inkan@localhost", "From address of all mails"},
        {"pickup_link_days", "30", "days an officer pickup link stays valid"},
        {"pickup_max_attempts", "5", "wrong PINs before a pickup locks"},
        {"officer_cert_days", "365", "validity of officer certificates in days"},
        {"officer_renew_window_days", "30", "days before expiry when an officer may renew"},
        {"session_idle_minutes", "30", "idle time after which an officer session is recorded as expired"},
        {"signing_wait_seconds", "20", "how long an enroll request waits for the worker to sign"},
        {"max_records_per_file", "99", "most records one application file may hold (UPKI: 99)"},
        {"allow_wildcard", "false", "true: server certificates may name *.domain"},
        {"server_ou_policy", "reject", "reject: no OU in server certificates; allowlist: OU must be in the domain's allow list"},
        {"download_link_days", "30", "days a subscriber's download link stays valid after the application"},
        {"crl_url", "", "public base URL of the crl endpoint (certificates carry <url><CA id>.crl)"},
        {"ocsp_url", "", "public URL of the ocsp endpoint (AIA)"},
        {"ca_issuers_url", "", "public base URL where CA certificates are served (AIA caIssuers)"},
        {"download_url", "", "public URL of the download endpoint, used in subscriber mails"},
        {"crl_hours", "24", "CRL validity (nextUpdate) in hours"},
        {"ocsp_hours", "96", "validity of pre-signed OCSP responses in hours"},
        {"server_policy_oids", "2.23.140.1.2.2", "certificate policy OIDs of server certificates, comma-separated"},
        {"renewal_reminder_days", "14", "days after a renewal when the old certificate's reminder goes out"},
        {"mail_retry_seconds", "30", "first SMTP retry delay; doubles per attempt up to one hour"},
    };
    return list;
}

static const Known* find(std::string_view name) {
    auto it = std::find_if(known().begin(), known().end(), [&](const Known& k) { return k.name == name; });
    return it == known().end() ? nullptr : &*it;
}

static bool is_integer(std::string_view v) {
    return !v.empty() && v.size() < 10 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string get(store::Connection& c, std::string_view name) {
    std::string value = get_optional(c, name);
    if (!value.empty()) return value;
    throw Error(codes::kMissingSetting,
                {"設定 " + std::string(name) + " がありません。inkanctl setting set で設定してください。",
                 "Setting " + std::string(name) + " is not set; set it with 'inkanctl setting set'."},
                500);
}

std::string get_optional(store::Connection& c, std::string_view name) {
    auto res = c.query("SELECT value FROM settings WHERE name = $1", name);
    if (!res.empty()) return res.text(0, 0);
    const Known* k = find(name);
    return k ? std::string(k->default_value) : std::string();
}

int64_t get_int(store::Connection& c, std::string_view name) {
    std::string v = get(c, name);
    if (!is_integer(v)) throw InternalError("setting " + std::string(name) + " is not an integer: " + v);
    return std::strtoll(v.c_str(), nullptr, 10);
}

void set(store::Connection& c, std::string_view name, std::string_view value) {
    const Known* k = find(name);
    if (!k) {
        throw Error(codes::kMissingSetting, {"不明な設定名です: " + std::string(name), "Unknown setting: " + std::string(name)});
    }
    if (is_integer(k->default_value) && !is_integer(value)) {
        throw Error(codes::kMissingSetting, {"設定 " + std::string(name) + " は正の整数です。",
                                             "Setting " + std::string(name) + " takes a whole number."});
    }
    c.query("INSERT INTO settings (name, value) VALUES ($1, $2) "
            "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
            name, value);
}

}  // namespace inkan::settings
