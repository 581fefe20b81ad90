// Accounts (RFC 8555 §7.3): creation only with an External Account Binding
// the officer handed out, contact updates, deactivation, key rollover.
#include <nlohmann/json.hpp>

#include "acme/handlers.hpp"
#include "acme/problem.hpp"
#include "policy/names.hpp"

namespace inkan::acme {

namespace {
using nlohmann::json;

// mailto: addresses only, at most 4 (the subscriber is mailed by inkan anyway).
std::vector<std::string> contacts(const json& payload) {
    std::vector<std::string> out;
    if (!payload.contains("contact")) return out;
    const json& list = payload["contact"];
    if (!list.is_array() || list.size() > 4) {
        throw Problem("invalidContact", "contact must be an array of at most 4 mailto: URLs",
                      "contact は mailto: URL (4 個まで) の配列にしてください。");
    }
    for (const auto& item : list) {
        std::string value = item.is_string() ? item.get<std::string>() : "";
        if (value.rfind("mailto:", 0) != 0) {
            throw Problem("unsupportedContact", "only mailto: contacts are supported", "連絡先は mailto: だけが使えます。");
        }
        if (policy::check_mail(value.substr(7))) {
            throw Problem("invalidContact", "\"" + value + "\" is not a mail address", "\"" + value + "\" はメールアドレスではありません。");
        }
        out.push_back(value);
    }
    return out;
}

http::Response account_answer(const Context& ctx, int status, const store::acme::Account& a) {
    http::Response resp = json_response(status, account_json(ctx, a));
    resp.headers.emplace_back("Location", ctx.url("acct", a.id));
    return resp;
}

// The binding: a MAC (with the officer's EAB key) over this request's URL and
// the account key (RFC 8555 §7.3.4).
int64_t bind_external_account(Context& ctx, const json& payload, const std::vector<std::string>& contact) {
    if (!payload.contains("externalAccountBinding")) {
        throw Problem("externalAccountRequired",
                      "this server needs an external account binding: the EAB key ID and HMAC key your registration "
                      "officer received for your names",
                      "外部アカウント結合 (EAB) が必要です。登録担当者が受け取った EAB の鍵 ID と HMAC 鍵を指定してください。");
    }
    Jws eab = parse_jws(payload["externalAccountBinding"], JwsUse::binding);
    if (eab.url != ctx.jws.url) {
        throw malformed("the external account binding's url differs from the request's", "EAB の url がリクエストと異なります。");
    }
    json bound_key = json::parse(eab.payload, nullptr, false);
    if (!bound_key.is_object()) {
        throw malformed("the external account binding's payload is not a JWK", "EAB のペイロードが JWK ではありません。");
    }
    if (parse_jwk(bound_key).thumbprint != ctx.jws.jwk->thumbprint) {
        throw malformed("the external account binding must sign the account key of this request",
                        "EAB はこのリクエストのアカウント鍵に対するものにしてください。");
    }
    auto b = store::acme::bind_account(ctx.c, eab.kid, eab.alg, eab.signing_input(), eab.signature,
                                       ctx.jws.jwk->canonical, ctx.jws.jwk->thumbprint, contact);
    if (b.outcome == "bound") return b.account_id;
    if (b.outcome == "used") {
        throw unauthorized("this external account binding has been used already: ask your registration officer for a new one",
                           "この EAB は使用済みです。登録担当者に新しい EAB を依頼してください。");
    }
    if (b.outcome == "expired") {
        throw unauthorized("this external account binding has expired: ask your registration officer for a new one",
                           "この EAB は有効期限切れです。登録担当者に新しい EAB を依頼してください。");
    }
    if (b.outcome == "suspended") {
        throw unauthorized("the ACME registration of this binding is suspended", "この EAB の ACME 利用は停止されています。");
    }
    throw unauthorized("the external account binding does not verify (unknown key ID or wrong HMAC key)",
                       "EAB を検証できません (鍵 ID が不明か HMAC 鍵が違います)。");
}

// The account a request to /acct/{id} names must be the signer's own.
void require_own_account(const Context& ctx) {
    if (ctx.id != ctx.acct().id) throw unauthorized("this is not your account", "このアカウントは署名者のものではありません。");
}
}  // namespace

json account_json(const Context& ctx, const store::acme::Account& a) {
    return {{"status", a.status}, {"contact", a.contact}, {"orders", ctx.url("acct", a.id) + "/orders"}};
}

http::Response new_account(Context& ctx) {
    json payload = payload_object(ctx.jws, "newAccount");
    if (auto existing = store::acme::account_by_thumbprint(ctx.c, ctx.jws.jwk->thumbprint)) {
        if (existing->status != "valid") throw deactivated();
        return account_answer(ctx, 200, *existing);
    }
    if (bool_or(payload, "onlyReturnExisting", false)) {
        throw Problem("accountDoesNotExist", "no account has this key", "この鍵のアカウントはありません。");
    }
    auto contact = contacts(payload);
    // Two requests with one new key: the second finds the key taken.
    int64_t id = or_problem("23505", Problem("malformed", "an account with this key was created meanwhile: send the request again",
                                             "この鍵のアカウントが同時に作成されました。もう一度送信してください。", 409),
                            [&] { return bind_external_account(ctx, payload, contact); });
    return account_answer(ctx, 201, *store::acme::account_by_id(ctx.c, id));
}

http::Response account_update(Context& ctx) {
    require_own_account(ctx);
    if (ctx.jws.payload.empty()) return account_answer(ctx, 200, ctx.acct());  // POST-as-GET
    json payload = payload_object(ctx.jws, "account");
    if (payload.contains("status")) {
        if (payload["status"] != "deactivated") {
            throw malformed("an account's status can only be set to \"deactivated\"", "status は \"deactivated\" にだけ変更できます。");
        }
        store::acme::deactivate_account(ctx.c, ctx.acct().id);
    }
    if (payload.contains("contact")) store::acme::set_contact(ctx.c, ctx.acct().id, contacts(payload));
    return account_answer(ctx, 200, *store::acme::account_by_id(ctx.c, ctx.acct().id));
}

http::Response account_orders(Context& ctx) {
    require_own_account(ctx);
    require_post_as_get(ctx);
    json urls = json::array();
    for (int64_t id : store::acme::orders_of(ctx.c, ctx.acct().id)) urls.push_back(ctx.url("order", id));
    return json_response(200, {{"orders", urls}});
}

// RFC 8555 §7.3.5: the inner JWS, signed by the new key, names the account
// and its old key.
http::Response key_change(Context& ctx) {
    json outer = payload_object(ctx.jws, "keyChange");
    Jws inner = parse_jws(outer, JwsUse::inner);
    if (!verify_signature(inner, inner.jwk->key.get())) {
        throw malformed("the inner JWS is not signed by the new key", "内側の JWS が新しい鍵で署名されていません。");
    }
    if (inner.url != ctx.jws.url) throw malformed("the inner JWS url differs from the outer one", "内側の JWS の url が外側と異なります。");
    json change = payload_object(inner, "keyChange inner JWS");
    if (string_or(change, "account", "") != ctx.jws.kid) {
        throw malformed("the key change names another account", "鍵変更が別のアカウントを指しています。");
    }
    if (!change.contains("oldKey") || parse_jwk(change["oldKey"]).thumbprint != ctx.acct().thumbprint) {
        throw malformed("oldKey is not the account's current key", "oldKey がアカウントの現在の鍵ではありません。");
    }
    if (auto other = store::acme::account_by_thumbprint(ctx.c, inner.jwk->thumbprint)) {
        throw Problem("malformed", "the new key belongs to another account already", "新しい鍵は既に別のアカウントのものです。", 409)
            .with_header("Location", ctx.url("acct", other->id));
    }
    or_problem("23505", Problem("malformed", "the new key belongs to another account already", "新しい鍵は既に別のアカウントのものです。", 409),
               [&] { store::acme::change_key(ctx.c, ctx.acct().id, inner.jwk->canonical, inner.jwk->thumbprint); });
    return account_answer(ctx, 200, *store::acme::account_by_id(ctx.c, ctx.acct().id));
}

}  // namespace inkan::acme
