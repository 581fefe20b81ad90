// Texts of the mails inkan sends, each in Japanese and English.
#pragma once

#include <string>

#include "mail/outbox.hpp"

namespace inkan::mail {

Mail officer_pickup(const std::string& to, const std::string& officer_name, const std::string& institution,
                    const std::string& link, const std::string& expires_at);

// To the subscriber: where to download the new server certificate.
Mail server_download_link(const std::string& to, const std::string& subject_dn, const std::string& serial,
                          const std::string& link, const std::string& expires_at);

// To the officer, when the subscriber fetched the certificate.  After a
// renewal it carries a ready-made revocation line for the old certificate.
Mail server_issued(const std::string& to, const std::string& subject_dn, const std::string& serial,
                   const std::string& revocation_tsv_line, const std::string& old_serial);

// To the officer: the renewed certificate's predecessor is still valid.
Mail renewal_reminder(const std::string& to, const std::string& subject_dn, const std::string& old_serial,
                      const std::string& new_serial, const std::string& revocation_tsv_line);

// To the officer and the subscriber: a certificate was revoked.
Mail server_revoked(const std::vector<std::string>& to, const std::string& subject_dn, const std::string& serial,
                    int reason);

// Client and S/MIME certificates (UPKI-FORMATS §3, §8).
// To the subscriber: the one-time link to the PIN file (and the bulk ZIP).
Mail pin_file_link(const std::string& to, const std::string& link, const std::string& expires_at);
// To the end user: where to collect the PKCS#12 with the PIN the subscriber
// hands over; after a renewal it names the certificate it replaces.
Mail credential_link(const std::string& to, const std::string& end_user_name, const std::string& subject_dn,
                     const std::string& serial, const std::string& old_serial, const std::string& link,
                     const std::string& expires_at);
// To the officer and the subscriber: the certificate was collected (取得通知).
Mail credential_collected(const std::vector<std::string>& to, const std::string& subject_dn, const std::string& serial);

}  // namespace inkan::mail
