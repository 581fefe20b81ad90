#include "http/server_errors.hpp"

#include "http/page.hpp"
#include "util/codes.hpp"

namespace inkan::http {

namespace {
Error for_status(std::string_view status) {
    if (status == "413") {
        return Error(codes::kBodyTooLarge, {"送信されたデータが大きすぎます (ファイルは 4MB まで)。",
                                            "The request body is too large (files up to 4 MB)."}, 413);
    }
    if (status == "414") {
        return Error(codes::kUriTooLong, {"URL が長すぎます。", "The URL is too long."}, 414);
    }
    if (status == "405") {
        return Error(codes::kMethodNotAllowed, {"このメソッドは使えません。", "This method is not allowed."}, 405);
    }
    return Error(codes::kMalformedRequest,
                 {"要求の形式が正しくありません (ヘッダが長すぎるか不正です)。",
                  "The request is malformed (a header is too long or invalid)."},
                 400);
}
}  // namespace

Response serve_server_error(store::Pool&, const Request& req) {
    // Never cached: the same URL stands for whatever the server refused.
    Response r = error_response(req, for_status(req.path.substr(1)));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
}

}  // namespace inkan::http
