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
    auto res = c.query("SELECT value FROM settings WHERE name = $1", name);
    if (!res.empty()) return res.text(0, 0);
    const Known* k = find(name);
    if (k && !k->default_value.empty()) return std::string(k->default_value);
    throw Error(codes::kMissingSetting,
                {"設定 " + std::string(name) + " がありません。inkanctl setting set で設定してください。",
                 "Setting " + std::string(name) + " is not set; set it with 'inkanctl setting set'."},
                500);
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
