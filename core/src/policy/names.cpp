#include "policy/names.hpp"

#include <idn2.h>
#include <libpsl.h>

#include <algorithm>
#include <cctype>

namespace inkan::policy {

namespace {
bool charset_ok(std::string_view value, std::string_view extra) {
    return std::all_of(value.begin(), value.end(), [&](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string_view::npos;
    });
}

Violation too_long(std::string_view what_ja, std::string_view what_en, size_t limit) {
    return Message{std::string(what_ja) + "は" + std::to_string(limit) + "文字以内です。",
                   std::string(what_en) + " must be at most " + std::to_string(limit) + " characters."};
}

// The newest list available: Debian's publicsuffix package or libpsl's built-in copy.
const psl_ctx_t* suffix_list() {
    static const psl_ctx_t* ctx = psl_latest(nullptr);
    return ctx ? ctx : psl_builtin();
}

bool ldh_label(std::string_view label) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    return std::all_of(label.begin(), label.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}
}  // namespace

Violation check_dn_value(std::string_view value) {
    if (value.empty()) return Message{"値が空です。", "The value is empty."};
    if (value.size() > 64) return too_long("値", "The value", 64);
    if (!charset_ok(value, " '(),-./:=")) {
        return Message{"使用できる文字は英数字、空白、'(),-./:= です。",
                       "Allowed characters are letters, digits, space and '(),-./:=."};
    }
    return std::nullopt;
}

Violation check_locality(std::string_view value) {
    if (auto v = check_dn_value(value)) return v;
    if (value.find("Academe") != std::string_view::npos || value.find("Default") != std::string_view::npos ||
        value == "City") {
        return Message{"L に Academe や Default を含めたり、City だけにしたりすることはできません。",
                       "L must not contain Academe or Default and must not be just City."};
    }
    return std::nullopt;
}

Violation check_person_cn(std::string_view value) {
    if (value.empty()) return Message{"名前が空です。", "The name is empty."};
    if (value.size() > 64) return too_long("名前", "The name", 64);
    if (!charset_ok(value, " '(),-./:=@_")) {
        return Message{"名前に使用できる文字は英数字、空白、'(),-./:=@_ です。",
                       "Allowed characters in a name are letters, digits, space and '(),-./:=@_."};
    }
    return std::nullopt;
}

Violation check_mail(std::string_view value) {
    size_t at = value.find('@');
    bool ok = value.size() <= 78 && at != std::string_view::npos && at > 0 && at == value.rfind('@') &&
              value.find('.', at) != std::string_view::npos && value.back() != '.' &&
              std::none_of(value.begin(), value.end(), [](char c) {
                  return std::isspace(static_cast<unsigned char>(c)) || c == '<' || c == '>' || c == ',' ||
                         c == '"' || static_cast<unsigned char>(c) >= 0x80;
              });
    if (!ok) return Message{"メールアドレスの形式ではありません。", "This is not a mail address."};
    return std::nullopt;
}

Violation check_hostname(std::string_view name, bool allow_wildcard) {
    if (name.empty() || name.size() > 253) return Message{"ホスト名の長さが不正です。", "Bad host name length."};
    if (name.substr(0, 2) == "*.") {
        if (!allow_wildcard) {
            return Message{"ワイルドカードは使用できません。", "Wildcard names are not allowed."};
        }
        name.remove_prefix(2);
    }
    size_t labels = 0;
    bool all_numeric = true;
    std::string_view rest = name;
    while (true) {
        size_t dot = rest.find('.');
        std::string_view label = rest.substr(0, dot);
        if (!ldh_label(label)) {
            return Message{"ホスト名は小文字英数字とハイフンのラベルで構成してください: " + std::string(label),
                           "Host name labels are lowercase letters, digits and hyphens: " + std::string(label)};
        }
        all_numeric = all_numeric && std::all_of(label.begin(), label.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (label.rfind("xn--", 0) == 0) {
            char* ulabel = nullptr;
            std::string l(label);
            int rc = idn2_to_unicode_8z8z(l.c_str(), &ulabel, 0);
            if (ulabel) idn2_free(ulabel);
            if (rc != IDN2_OK) {
                return Message{"IDNA の A ラベルとして不正です: " + l, "Not a valid IDNA A-label: " + l};
            }
        }
        labels++;
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
    }
    if (all_numeric) return Message{"IPアドレスは指定できません。", "IP addresses are not allowed."};
    if (labels < 2) return Message{"ホスト名には2つ以上のラベルが必要です。", "A host name needs at least two labels."};
    return std::nullopt;
}

Violation check_registrable_domain(std::string_view name) {
    if (auto v = check_hostname(name, false)) return v;
    std::string n(name);
    const psl_ctx_t* psl = suffix_list();
    if (psl == nullptr) throw InternalError("no public suffix list available (install Debian's publicsuffix)");
    if (psl_is_public_suffix(psl, n.c_str())) {
        return Message{n + " はパブリックサフィックスのため登録できません。",
                       n + " is a public suffix and cannot be registered."};
    }
    return std::nullopt;
}

bool within(std::string_view name, std::string_view domain) {
    if (name == domain) return true;
    return name.size() > domain.size() && name.substr(name.size() - domain.size()) == domain &&
           name[name.size() - domain.size() - 1] == '.';
}

}  // namespace inkan::policy
