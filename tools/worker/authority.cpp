#include "worker/authority.hpp"

#include "crypto/x509.hpp"
#include "util/error.hpp"

namespace inkan::worker {

namespace {
Authority from_row(const store::Result& r, KeyStore& keys) {
    return Authority{r.integer(0, 0), crypto::cert_from_pem(r.text(0, 1)), keys.get(r.text(0, 2))};
}
}  // namespace

Authority load_authority(store::Connection& c, KeyStore& keys, const std::string& role) {
    auto r = c.query("SELECT id, cert_pem, key_ref FROM cas WHERE role = $1 AND active", role);
    if (r.empty()) throw InternalError("no active " + role + " CA: run 'inkanctl ca init' or 'ca import --role " + role + "'");
    return from_row(r, keys);
}

Authority load_authority_by_id(store::Connection& c, KeyStore& keys, int64_t id) {
    auto r = c.query("SELECT id, cert_pem, key_ref FROM cas WHERE id = $1", id);
    if (r.empty()) throw InternalError("no CA with id " + std::to_string(id));
    return from_row(r, keys);
}

}  // namespace inkan::worker
