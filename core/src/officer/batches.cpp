// Upload history: the officer's own batches, each with its per-line results
// and the file exactly as uploaded.
#include <nlohmann/json.hpp>

#include "officer/handlers.hpp"
#include "store/uploads.hpp"
#include "util/codes.hpp"

namespace inkan::officer {

namespace {
using nlohmann::json;

json summary_json(const store::BatchSummary& b) {
    return {{"id", b.id},           {"file_name", b.file_name}, {"encoding", b.encoding},
            {"uploaded_at", b.uploaded_at}, {"apply_type", b.apply_type}, {"error_flg", b.abort_on_error ? 1 : 0},
            {"lines", b.lines},     {"accepted", b.accepted},   {"sha256", b.sha256_hex},
            {"uploaded_by", b.uploaded_by}};
}

store::BatchRecord own_batch(Context& ctx) {
    auto b = store::batch_of(ctx.c, ctx.who.officer_id, ctx.id);
    if (!b) throw Error(codes::kNotFound, {"アップロード履歴が見つかりません。", "No such upload."});
    return *b;
}
}  // namespace

namespace {
// Results kept before the API's error shape (code, ja, en, field, line) had
// {field: {ja, en}, message: {ja, en}}; batches before sql/011 kept none.
nlohmann::json current_shape(nlohmann::json lines) {
    if (!lines.is_array()) return json::array();
    for (auto& line : lines) {
        for (auto& e : line["errors"]) {
            if (!e.contains("message")) continue;
            json column = e["field"], message = e["message"];
            e = {{"code", e["code"]}, {"ja", message["ja"]}, {"en", message["en"]}, {"field", column["ja"]},
                 {"line", line["seq"]}, {"column", column}, {"text", e["text"]}};
        }
    }
    return lines;
}
}  // namespace

nlohmann::json with_progress(Context& ctx, int64_t batch_id, nlohmann::json lines) {
    lines = current_shape(std::move(lines));
    auto created = store::batch_applications(ctx.c, batch_id);
    for (auto& line : lines) {
        line["application_id"] = line["state"] = line["certificate_id"] = nullptr;
        for (const auto& a : created) {
            if (a.line_no != line.value("seq", 0)) continue;
            line["application_id"] = a.application_id;
            line["state"] = a.state;
            if (a.certificate_id) line["certificate_id"] = *a.certificate_id;
        }
    }
    return lines;
}

http::Response batch_list(Context& ctx) {
    json out = json::array();
    for (const auto& b : store::batches_of(ctx.c, ctx.who.officer_id, 200)) out.push_back(summary_json(b));
    return http::Response::json(200, json{{"batches", out}}.dump());
}

http::Response batch_detail(Context& ctx) {
    auto b = own_batch(ctx);
    json out = summary_json(b.summary);
    out["results"] = with_progress(ctx, b.summary.id, json::parse(b.results_json));
    return http::Response::json(200, out.dump());
}

http::Response batch_file(Context& ctx) {
    auto b = own_batch(ctx);
    // The bytes as uploaded (CP932 or UTF-8); never rendered by the browser.
    return http::Response{200,
                          {{"Content-Type", "application/octet-stream"},
                           {"Content-Disposition", "attachment; filename=\"batch-" + std::to_string(b.summary.id) + ".tsv\""},
                           {"X-Content-Type-Options", "nosniff"},
                           {"Cache-Control", "no-store"}},
                          std::move(b.content)};
}

}  // namespace inkan::officer
