#include "settings/settings.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "store/settings_rows.hpp"
#include "util/codes.hpp"
#include "util/text.hpp"

namespace inkan::settings {

const std::vector<Known>& known() {
    static const std::vector<Known> list = {
        {"officer_url", "", "public URL of the console (https://host/ra/); pickup and download links in mails lead to it",
         Shape::web_url},
        {"service_desk_contact", "", "how officers reach the service desk (shown when a pickup is locked)"},
        {"mail_from", "inkan@localhost", "From address of all mails"},
        {"pickup_link_days", "30", "days an officer pickup link stays valid"},
        {"pickup_max_attempts", "5", "wrong PINs before a pickup locks"},
        {"officer_renew_window_days", "30", "days before expiry when an officer may renew"},
        {"session_idle_minutes", "30", "idle time after which an officer session is recorded as expired"},
        {"collect_minutes", "30", "how long a requested officer certificate waits, its key sealed, to be collected"},
        {"max_records_per_file", "99", "most records one application file may hold (UPKI: 99)"},
        {"allow_wildcard", "false", "true: server certificates may name *.domain", Shape::boolean},
        {"server_ou_policy", "reject", "reject: no OU in server certificates; allowlist: OU must be in the domain's allow list"},
        {"download_link_days", "30", "days a subscriber's download link stays valid after the application"},
        {"crl_url", "", "plain-HTTP base URL of the crl endpoint (certificates carry <url><CA id>.crl)", Shape::http_base},
        {"ocsp_url", "", "plain-HTTP URL of the ocsp endpoint (AIA)", Shape::http_url},
        {"ca_issuers_url", "", "plain-HTTP base URL where CA certificates are served (AIA caIssuers <url><CA id>.crt)",
         Shape::http_base},
        {"crl_hours", "24", "CRL validity (nextUpdate) in hours"},
        {"ocsp_hours", "96", "validity of pre-signed OCSP responses in hours"},
        {"server_policy_oids", "2.23.140.1.2.2", "certificate policy OIDs of server certificates, comma-separated"},
        {"smime_policy_oids", "2.23.140.1.5.3.2",
         "certificate policy OIDs of S/MIME certificates (S/MIME BR sponsor-validated multipurpose first), comma-separated"},
        {"mail_signer_policy_oids", "2.23.140.1.5.1.2",
         "certificate policy OIDs of inkan's own mail-signing certificate (S/MIME BR mailbox-validated multipurpose first)"},
        {"client_policy_oids", "", "certificate policy OIDs of client-authentication certificates, comma-separated"},
        {"pkcs12_legacy", "false",
         "true: client PKCS#12 files use 3DES and a SHA-1 MAC for old importers instead of AES-256 / PBKDF2", Shape::boolean},
        {"rsa_key_encipherment", "false",
         "true: RSA server certificates also assert keyEncipherment (only for clients that still need RSA key exchange)",
         Shape::boolean},
        {"renewal_reminder_days", "14", "days after a renewal when the old certificate's reminder goes out"},
        {"mail_retry_seconds", "30", "first SMTP retry delay; doubles per attempt up to one hour"},
        {"acme_eab_days", "30", "days an ACME external account binding may wait to be used"},
        {"acme_failure_limit", "20", "failed ACME validations of a registration in a day (JST) before it may order no more that day"},
        {"acme_http01_port", "80", "port the validator connects to for http-01 (80; another only behind a port map or in tests)"},
        {"acme_validation_address", "", "empty: resolve names in DNS; else the IP address the validator connects to for every "
                                        "name (a split-horizon or test set-up)"},
        {"acme_dns_server", "", "empty: the system resolver; else IP or IP:port of the DNS server for dns-01 TXT lookups"},
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

std::string console_link(store::Connection& c, std::string_view route, std::string_view token) {
    std::string base = get(c, "officer_url");
    if (base.back() != '/') base += '/';
    return base + "#/" + std::string(route) + "?t=" + text::url_encode(token);
}

std::string get_optional(store::Connection& c, std::string_view name) {
    if (auto stored = store::setting_value(c, name)) return *stored;
    const Known* k = find(name);
    return k ? std::string(k->default_value) : std::string();
}

bool get_bool(store::Connection& c, std::string_view name) { return get(c, name) == "true"; }

int64_t get_int(store::Connection& c, std::string_view name) {
    std::string v = get(c, name);
    if (!is_integer(v)) throw InternalError("setting " + std::string(name) + " is not an integer: " + v);
    return std::strtoll(v.c_str(), nullptr, 10);
}

// A URL with the given scheme, a host, and nothing a URL may not hold
// unescaped (space, control characters, quotes, angle brackets).
static bool url_with_scheme(std::string_view v, std::string_view scheme) {
    if (v.substr(0, scheme.size()) != scheme || v.size() > 2000) return false;
    std::string_view rest = v.substr(scheme.size());
    size_t host_end = rest.find('/');
    if (host_end == 0 || rest.empty()) return false;
    return std::all_of(v.begin(), v.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f && std::string_view("\"<>\\^`{|}").find(c) == std::string_view::npos;
    });
}

// Empty when the value fits, else the rule it breaks (ja, en).
static std::optional<Message> shape_problem(const Known& k, std::string_view v) {
    // A CR/LF in mail_from would add mail headers; no setting needs controls.
    if (!text::valid_utf8(v) || text::has_control_character(v)) {
        return Message{"UTF-8 の文字列で、制御文字 (改行など) を含められません。", "takes UTF-8 text without control characters (such as line breaks)."};
    }
    if (is_integer(k.default_value) && !is_integer(v)) return Message{"正の整数で指定します。", "takes a whole number."};
    switch (k.shape) {
        case Shape::text:
            return std::nullopt;
        case Shape::boolean:
            if (v == "true" || v == "false") return std::nullopt;
            return Message{"true か false で指定します。", "takes true or false."};
        case Shape::http_base:
            if (url_with_scheme(v, "http://") && v.back() == '/') return std::nullopt;
            return Message{"http:// で始まり / で終わる URL で指定します (BR: CRL と AIA の URL は http)。",
                           "takes an http:// URL ending in / (the BRs require plain-http CRL and AIA URLs)."};
        case Shape::http_url:
            if (url_with_scheme(v, "http://")) return std::nullopt;
            return Message{"http:// で始まる URL で指定します (BR: OCSP の URL は http)。",
                           "takes an http:// URL (the BRs require a plain-http OCSP URL)."};
        case Shape::web_url:
            if (url_with_scheme(v, "https://") || url_with_scheme(v, "http://")) return std::nullopt;
            return Message{"https:// か http:// で始まる URL で指定します。", "takes an https:// or http:// URL."};
    }
    return std::nullopt;
}

void set(store::Connection& c, std::string_view name, std::string_view value) {
    const Known* k = find(name);
    if (!k) {
        throw Error(codes::kMissingSetting, {"不明な設定名です: " + std::string(name), "Unknown setting: " + std::string(name)});
    }
    if (auto why = shape_problem(*k, value)) {
        throw Error(codes::kMissingSetting, {"設定 " + std::string(name) + " は" + why->ja,
                                             "Setting " + std::string(name) + " " + why->en});
    }
    store::put_setting(c, name, value);
}

}  // namespace inkan::settings
