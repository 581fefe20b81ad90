#include "worker/authority.hpp"

#include "crypto/x509.hpp"
#include "store/cas.hpp"
#include "util/error.hpp"

namespace inkan::worker {

namespace {
Authority from_row(const store::CaRow& ca, KeyStore& keys) {
    return Authority{ca.id, crypto::cert_from_pem(ca.cert_pem), keys.get(ca.key_ref)};
}
}  // namespace

Authority load_authority(store::Connection& c, KeyStore& keys, const std::string& role) {
    auto ca = store::active_ca(c, role);
    if (!ca) throw InternalError("no active " + role + " CA: run 'inkanctl ca init' or 'ca import --role " + role + "'");
    return from_row(*ca, keys);
}

Authority load_authority_by_id(store::Connection& c, KeyStore& keys, int64_t id) {
    auto ca = store::ca_by_id(c, id);
    if (!ca) throw InternalError("no CA with id " + std::to_string(id));
    return from_row(*ca, keys);
}

}  // namespace inkan::worker
