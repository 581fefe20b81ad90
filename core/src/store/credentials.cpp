#include "store/credentials.hpp"

namespace inkan::store {

std::optional<std::string> take_preset_pin(Connection& c, int64_t application_id) {
    auto r = c.query("DELETE FROM preset_pins WHERE application_id = $1 RETURNING pin", application_id);
    if (r.empty()) return std::nullopt;
    return r.text(0, 0);
}

void insert_credential(Connection& c, const NewCredential& k) {
    c.query("INSERT INTO client_credentials (application_id, certificate_id, download_method, file_name, pkcs12, pin, "
            "pin_salt, pin_verifier) VALUES ($1, $2, $3::int, $4, $5, $6, $7, $8)",
            k.application_id, k.certificate_id, k.download_method, k.file_name, Bytes{k.pkcs12}, k.pin, Bytes{k.pin_salt},
            Bytes{k.pin_verifier});
}

std::optional<CredentialToDeliver> credential_to_deliver(Connection& c, int64_t certificate_id) {
    auto r = c.query("SELECT k.application_id, k.download_method, "
                     "coalesce(a.end_user_name, ''), coalesce(a.end_user_email, ''), coalesce(a.subscriber_email, ''), "
                     "coalesce(old.serial, '') "
                     "FROM client_credentials k JOIN applications a ON a.id = k.application_id "
                     "LEFT JOIN certificates old ON old.id = a.old_certificate_id WHERE k.certificate_id = $1",
                     certificate_id);
    if (r.empty()) return std::nullopt;
    return CredentialToDeliver{r.integer(0, 0), static_cast<int>(r.integer(0, 1)), r.text(0, 2), r.text(0, 3), r.text(0, 4),
                               r.text(0, 5)};
}

FiledCredential file_credential(Connection& c, int64_t application_id, const std::string& file_token_hash,
                                const std::optional<std::string>& user_token_hash, int64_t days) {
    auto r = c.query("SELECT * FROM inkan_file_credential($1, $2, $3, $4::int)", application_id, Bytes{file_token_hash},
                     user_token_hash ? Param(Bytes{*user_token_hash}) : Param(std::nullopt), days);
    return {r.integer(0, 0), r.boolean(0, 1), r.text(0, 2)};
}

int64_t purge_expired_credentials(Connection& c) { return c.query("SELECT inkan_purge_credentials()").integer(0, 0); }

std::optional<PinFileState> pin_file_state(Connection& c, const std::string& token_hash) {
    auto r = c.query("SELECT * FROM inkan_pin_file_state($1)", Bytes{token_hash});
    if (r.empty()) return std::nullopt;
    return PinFileState{r.integer(0, 0), r.integer(0, 1), r.integer(0, 2), r.boolean(0, 3), r.text(0, 4)};
}

std::vector<PinEntry> fetch_pin_file(Connection& c, const std::string& token_hash) {
    auto r = c.query("SELECT * FROM inkan_fetch_pin_file($1)", Bytes{token_hash});
    std::vector<PinEntry> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5),
                       static_cast<int>(r.integer(i, 6))});
    }
    return out;
}

std::optional<CredentialState> credential_state(Connection& c, const std::string& token_hash) {
    auto r = c.query("SELECT * FROM inkan_credential_state($1)", Bytes{token_hash});
    if (r.empty()) return std::nullopt;
    return CredentialState{r.integer(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4), r.text(0, 5)};
}

Collected collect_credential(Connection& c, const std::string& token_hash, const std::string& pin) {
    auto r = c.query("SELECT * FROM inkan_collect_credential($1, $2)", Bytes{token_hash}, pin);
    Collected out;
    out.outcome = r.text(0, 0);
    if (!r.is_null(0, 1)) out.certificate_id = r.integer(0, 1);
    if (!r.is_null(0, 2)) out.pkcs12 = r.bytes(0, 2);
    out.file_name = r.text(0, 3);
    out.tries_left = static_cast<int>(r.integer(0, 4));
    return out;
}

std::vector<BulkItem> collect_bulk(Connection& c, const std::string& token_hash) {
    auto r = c.query("SELECT * FROM inkan_collect_bulk($1)", Bytes{token_hash});
    std::vector<BulkItem> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.integer(i, 0), r.text(i, 1), r.bytes(i, 2)});
    return out;
}

CollectionFacts collection_facts(Connection& c, int64_t certificate_id) {
    auto r = c.query("SELECT coalesce(o.email, ''), coalesce(a.subscriber_email, ''), ce.subject_dn, ce.serial "
                     "FROM certificates ce JOIN applications a ON a.id = ce.application_id "
                     "LEFT JOIN officers o ON o.id = a.officer_id WHERE ce.id = $1",
                     certificate_id);
    return {r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3)};
}

}  // namespace inkan::store
