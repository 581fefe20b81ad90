#include "mail/outbox.hpp"

#include "crypto/encoding.hpp"

namespace inkan::mail {

namespace {
std::string fold_base64(const std::string& b64) {
    std::string out;
    for (size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
    return out;
}
}  // namespace

void enqueue(store::Connection& c, const Mail& m) {
    store::queue_mail(c, m);
}

std::string compose(const Mail& m, const std::string& from, const std::string& message_id, const std::string& date) {
    std::string to;
    for (const auto& r : m.to) to += (to.empty() ? "" : ", ") + r;
    std::string body = m.body;
    // SMTP wants CRLF line ends.
    std::string crlf;
    for (size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) crlf += '\r';
        crlf += body[i];
    }
    return "From: " + from + "\r\nTo: " + to + "\r\nSubject: =?UTF-8?B?" + crypto::base64(m.subject) +
           "?=\r\nDate: " + date + "\r\nMessage-ID: <" + message_id +
           ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
           "Content-Transfer-Encoding: base64\r\nX-Inkan-Kind: " + m.kind + "\r\n\r\n" + fold_base64(crypto::base64(crlf));
}

}  // namespace inkan::mail
