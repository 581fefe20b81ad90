// Errors as values: a stable code plus a message in Japanese and English.
// Thrown inside the core, turned into a response at the C ABI boundary.
#pragma once

#include <stdexcept>
#include <string>

namespace inkan {

struct Message {
    std::string ja;
    std::string en;
};

enum class Lang { ja, en };

inline const std::string& pick(Lang lang, const Message& m) { return lang == Lang::en ? m.en : m.ja; }

class Error : public std::exception {
public:
    Error(std::string code, Message message, int http_status = 400)
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

private:
    std::string code_;
    Message message_;
    int http_status_;
    std::string field_;
};

// A failure that is a bug or an environment problem, not the user's input.
class InternalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace inkan
