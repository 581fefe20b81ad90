// S/MIME signatures on the mails inkan sends (RFC 8551 multipart/signed,
// detached CMS, SHA-256), as UPKI signs its mails: a reader can check that a
// download link or PIN notice really comes from the service.  The signing
// key is an end-entity S/MIME key of the mailer (`inkanctl mail-signer
// issue`), never a CA key.
#pragma once

#include <string>
#include <vector>

#include "crypto/ossl.hpp"

namespace inkan::mail {

struct Signer {
    crypto::X509Ptr cert;
    crypto::PKey key;
    std::vector<crypto::X509Ptr> chain;  // the issuing CA(s), sent along
};

// The certificate (then its chain) from one PEM file and the key from
// another; throws Error when they do not belong together or the certificate
// is not for emailProtection.
Signer load_signer(const std::string& cert_file, const std::string& key_file);

// `entity`: a MIME entity with CRLF line ends (its Content-Type headers, a
// blank line, the body).  Returns the MIME-Version and multipart/signed
// headers, a blank line and the signed body, ready to follow the mail's
// other headers.
std::string sign_entity(const Signer& signer, const std::string& entity);

}  // namespace inkan::mail
