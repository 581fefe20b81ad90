#include "worker/credentials.hpp"

#include "crypto/digest.hpp"
#include "crypto/random.hpp"
#include "crypto/x509.hpp"
#include "store/credentials.hpp"
#include "util/error.hpp"

namespace inkan::worker {

namespace {
// 12 characters of 55 carry about 69 bits: beyond an offline search of the
// PKCS#12's PBKDF2, and short enough to type.
constexpr size_t kPinLength = 12;
}  // namespace

bool keys_made_here(const profile::Profile& p) { return p.delivery == profile::Delivery::pkcs12_pin; }

crypto::PKey generate_key(const profile::Profile& p) {
    if (p.key_types.empty()) throw InternalError("profile " + p.id + " names no key type");
    switch (p.key_types.front()) {
        case profile::KeyType::rsa_2048: return crypto::generate_rsa(2048);
        case profile::KeyType::ec_p256: return crypto::generate_ec("P-256");
        case profile::KeyType::ec_p384: return crypto::generate_ec("P-384");
    }
    throw InternalError("unknown key type");
}

void store_credential(store::Connection& c, const store::QueuedIssuance& a, int64_t certificate_id, EVP_PKEY* key,
                      X509* cert, X509* issuer, bool legacy_pkcs12) {
    std::string pin = store::take_preset_pin(c, a.id).value_or("");
    if (pin.empty()) pin = crypto::random_readable(kPinLength);
    store::NewCredential k;
    k.application_id = a.id;
    k.certificate_id = certificate_id;
    k.download_method = a.download_method;
    k.file_name = a.pkcs12_name.empty() ? crypto::serial_hex(cert) : a.pkcs12_name;
    k.pkcs12 = crypto::pkcs12(key, cert, {issuer}, pin, a.end_user_email,
                              legacy_pkcs12 ? crypto::Pkcs12Cipher::legacy_3des : crypto::Pkcs12Cipher::aes256);
    k.pin = pin;
    k.pin_salt = crypto::random_bytes(16);
    k.pin_verifier = crypto::sha256(k.pin_salt + pin);
    store::insert_credential(c, k);
}

}  // namespace inkan::worker
