#include "http/page.hpp"

#include <nlohmann/json.hpp>

namespace inkan::http {

std::string escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}


Response page(const Request& req, int status, const Message& title, std::string body, std::string_view refresh_url) {
    Lang lang = req.lang();
    // The language switch keeps the rest of the query (e.g. a pickup token).
    auto query = req.query_params();
    query["lang"] = lang == Lang::en ? "ja" : "en";
    std::string other;
    for (const auto& [k, v] : query) other += (other.empty() ? "?" : "&") + url_encode(k) + "=" + url_encode(v);
    std::string html = "<!DOCTYPE html>\n<html lang=\"" + std::string(lang == Lang::en ? "en" : "ja") +
                       "\"><head><meta charset=\"utf-8\">" +
                       (refresh_url.empty() ? std::string()
                                            : "<meta http-equiv=\"refresh\" content=\"2;url=" + escape(refresh_url) + "\">") +
                       "<title>" + escape(pick(lang, title)) +
                       " - inkan</title><style>body{font-family:sans-serif;max-width:48em;margin:2em auto;}"
                       ".error{color:#a00}code{background:#eee;padding:0 .2em}</style></head><body>"
                       "<p style=\"text-align:right\"><a href=\"" + escape(other) + "\">" +
                       (lang == Lang::en ? "日本語" : "English") + "</a></p><h1>" + escape(pick(lang, title)) +
                       "</h1>\n" + body + "\n</body></html>\n";
    return Response::html(status, std::move(html));
}

Response error_response(const Request& req, const Error& e) {
    Response r;
    if (req.wants_json()) {
        // One shape for every error; field and line are null when the error is about neither.
        nlohmann::json j = {{"error",
                             {{"code", e.code()},
                              {"ja", e.message().ja},
                              {"en", e.message().en},
                              {"field", e.field().empty() ? nlohmann::json(nullptr) : nlohmann::json(e.field())},
                              {"line", e.line() ? nlohmann::json(e.line()) : nlohmann::json(nullptr)}}}};
        r = Response::json(e.http_status(), j.dump());
    } else {
        std::string body = "<p class=\"error\"><code>" + escape(e.code()) + "</code> " + escape(e.message().ja) +
                           "</p><p class=\"error\" lang=\"en\">" + escape(e.message().en) + "</p>";
        r = page(req, e.http_status(), {"エラー", "Error"}, std::move(body));
    }
    r.headers.insert(r.headers.end(), e.headers().begin(), e.headers().end());
    return r;
}

}  // namespace inkan::http
