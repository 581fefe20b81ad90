// Orders and authorizations (RFC 8555 §7.4, §7.5).  An order may name only
// the registration's names and must include its CN (the certificate's
// subject is the registered DN).  Authorizations are valid from the start:
// the officer's registration validated the names.  Finalize hands the CSR
// to the signer and answers "processing"; no RA thread waits for it.
#include <algorithm>
#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "acme/handlers.hpp"
#include "acme/problem.hpp"
#include "policy/csr.hpp"
#include "settings/settings.hpp"
#include "store/profiles.hpp"
#include "util/text.hpp"

namespace inkan::acme {

namespace {
using nlohmann::json;

constexpr int kOrderSeconds = 7 * 24 * 3600;

bool registered(const store::acme::Account& a, const std::string& name) {
    return std::find(a.names.begin(), a.names.end(), name) != a.names.end();
}

void require_active(const Context& ctx) {
    if (ctx.acct().registration_status != "active") {
        throw unauthorized("the ACME registration of this account is suspended by the registration officer",
                           "このアカウントの ACME 利用は登録担当者により停止されています。");
    }
}

// Too many failed validations today (JST): nothing more until midnight.
void require_not_blocked(Context& ctx) {
    int64_t limit = settings::get_int(ctx.c, "acme_failure_limit");
    if (store::acme::failures_today(ctx.c, ctx.acct().registration_id) < limit) return;
    std::time_t now = std::time(nullptr);
    std::time_t jst_midnight = ((now + 9 * 3600) / 86400 + 1) * 86400 - 9 * 3600;
    throw Problem("rateLimited",
                  std::to_string(limit) + " validations of this registration failed today: try again after midnight JST",
                  "本日この ACME 利用の検証が " + std::to_string(limit) + " 回失敗しました。日本時間の翌日まで待ってください。", 429)
        .with_header("Retry-After", std::to_string(jst_midnight - now));
}

// A stored failure as a problem object.  The validator and finalize store
// "<ACME error type>: <detail>"; the signer's refusals carry no type.
json error_object(const std::string& stored, const std::string& untyped) {
    static const std::set<std::string> kTypes = {"badCSR",       "connection", "dns", "incorrectResponse",
                                                 "unauthorized", "rejectedIdentifier"};
    auto colon = stored.find(": ");
    bool typed = colon != std::string::npos && kTypes.count(stored.substr(0, colon));
    return {{"type", "urn:ietf:params:acme:error:" + (typed ? stored.substr(0, colon) : untyped)},
            {"detail", typed ? stored.substr(colon + 2) : stored}};
}

json challenge_json(const Context& ctx, const store::acme::Challenge& ch) {
    json j = {{"type", ch.type}, {"url", ctx.url("chall", ch.id)}, {"status", ch.status}, {"token", ch.token}};
    if (!ch.validated_at.empty()) j["validated"] = ch.validated_at;
    if (!ch.error.empty()) j["error"] = error_object(ch.error, "incorrectResponse");
    return j;
}

std::vector<std::string> ordered_names(const Context& ctx, const json& payload) {
    if (!payload.contains("identifiers") || !payload["identifiers"].is_array() || payload["identifiers"].empty()) {
        throw malformed("identifiers must be a non-empty array", "identifiers は空でない配列にしてください。");
    }
    std::vector<std::string> names;
    for (const auto& id : payload["identifiers"]) {
        if (!id.is_object() || !id.contains("value") || !id["value"].is_string()) {
            throw malformed("every identifier needs a type and a string value", "各 identifier には type と value が必要です。");
        }
        if (string_or(id, "type", "") != "dns") {
            throw Problem("unsupportedIdentifier", "only dns identifiers are supported", "dns の識別子だけが使えます。");
        }
        std::string name = text::lower(id["value"].get<std::string>());
        if (!registered(ctx.acct(), name)) {
            throw Problem("rejectedIdentifier", name + " is not one of the names registered for this ACME account",
                          name + " はこの ACME アカウントに登録された名前ではありません。")
                .about(name);
        }
        if (std::find(names.begin(), names.end(), name) != names.end()) {
            throw malformed(name + " is named twice", name + " が重複しています。");
        }
        names.push_back(name);
    }
    const std::string& cn = ctx.acct().names.front();
    if (!registered(ctx.acct(), cn) || std::find(names.begin(), names.end(), cn) == names.end()) {
        throw Problem("rejectedIdentifier",
                      "the order must include the registered CN " + cn + " (it is the certificate's subject)",
                      "注文には登録された CN " + cn + " を含めてください (証明書の主体者です)。")
            .about(cn);
    }
    return names;
}

json order_json(const Context& ctx, const store::acme::Order& o) {
    json identifiers = json::array(), authorizations = json::array();
    for (const auto& n : o.names) identifiers.push_back({{"type", "dns"}, {"value", n}});
    for (int64_t id : o.authorizations) authorizations.push_back(ctx.url("authz", id));
    json j = {{"status", o.status},
              {"expires", o.expires_at},
              {"identifiers", identifiers},
              {"authorizations", authorizations},
              {"finalize", ctx.url("order", o.id) + "/finalize"}};
    if (o.status == "valid" && o.certificate_id) j["certificate"] = ctx.url("cert", *o.certificate_id);
    if (o.status == "invalid") {
        // The signer's refusal on re-authorization is unauthorized; its other failures (the lint) follow the CSR.
        bool refused = o.error.empty() || o.error.rfind("Refused on re-authorization", 0) == 0;
        j["error"] = error_object(o.error.empty() ? "the order expired" : o.error, refused ? "unauthorized" : "badCSR");
    }
    return j;
}

http::Response order_answer(const Context& ctx, int status, const store::acme::Order& o) {
    http::Response resp = json_response(status, order_json(ctx, o));
    resp.headers.emplace_back("Location", ctx.url("order", o.id));
    if (o.status == "processing") resp.headers.emplace_back("Retry-After", "1");
    return resp;
}

store::acme::Order own_order(const Context& ctx, int64_t id) {
    auto o = store::acme::order(ctx.c, id);
    if (!o || o->account_id != ctx.acct().id) {
        throw Problem("malformed", "no such order of this account", "このアカウントの注文はありません。", 404);
    }
    return *o;
}

// The CSR's names (dNSName SANs and a CN) must be exactly the order's.
std::string check_csr(Context& ctx, const store::acme::Order& o, const std::string& der) {
    auto parsed = policy::parse_csr(der);
    if (auto* p = std::get_if<policy::CsrProblem>(&parsed)) {
        throw Problem("badCSR", p->message.en + " (" + p->code + ")", p->message.ja + " (" + p->code + ")");
    }
    auto& csr = std::get<policy::Csr>(parsed);
    auto catalog = store::load_profiles(ctx.c);
    const profile::Profile* profile = catalog.find("acme-" + ctx.acct().server_profile);
    if (!profile) throw InternalError("no profile acme-" + ctx.acct().server_profile);
    if (auto p = policy::check_key(X509_REQ_get0_pubkey(csr.req.get()), *profile)) {
        throw Problem("badCSR", p->message.en + " (" + p->code + ")", p->message.ja + " (" + p->code + ")");
    }
    if (!csr.requested_emails.empty() || csr.requests_other_names) {
        throw Problem("badCSR", "the CSR may request DNS names only", "CSR には DNS 名だけを指定してください。");
    }
    std::set<std::string> wanted(o.names.begin(), o.names.end()), asked;
    for (const auto& n : csr.requested_dns_names) asked.insert(text::lower(n));
    std::string cn = text::lower(tsv::dn_value(csr.subject, "CN"));
    if (!cn.empty()) asked.insert(cn);
    if (asked != wanted) {
        throw Problem("badCSR", "the CSR must name exactly the order's identifiers: " + text::join(o.names, ", "),
                      "CSR の名前は注文の識別子と同じにしてください: " + text::join(o.names, ", "));
    }
    return csr.der;
}
}  // namespace

http::Response new_order(Context& ctx) {
    require_active(ctx);
    require_not_blocked(ctx);
    json payload = payload_object(ctx.jws, "newOrder");
    if (payload.contains("notBefore") || payload.contains("notAfter")) {
        throw malformed("notBefore and notAfter are set by the certificate profile, not by the order",
                        "notBefore と notAfter は注文では指定できません (プロファイルが決めます)。");
    }
    auto names = ordered_names(ctx, payload);
    std::optional<std::string> replaces;
    std::optional<int64_t> replaced;
    if (payload.contains("replaces")) {
        if (!payload["replaces"].is_string()) throw malformed("replaces must be a string", "replaces は文字列にしてください。");
        replaces = payload["replaces"].get<std::string>();
        auto old = certificate_named(ctx, *replaces, ctx.acct().registration_id);
        if (!old) {
            throw malformed("replaces names no certificate of this ACME registration",
                            "replaces がこの ACME 利用の証明書を指していません。");
        }
        if (old->replaced_by || store::acme::replacement_ordered(ctx.c, old->id)) {
            throw Problem("alreadyReplaced", "that certificate has been replaced already", "その証明書は既に置き換えられています。", 409);
        }
        replaced = old->id;
    }
    int64_t id = store::acme::create_order(ctx.c, ctx.acct().id, names, kOrderSeconds, replaces, replaced);
    return order_answer(ctx, 201, own_order(ctx, id));
}

http::Response order_status(Context& ctx) {
    require_post_as_get(ctx);
    return order_answer(ctx, 200, own_order(ctx, ctx.id));
}

http::Response finalize(Context& ctx) {
    auto o = own_order(ctx, ctx.id);
    require_active(ctx);
    if (o.status != "ready") {
        throw Problem("orderNotReady", "the order is " + o.status + ", not ready", "注文の状態が ready ではありません (" + o.status + ")。", 403);
    }
    json payload = payload_object(ctx.jws, "finalize");
    if (!payload.contains("csr") || !payload["csr"].is_string()) throw malformed("finalize needs csr", "finalize には csr が必要です。");
    std::string der = b64url_decode(payload["csr"].get<std::string>(), "csr");
    std::string checked;
    try {
        checked = check_csr(ctx, o, der);
    } catch (const Problem& p) {
        store::acme::fail_order(ctx.c, o.id, p.type() + ": " + p.en());
        throw;
    }
    // A finalize of the same order that won the race has made it processing.
    or_problem("P0002", Problem("orderNotReady", "the order is being finalized already", "注文は既に確定処理中です。", 403),
               [&] { return store::acme::submit_order(ctx.c, o.id, checked); });
    return order_answer(ctx, 200, own_order(ctx, o.id));
}

http::Response authorization(Context& ctx) {
    if (!ctx.jws.payload.empty()) {
        // Deactivating a pre-validated authorization would change nothing the order depends on.
        throw malformed("authorizations take POST-as-GET only; a registered name cannot be deactivated here",
                        "認可は POST-as-GET だけを受け付けます。登録された名前の認可は無効化できません。");
    }
    auto z = store::acme::authorization(ctx.c, ctx.id);
    if (!z || z->account_id != ctx.acct().id) {
        throw Problem("malformed", "no such authorization of this account", "このアカウントの認可はありません。", 404);
    }
    // Without challenges the officer's registration validated the name.
    json challenges = json::array();
    for (const auto& ch : store::acme::challenges_of(ctx.c, z->id)) challenges.push_back(challenge_json(ctx, ch));
    return json_response(200, {{"identifier", {{"type", "dns"}, {"value", z->name}}},
                               {"status", z->status},
                               {"expires", z->expires_at},
                               {"challenges", challenges}});
}

// RFC 8555 §7.5.1: an empty object asks for validation; an empty payload reads.
http::Response challenge(Context& ctx) {
    auto ch = store::acme::challenge(ctx.c, ctx.id);
    if (!ch || ch->account_id != ctx.acct().id) {
        throw Problem("malformed", "no such challenge of this account", "このアカウントのチャレンジはありません。", 404);
    }
    if (!ctx.jws.payload.empty()) {
        payload_object(ctx.jws, "challenge");
        require_active(ctx);
        require_not_blocked(ctx);
        store::acme::respond(ctx.c, ch->id);
        ch = store::acme::challenge(ctx.c, ctx.id);
    }
    http::Response resp = json_response(200, challenge_json(ctx, *ch));
    resp.headers.emplace_back("Link", "<" + ctx.url("authz", ch->authorization_id) + ">;rel=\"up\"");
    if (ch->status == "processing") resp.headers.emplace_back("Retry-After", "1");
    return resp;
}

}  // namespace inkan::acme
