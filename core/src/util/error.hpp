// Errors as values: a stable code plus a message in Japanese and English.
// Thrown inside the core, turned into a response at the C ABI boundary.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace inkan {

struct Message {
    std::string ja;
    std::string en;
};

enum class Lang { ja, en };

inline const std::string& pick(Lang lang, const Message& m) { return lang == Lang::en ? m.en : m.ja; }

// The catalogue's HTTP status of a code (util/catalogue.cpp); 400 for a code it lacks.
int catalogue_status(std::string_view code);

class Error : public std::exception {
public:
    // The HTTP status defaults to the catalogue's for the code.
    Error(std::string code, Message message) : Error(code, std::move(message), catalogue_status(code)) {}
    Error(std::string code, Message message, int http_status)
        : code_(std::move(code)), message_(std::move(message)), http_status_(http_status) {}

    const std::string& code() const noexcept { return code_; }
    const Message& message() const noexcept { return message_; }
    int http_status() const noexcept { return http_status_; }
    // The request field the error is about ("" when none), e.g. "fqdn".
    const std::string& field() const noexcept { return field_; }
    const char* what() const noexcept override { return message_.en.c_str(); }

    Error&& about(std::string field) && {
        field_ = std::move(field);
        return std::move(*this);
    }
    // The line of an uploaded file the error is about (0 when none).
    int line() const noexcept { return line_; }
    Error&& at_line(int line) && {
        line_ = line;
        return std::move(*this);
    }

    // A header the error response carries, e.g. Allow on a 405.
    Error&& with_header(std::string name, std::string value) && {
        headers_.emplace_back(std::move(name), std::move(value));
        return std::move(*this);
    }
    const std::vector<std::pair<std::string, std::string>>& headers() const noexcept { return headers_; }

private:
    std::string code_;
    Message message_;
    int http_status_;
    std::string field_;
    int line_ = 0;
    std::vector<std::pair<std::string, std::string>> headers_;
};

// A failure that is a bug or an environment problem, not the user's input.
class InternalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace inkan
