// Upload of UPKI server-certificate files: the form, and the per-line
// result table as UPKI shows it (SEQ, OK/NG, code:row,field,message, ...).
#include <nlohmann/json.hpp>

#include "http/multipart.hpp"
#include "http/page.hpp"
#include "officer/handlers.hpp"
#include "tsv/encoding.hpp"
#include "util/codes.hpp"
#include "workflow/server_upload.hpp"
#include "util/text.hpp"
#include "http/fields.hpp"

namespace inkan::officer {

namespace {
using http::escape;
using http::pick;
using nlohmann::json;
}  // namespace

nlohmann::json batch_result_json(const workflow::UploadResult& r, const Identity& who) {
    return {{"batch_id", r.batch_id}, {"encoding", r.encoding}, {"accepted", r.accepted},
            {"rejected", std::count_if(r.lines.begin(), r.lines.end(), [](const auto& l) { return !l.errors.empty(); })},
            {"aborted", r.aborted}, {"lines", workflow::line_results_json(r.lines, r.aborted, who.institution)}};
}

namespace {
std::string result_table(const workflow::UploadResult& r, const Identity& who, http::Lang lang) {
    std::string out = "<p>" + escape(pick(lang, {"文字コード", "Encoding"})) + ": " + escape(r.encoding) + " / " +
                      escape(pick(lang, {"受付件数", "Accepted"})) + ": <span id=\"accepted\">" +
                      std::to_string(r.accepted) + "</span></p>";
    if (r.aborted) {
        out += "<p class=\"error\">" +
               escape(pick(lang, {"エラーがあったため、ファイル全体を受け付けませんでした。",
                                  "The whole file was rejected because some lines have errors."})) + "</p>";
    }
    out += "<table border=\"1\"><tr><th>SEQ</th><th>" + escape(pick(lang, {"結果", "Result"})) + "</th><th>" +
           escape(pick(lang, {"エラー内容", "Errors"})) + "</th><th>" + escape(pick(lang, {"機関名", "Institution"})) +
           "</th><th>" + escape(pick(lang, {"所属", "Affiliation"})) + "</th><th>" +
           escape(pick(lang, {"氏名", "Name"})) + "</th><th>" + escape(pick(lang, {"メールアドレス", "Mail"})) + "</th></tr>";
    for (const auto& line : r.lines) {
        std::string errors;
        for (const auto& e : line.errors) errors += escape(tsv::upki_text(e, line.row, lang)) + "<br>";
        out += "<tr><td>" + std::to_string(line.row) + "</td><td>" + (line.errors.empty() ? "OK" : "NG") + "</td><td>" +
               errors + "</td><td>" + escape(who.institution) + "</td><td>" + escape(line.affiliation) + "</td><td>" +
               escape(line.name) + "</td><td>" + escape(line.mail) + "</td></tr>";
    }
    return out + "</table>";
}
}  // namespace

http::Response upload_form(Context& ctx) {
    http::Lang lang = ctx.req.lang();
    auto option = [&](workflow::ApplyType t, Message m) {
        return "<option value=\"" + std::to_string(static_cast<int>(t)) + "\">" + escape(pick(lang, m)) + "</option>";
    };
    std::string body =
        "<form method=\"post\" enctype=\"multipart/form-data\" action=\"" + escape(ctx.req.link("server/upload")) +
        "\"><input type=\"hidden\" name=\"csrf\" value=\"" + escape(ctx.session.csrf_token) + "\"><p><label>" +
        escape(pick(lang, {"申請種別", "Application type"})) + " <select name=\"applyType\">" +
        option(workflow::ApplyType::issue, {"発行", "Issue"}) + option(workflow::ApplyType::renew, {"更新", "Renew"}) +
        option(workflow::ApplyType::revoke, {"失効", "Revoke"}) +
        "</select></label></p><p><label><input type=\"radio\" name=\"errorFlg\" value=\"1\" checked> " +
        escape(pick(lang, {"エラーがあればファイル全体を受け付けない", "Reject the whole file on any error"})) +
        "</label><br><label><input type=\"radio\" name=\"errorFlg\" value=\"0\"> " +
        escape(pick(lang, {"正しい行だけ受け付ける", "Accept the correct lines"})) +
        "</label></p><p><input type=\"file\" name=\"file\" accept=\".tsv,.txt\"></p><p><button type=\"submit\">" +
        escape(pick(lang, {"申請", "Apply"})) + "</button></p></form>";
    // The other server-certificate pages this officer may use.
    body += "<ul><li><a href=\"" + escape(ctx.req.link("server/certificates")) + "\">" +
            escape(pick(lang, {"証明書一覧", "Certificate list"})) + "</a></li>";
    if (authz::allows(ctx.grants(), authz::Action::export_inventory)) {
        body += "<li><a href=\"" + escape(ctx.req.link("api/v1/exports/serverAll.tsv")) + "\">serverAll.tsv</a></li>";
    }
    if (authz::allows(ctx.grants(), authz::Action::stats)) {
        body += "<li><a href=\"" + escape(ctx.req.link("server/statistics")) + "\">" +
                escape(pick(lang, {"統計情報", "Statistics"})) + "</a></li>";
    }
    if (authz::allows(ctx.grants(), authz::Action::allowlist)) {
        body += "<li><a href=\"" + escape(ctx.req.link("api/v1/allowlist.tsv")) + "\">" +
                escape(pick(lang, {"許可リスト", "Allow list"})) + "</a></li>";
    }
    body += "</ul>";
    return http::page(ctx.req, 200, {"サーバ証明書", "Server certificates"}, std::move(body));
}

http::Response upload(Context& ctx) {
    const auto& req = ctx.req;
    // The CSRF check comes first, as for every state change: a forged request learns nothing more.
    require_csrf(req, ctx.session);
    auto type = req.header("Content-Type");
    if (!type || type->find("multipart/form-data") == std::string_view::npos) {
        throw Error(codes::kBadRequest, {"multipart/form-data で送信してください。", "Send multipart/form-data."}, 400);
    }
    workflow::UploadInput input;
    std::string apply_type = "", error_flag = "1";
    for (auto& part : http::parse_multipart(req.body, *type)) {
        if (part.name == "file") {
            input.file_name = part.filename.value_or("");
            input.content = std::move(part.data);
        } else if (part.name == "applyType") {
            apply_type = part.data;
        } else if (part.name == "errorFlg") {
            error_flag = part.data;
        }
    }
    http::check_text(input.file_name, "filename");
    input.type = workflow::parse_apply_type(apply_type);
    input.abort_on_error = error_flag != "0";
    auto result = workflow::upload_server_batch(ctx.c, ctx.who, ctx.grants(), input);
    if (req.wants_json()) return http::Response::json(200, batch_result_json(result, ctx.who).dump());
    return http::page(req, 200, {"申請結果", "Application result"}, result_table(result, ctx.who, req.lang()));
}

}  // namespace inkan::officer
