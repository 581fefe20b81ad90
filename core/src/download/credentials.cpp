#include "download/credentials.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "crypto/digest.hpp"
#include "download/zip_archive.hpp"
#include "enroll/pin_errors.hpp"
#include "http/fields.hpp"
#include "mail/outbox.hpp"
#include "mail/templates.hpp"
#include "store/audit.hpp"
#include "store/credentials.hpp"
#include "tsv/encoding.hpp"
#include "tsv/table.hpp"
#include "util/codes.hpp"

namespace inkan::download {

namespace {
Error denied() {
    return Error(codes::kLinkDenied, {"指定されたURLへのアクセスは拒否されました。", "Access to this URL was denied."}, 403);
}

std::string token_hash(const std::map<std::string, std::string>& fields) {
    std::string token = http::text_field(fields, "t");
    if (token.empty()) throw denied();
    return crypto::sha256(token);
}

http::Response attachment(std::string content_type, const std::string& file_name, std::string body) {
    return http::Response{200,
                          {{"Content-Type", std::move(content_type)},
                           {"Content-Disposition", "attachment; filename=\"" + file_name + "\""},
                           {"Cache-Control", "no-store"},
                           {"X-Content-Type-Options", "nosniff"}},
                          std::move(body)};
}

http::Response no_store_json(const nlohmann::json& body) {
    http::Response resp = http::Response::json(200, body.dump());
    resp.headers.emplace_back("Cache-Control", "no-store");
    return resp;
}

// 取得通知: the officer who applied and the subscriber hear that a PKCS#12 was collected.
void notify_collected(store::Connection& c, int64_t certificate_id, const std::string& who, const std::string& how) {
    auto facts = store::collection_facts(c, certificate_id);
    std::vector<std::string> to = {facts.officer_email};
    if (!facts.subscriber_email.empty() && facts.subscriber_email != facts.officer_email) to.push_back(facts.subscriber_email);
    mail::enqueue(c, mail::credential_collected(to, facts.subject_dn, facts.serial));
    audit::append(c, who, "credential.collected", "certificate:" + std::to_string(certificate_id), {{"how", how}});
}

// Why a PKCS#12 was not handed out.  A locked link is opened by a renewal, which makes a new key and PIN.
Error pin_error(const store::Collected& r, store::Connection& c) {
    if (r.outcome == "wrong") return enroll::wrong_pin(r.tries_left);
    if (r.outcome == "locked") {
        return enroll::pin_locked(c, {"登録担当者に証明書の更新を依頼してください。",
                                      "Ask your registration officer to renew the certificate."});
    }
    if (r.outcome == "waiting") return pins_not_fetched();
    return denied();
}
}  // namespace

Error pins_not_fetched() {
    return Error(codes::kPinsNotFetched,
                 {"利用管理者がまだアクセスPINのファイルを取得していません。PINを受け取ってから、もう一度お試しください。",
                  "Your administrator has not fetched the access PINs yet. Try again once you have received your PIN."},
                 409);
}

http::Response show_pin_file(store::Pool& pool, const http::Request& req) {
    std::string hash = token_hash(req.query_params());
    auto state = pool.with_idempotent([&](store::Connection& c) { return store::pin_file_state(c, hash); });
    if (!state) throw denied();
    return no_store_json({{"entries", state->entries},
                          {"bulk_waiting", state->bulk_waiting},
                          {"fetched", state->fetched},
                          {"expires_at", state->expires_at}});
}

// The PINs, once: a TSV (CP932, as UPKI's files) of name, mail, PIN, DN in a ZIP.
http::Response fetch_pin_file(store::Pool& pool, const http::Request& req) {
    std::string hash = token_hash(req.form());
    return pool.with([&](store::Connection& c) {
        store::Transaction tx(c);
        auto entries = store::fetch_pin_file(c, hash);
        if (entries.empty()) throw denied();
        std::string tsv = tsv::join_row({"利用者氏名", "利用者E-mail", "アクセスPIN", "主体者DN", "P12ファイル名"});
        for (const auto& e : entries) tsv += tsv::join_row({e.end_user_name, e.end_user_email, e.pin, e.subject_dn, e.file_name + ".p12"});
        std::string zip = zip_archive({{"pins.tsv", tsv::to_cp932(tsv)}});
        audit::append(c, "subscriber:" + req.peer, "pins.fetched", "pin_file", {{"entries", entries.size()}});
        tx.commit();
        return attachment("application/zip", "pins.zip", std::move(zip));
    });
}

// Download method 2: every PKCS#12 of the PIN file in one ZIP, after the PINs.
http::Response fetch_bulk(store::Pool& pool, const http::Request& req) {
    std::string hash = token_hash(req.form());
    return pool.with([&](store::Connection& c) {
        store::Transaction tx(c);
        auto state = store::pin_file_state(c, hash);
        if (!state) throw denied();
        if (!state->fetched) throw pins_not_fetched();
        auto items = store::collect_bulk(c, hash);
        if (items.empty()) throw denied();
        std::vector<std::pair<std::string, std::string>> files;
        std::set<std::string> names;
        for (auto& item : items) {
            // Upload checks keep names apart within a file; across renewals the certificate's id does.
            std::string name = item.file_name + ".p12";
            if (!names.insert(name).second) name = item.file_name + "-" + std::to_string(item.certificate_id) + ".p12";
            files.emplace_back(name, std::move(item.pkcs12));
            notify_collected(c, item.certificate_id, "subscriber:" + req.peer, "bulk");
        }
        std::string zip = zip_archive(files);
        tx.commit();
        return attachment("application/zip", "certificates.zip", std::move(zip));
    });
}

http::Response show_credential(store::Pool& pool, const http::Request& req) {
    std::string hash = token_hash(req.query_params());
    auto state = pool.with_idempotent([&](store::Connection& c) { return store::credential_state(c, hash); });
    if (!state) throw denied();
    return no_store_json({{"state", state->state},
                          {"subject_dn", state->subject_dn},
                          {"serial", state->serial},
                          {"file_name", state->file_name + ".p12"},
                          {"expires_at", state->expires_at}});
}

http::Response collect_credential(store::Pool& pool, const http::Request& req) {
    auto form = req.form();
    std::string hash = token_hash(form);
    std::string pin = http::text_field(form, "pin");
    if (pin.empty()) throw Error(codes::kBadRequest, {"アクセスPINを入力してください。", "Enter the access PIN."}, 400).about("pin");
    return pool.with([&](store::Connection& c) {
        store::Transaction tx(c);
        auto r = store::collect_credential(c, hash, pin);
        if (r.outcome == "collected") notify_collected(c, r.certificate_id, "end-user:" + req.peer, "pkcs12");
        // A wrong PIN counts even though the answer is an error: the count commits first.
        tx.commit();
        if (r.outcome != "collected") throw pin_error(r, c);
        return attachment("application/x-pkcs12", r.file_name + ".p12", std::move(r.pkcs12));
    });
}

}  // namespace inkan::download
