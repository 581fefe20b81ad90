#include "mail/outbox.hpp"

#include "crypto/encoding.hpp"

namespace inkan::mail {

namespace {
// SMTP wants CRLF line ends; a CRLF stays as it is.
std::string crlf(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
        out += text[i];
    }
    return out;
}

std::string fold_base64(const std::string& b64) {
    std::string out;
    for (size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
    return out;
}
}  // namespace

void enqueue(store::Connection& c, const Mail& m) {
    store::queue_mail(c, m);
}

std::string compose(const Mail& m, const std::string& from, const std::string& message_id, const std::string& date,
                    const Signer* signer) {
    std::string to;
    for (const auto& r : m.to) to += (to.empty() ? "" : ", ") + r;
    std::string headers = "From: " + from + "\r\nTo: " + to + "\r\nSubject: =?UTF-8?B?" + crypto::base64(m.subject) +
                          "?=\r\nDate: " + date + "\r\nMessage-ID: <" + message_id + ">\r\nX-Inkan-Kind: " + m.kind + "\r\n";
    std::string entity = "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                         fold_base64(crypto::base64(crlf(m.body)));
    // OpenSSL ends the signature's base64 lines with a bare LF; the signed entity keeps its bytes.
    if (signer) return headers + crlf(sign_entity(*signer, entity));
    return headers + "MIME-Version: 1.0\r\n" + entity;
}

}  // namespace inkan::mail
