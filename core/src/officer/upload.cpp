// Upload of UPKI server-certificate files and the per-line result as UPKI
// reports it (SEQ, OK/NG, code:row,field,message, ...).
#include <nlohmann/json.hpp>

#include "http/multipart.hpp"
#include "officer/handlers.hpp"
#include "util/codes.hpp"
#include "workflow/upload.hpp"
#include "http/fields.hpp"

namespace inkan::officer {

nlohmann::json batch_result_json(Context& ctx, const workflow::UploadResult& r) {
    nlohmann::json out = {
        {"batch_id", r.batch_id}, {"encoding", r.encoding}, {"accepted", r.accepted},
        {"rejected", std::count_if(r.lines.begin(), r.lines.end(), [](const auto& l) { return !l.errors.empty(); })},
        {"aborted", r.aborted},
        {"lines", with_progress(ctx, r.batch_id, workflow::line_results_json(r.lines, r.aborted, ctx.who.institution))}};
    // Shown once: the HMAC key is in no stored result and no mail.
    for (const auto& eab : r.eabs) {
        for (auto& line : out["lines"]) {
            if (line["seq"] == eab.row) {
                line["acme"] = {{"account_id", eab.account_ref}, {"eab_kid", eab.kid}, {"eab_hmac_key", eab.hmac_key}};
            }
        }
    }
    return out;
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
    std::string apply_type = "", error_flag = "1", kind = "server";
    for (auto& part : http::parse_multipart(req.body, *type)) {
        if (part.name == "file") {
            input.file_name = part.filename.value_or("");
            input.content = std::move(part.data);
        } else if (part.name == "applyType") {
            apply_type = part.data;
        } else if (part.name == "errorFlg") {
            error_flag = part.data;
        } else if (part.name == "kind") {
            kind = part.data;
        }
    }
    http::check_text(input.file_name, "filename");
    if (kind != "server" && kind != "acme" && kind != "client") {
        throw Error(codes::kBadRequest, {"kind は server, client, acme のいずれかです。", "kind must be server, client or acme."}, 400)
            .about("kind");
    }
    input.kind = *authz::parse_kind(kind);
    input.type = workflow::parse_apply_type(apply_type, input.kind);
    input.abort_on_error = error_flag != "0";
    auto result = workflow::upload_batch(ctx.c, ctx.who, ctx.grants(), input);
    return http::Response::json(200, batch_result_json(ctx, result).dump());
}

}  // namespace inkan::officer
