#include "store/chains.hpp"

#include "crypto/x509.hpp"
#include "util/error.hpp"

namespace inkan::store {

Chained load_with_issuers(store::Connection& c, int64_t certificate_id) {
    auto r = c.query(
        "WITH RECURSIVE chain(id, parent_id, cert_pem, depth) AS ("
        "  SELECT ca.id, ca.parent_id, ca.cert_pem, 0 FROM certificates ce JOIN cas ca ON ca.id = ce.ca_id WHERE ce.id = $1"
        "  UNION ALL SELECT p.id, p.parent_id, p.cert_pem, chain.depth + 1 FROM cas p JOIN chain ON p.id = chain.parent_id)"
        " SELECT (SELECT der FROM certificates WHERE id = $1), cert_pem FROM chain ORDER BY depth",
        certificate_id);
    if (r.empty()) throw InternalError("certificate " + std::to_string(certificate_id) + " has no CA chain");
    Chained out{crypto::cert_from_der(r.bytes(0, 0)), {}};
    for (int i = 0; i < r.rows(); ++i) out.issuers.push_back(crypto::cert_from_pem(r.text(i, 1)));
    return out;
}

}  // namespace inkan::store
