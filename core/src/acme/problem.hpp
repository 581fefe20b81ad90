// acme/: the ACME server (RFC 8555) of the `acme` endpoint: JWS requests,
// accounts bound by External Account Binding to officers' registrations,
// orders for registered names, renewal information (RFC 9773).
//
// Problem: an ACME error as RFC 8555 §6.7 and RFC 7807 describe it, thrown
// inside the endpoint and answered as application/problem+json.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace inkan::acme {

class Problem : public std::exception {
public:
    // `type` is the short ACME name ("malformed", "badNonce", ...).
    Problem(std::string type, std::string en, std::string ja, int status = 400)
        : type_(std::move(type)), en_(std::move(en)), ja_(std::move(ja)), status_(status) {}

    const std::string& type() const noexcept { return type_; }
    const std::string& en() const noexcept { return en_; }
    const std::string& ja() const noexcept { return ja_; }
    int status() const noexcept { return status_; }
    const char* what() const noexcept override { return en_.c_str(); }

    // The identifier a problem is about (rejectedIdentifier), as a subproblem.
    Problem&& about(std::string dns_name) && {
        identifier_ = std::move(dns_name);
        return std::move(*this);
    }
    const std::string& identifier() const noexcept { return identifier_; }

    // badSignatureAlgorithm names the algorithms the server accepts (RFC 8555 §6.2).
    Problem&& with_algorithms(std::vector<std::string> algorithms) && {
        algorithms_ = std::move(algorithms);
        return std::move(*this);
    }
    const std::vector<std::string>& algorithms() const noexcept { return algorithms_; }

    Problem&& with_header(std::string name, std::string value) && {
        add_header(std::move(name), std::move(value));
        return std::move(*this);
    }
    void add_header(std::string name, std::string value) { headers_.emplace_back(std::move(name), std::move(value)); }
    const std::vector<std::pair<std::string, std::string>>& headers() const noexcept { return headers_; }

private:
    std::string type_, en_, ja_;
    int status_;
    std::string identifier_;
    std::vector<std::string> algorithms_;
    std::vector<std::pair<std::string, std::string>> headers_;
};

inline Problem malformed(std::string en, std::string ja) { return Problem("malformed", std::move(en), std::move(ja)); }
inline Problem unauthorized(std::string en, std::string ja) {
    return Problem("unauthorized", std::move(en), std::move(ja), 403);
}
// A deactivated account (RFC 8555 §7.3.6): 401.
inline Problem deactivated() {
    return Problem("unauthorized", "the account is deactivated", "アカウントは無効化されています。", 401);
}

}  // namespace inkan::acme
