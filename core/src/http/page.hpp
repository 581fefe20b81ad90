// HTML building: escaping, the shared page layout, and error rendering.
#pragma once

#include <string>
#include <string_view>

#include "http/request.hpp"
#include "util/error.hpp"

namespace inkan::http {

std::string escape(std::string_view text);
using inkan::pick;

// A complete page in the request's language; `body` is trusted HTML.  With
// `refresh_url`, the browser loads that URL after two seconds (progress pages).
Response page(const Request& req, int status, const Message& title, std::string body,
              std::string_view refresh_url = {});

// The response for an Error: JSON {"error":{code,message:{ja,en}}} or an HTML page.
Response error_response(const Request& req, const Error& e);

}  // namespace inkan::http
