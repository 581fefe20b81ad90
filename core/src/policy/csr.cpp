#include "policy/csr.hpp"

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cctype>

#include "crypto/encoding.hpp"
#include "crypto/x509.hpp"

namespace inkan::policy {

namespace {
using crypto::BigNum;

CsrProblem problem(const char* code, std::string ja, std::string en) { return {code, {std::move(ja), std::move(en)}}; }

// The DER inside whatever form the applicant used.
std::optional<std::string> csr_der(std::string_view text) {
    if (!text.empty() && text.front() == '\x30') return std::string(text);  // DER already
    std::string body;
    size_t begin = text.find("-----BEGIN");
    if (begin != std::string_view::npos) {
        size_t header_end = text.find("-----", begin + 10);
        size_t end = text.find("-----END", header_end == std::string_view::npos ? begin : header_end + 5);
        if (header_end == std::string_view::npos || end == std::string_view::npos) return std::nullopt;
        std::string_view label = text.substr(begin + 11, header_end - begin - 11);
        if (label != "CERTIFICATE REQUEST" && label != "NEW CERTIFICATE REQUEST") return std::nullopt;
        text = text.substr(header_end + 5, end - header_end - 5);
    }
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=') body += c;
        else if (c != '\r' && c != '\n' && c != ' ' && c != '\t') return std::nullopt;
    }
    try {
        return crypto::unbase64(body);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::vector<tsv::Rdn> subject_rdns(X509_NAME* name) {
    std::vector<tsv::Rdn> out;
    for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
        X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
        int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
        const char* sn = nid == NID_undef ? "?" : OBJ_nid2sn(nid);
        unsigned char* utf8 = nullptr;
        int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
        out.emplace_back(sn, len >= 0 ? std::string(reinterpret_cast<char*>(utf8), static_cast<size_t>(len)) : "");
        OPENSSL_free(utf8);
    }
    return out;
}

// The subjectAltName entries a CSR asks for.
void read_requested_names(X509_REQ* req, Csr& out) {
    STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req);
    if (!exts) return;
    auto* sans = static_cast<GENERAL_NAMES*>(X509V3_get_d2i(exts, NID_subject_alt_name, nullptr, nullptr));
    out.requested_emails = crypto::general_names(sans, GEN_EMAIL);
    out.requested_dns_names = crypto::general_names(sans, GEN_DNS);
    for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); ++i) {
        int type = sk_GENERAL_NAME_value(sans, i)->type;
        out.requests_other_names = out.requests_other_names || (type != GEN_DNS && type != GEN_EMAIL);
    }
    GENERAL_NAMES_free(sans);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
}

BigNum rsa_param(EVP_PKEY* key, const char* name) {
    BIGNUM* bn = nullptr;
    EVP_PKEY_get_bn_param(key, name, &bn);
    return BigNum(bn);
}

// Hashes broken for signatures: a CSR signed with one proves little.
bool weak_signature_hash(int signature_nid) {
    int md = NID_undef, pkey = NID_undef;
    if (OBJ_find_sigid_algs(signature_nid, &md, &pkey) != 1) return false;
    return md == NID_md2 || md == NID_md4 || md == NID_md5 || md == NID_sha1 || md == NID_mdc2;
}

unsigned long mod_word(const BIGNUM* n, unsigned long w) { return BN_mod_word(n, w); }
}  // namespace

std::variant<Csr, CsrProblem> parse_csr(std::string_view text) {
    auto der = csr_der(text);
    if (!der || der->empty()) {
        return problem("401", "CSR を読み取れません (PEM の本文を1行で、または PEM / DER で指定してください)。",
                       "The CSR cannot be read (give the PEM body on one line, or PEM / DER).");
    }
    auto p = reinterpret_cast<const unsigned char*>(der->data());
    crypto::X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der->size())));
    if (!req || p != reinterpret_cast<const unsigned char*>(der->data()) + der->size()) {
        crypto::drain_errors();
        return problem("401", "CSR の形式が正しくありません。", "The CSR is not a valid PKCS#10 request.");
    }
    EVP_PKEY* key = X509_REQ_get0_pubkey(req.get());
    if (!key || X509_REQ_verify(req.get(), key) != 1) {
        crypto::drain_errors();
        return problem("402", "CSR の署名を検証できません。", "The CSR's signature does not verify.");
    }
    if (weak_signature_hash(X509_REQ_get_signature_nid(req.get()))) {
        return problem("427", "CSR の署名に弱いハッシュ (SHA-1 / MD5) が使われています。SHA-256 以上で作り直してください。",
                       "The CSR is signed with a weak hash (SHA-1 / MD5); create it again with SHA-256 or stronger.");
    }
    Csr out;
    out.subject = subject_rdns(X509_REQ_get_subject_name(req.get()));
    read_requested_names(req.get(), out);
    out.der = std::move(*der);
    out.req = std::move(req);
    crypto::drain_errors();
    return out;
}

bool has_small_factor(const BIGNUM* n) {
    static const std::vector<unsigned long> primes = [] {
        std::vector<unsigned long> ps;
        for (unsigned long c = 2; c < 10000; ++c) {
            if (std::all_of(ps.begin(), ps.end(), [&](unsigned long p) { return p * p > c || c % p != 0; })) ps.push_back(c);
        }
        return ps;
    }();
    return std::any_of(primes.begin(), primes.end(), [&](unsigned long p) { return mod_word(n, p) == 0; });
}

namespace {
using BnCtx = std::unique_ptr<BN_CTX, crypto::Free<BN_CTX_free>>;

// floor(sqrt(x)) by Newton's method from 2^ceil(bits/2) >= sqrt(x), which
// converges in about log2(bits) steps.
BigNum isqrt(const BIGNUM* x, BN_CTX* ctx) {
    BigNum r(BN_new()), next(BN_new());
    if (!r || !next) throw std::bad_alloc();
    if (BN_is_zero(x)) return r;
    BN_set_bit(r.get(), (BN_num_bits(x) + 1) / 2);
    for (;;) {
        BN_div(next.get(), nullptr, x, r.get(), ctx);  // (r + x / r) / 2
        BN_add(next.get(), next.get(), r.get());
        BN_rshift1(next.get(), next.get());
        if (BN_cmp(next.get(), r.get()) >= 0) return r;
        std::swap(r, next);
    }
}

// Squares are 0, 1, 4 or 9 mod 16 and a square mod 63 and 65: a quick
// rejection before the square root.
bool maybe_square(const BIGNUM* x) {
    static const auto residues = [](unsigned long m) {
        std::vector<bool> r(m, false);
        for (unsigned long i = 0; i < m; ++i) r[i * i % m] = true;
        return r;
    };
    static const std::vector<bool> r64 = residues(64), r63 = residues(63), r65 = residues(65);
    return r64[BN_mod_word(x, 64)] && r63[BN_mod_word(x, 63)] && r65[BN_mod_word(x, 65)];
}
}  // namespace

bool fermat_factorable(const BIGNUM* n) {
    // a = ceil(sqrt(n)); if a^2 - n = b^2 for a in the first steps, n = (a-b)(a+b).
    BnCtx ctx(BN_CTX_new());
    if (!ctx) throw std::bad_alloc();
    BigNum a = isqrt(n, ctx.get()), sq(BN_new()), b2(BN_new());
    if (!sq || !b2) throw std::bad_alloc();
    BN_sqr(sq.get(), a.get(), ctx.get());
    if (BN_cmp(sq.get(), n) < 0) BN_add_word(a.get(), 1);
    for (int i = 0; i < 100; ++i, BN_add_word(a.get(), 1)) {
        BN_sqr(sq.get(), a.get(), ctx.get());
        BN_sub(b2.get(), sq.get(), n);
        if (!maybe_square(b2.get())) continue;
        BigNum b = isqrt(b2.get(), ctx.get());
        BN_sqr(sq.get(), b.get(), ctx.get());
        if (BN_cmp(sq.get(), b2.get()) == 0) return true;
    }
    return false;
}

bool roca_fingerprint(const BIGNUM* n) {
    // For each prime, the set of residues in the subgroup generated by 65537.
    static const std::vector<std::pair<unsigned long, std::vector<bool>>> subgroups = [] {
        std::vector<std::pair<unsigned long, std::vector<bool>>> out;
        for (unsigned long p : {11ul, 13ul, 17ul, 19ul, 37ul, 53ul, 61ul, 71ul, 73ul, 79ul, 97ul, 103ul, 107ul,
                                109ul, 127ul, 151ul, 157ul}) {
            std::vector<bool> member(p, false);
            unsigned long g = 65537 % p, x = 1;
            do {
                member[x] = true;
                x = x * g % p;
            } while (x != 1);
            out.emplace_back(p, std::move(member));
        }
        return out;
    }();
    return std::all_of(subgroups.begin(), subgroups.end(),
                       [&](const auto& sg) { return sg.second[mod_word(n, sg.first)]; });
}

std::optional<CsrProblem> check_key(EVP_PKEY* key, const profile::Profile& profile) {
    if (EVP_PKEY_is_a(key, "EC") && !crypto::ec_named_curve(key)) {
        return problem("403", "EC 鍵は名前付き曲線 (OID) で指定してください。明示的な曲線パラメータは使えません。",
                       "EC keys must name their curve (an OID); explicit curve parameters are not allowed.");
    }
    if (!profile::accepts_key(profile, key)) {
        Message wanted;
        for (auto type : profile.key_types) {
            Message d = profile::describe(type);
            wanted.ja += (wanted.ja.empty() ? "" : " または ") + d.ja;
            wanted.en += (wanted.en.empty() ? "" : " or ") + d.en;
        }
        return problem("403", "プロファイル" + profile.id + " の鍵は " + wanted.ja + " です。",
                       "Profile " + profile.id + " needs an " + wanted.en + " key.");
    }
    if (!EVP_PKEY_is_a(key, "RSA")) return std::nullopt;
    BigNum n = rsa_param(key, OSSL_PKEY_PARAM_RSA_N), e = rsa_param(key, OSSL_PKEY_PARAM_RSA_E);
    if (!n || !e) return problem("403", "RSA 鍵を読み取れません。", "The RSA key cannot be read.");
    if (!BN_is_word(e.get(), 65537)) {
        return problem("404", "RSA の公開指数は 65537 でなければなりません。", "The RSA public exponent must be 65537.");
    }
    if (has_small_factor(n.get())) {
        return problem("405", "RSA の法に小さな素因数があります (弱い鍵)。", "The RSA modulus has a small prime factor (weak key).");
    }
    if (fermat_factorable(n.get())) {
        return problem("406", "RSA の素因数が近すぎます (フェルマー法で分解可能な弱い鍵)。",
                       "The RSA primes are too close (weak key, factorable by Fermat's method).");
    }
    if (roca_fingerprint(n.get())) {
        return problem("407", "ROCA 脆弱性 (CVE-2017-15361) のある鍵です。鍵を作り直してください。",
                       "This key has the ROCA weakness (CVE-2017-15361); generate a new key.");
    }
    return std::nullopt;
}

}  // namespace inkan::policy
