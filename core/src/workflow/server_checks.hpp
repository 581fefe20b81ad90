// Every rule for one line of a UPKI server-certificate file (13 columns,
// UPKI-FORMATS §2, §5, §6), and of an ACME registration file (§4): the same
// 13 columns without a CSR, column 3 the ACME account ID, and a fourth
// operation, suspend.  The checks are pure: what they need to know
// about the database comes through Registry, so tests can supply it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "authz/grants.hpp"
#include "profile/profile.hpp"
#include "tsv/line_error.hpp"
#include "tsv/table.hpp"
#include "workflow/line.hpp"

namespace inkan::workflow {

struct InstitutionFacts {
    int64_t id = 0;
    std::string o, st, l;
    bool active = true;
    std::vector<std::string> domains;  // registered
    std::string organization_identifier;  // for S/MIME subjects; "" when none is registered
};

struct KnownCertificate {
    int64_t id = 0;
    std::string subject_dn;  // UPKI order, as in column 1
    std::string public_key;  // SubjectPublicKeyInfo DER
    std::vector<std::string> names;  // CN and dNSNames; client and S/MIME: the domains of its mail addresses
    bool revoked = false;
    bool renewed = false;  // already replaced, or a renewal of it is pending
    std::string kind = "server";  // or acme, client, smime
};

struct KnownRegistration {
    int64_t id = 0;
    std::string subject_dn, status;
    std::vector<std::string> names;  // CN first
};

class Registry {
public:
    virtual ~Registry() = default;
    // A valid certificate or a pending application of the institution and kind has this DN.
    virtual bool subject_in_use(const std::string& dn, authz::Kind kind) = 0;
    // A certificate of the institution by normalized serial.
    virtual std::optional<KnownCertificate> certificate(const std::string& serial) = 0;
    virtual bool ou_allowed(const std::string& domain, const std::string& ou) = 0;
    // An ACME registration of the institution by its account ID.
    virtual std::optional<KnownRegistration> acme_registration(const std::string&) { return std::nullopt; }
    // A line of the file passed: later lines see its DN / certificate as taken.
    virtual void accepted(const ServerApplication&) {}
    virtual void accepted(const ClientApplication&) {}
    // An earlier line of the file puts this PKCS#12 file name into the subscriber's bulk ZIP.
    virtual bool bulk_name_taken(const std::string& /*subscriber_email*/, const std::string& /*file_name*/) { return false; }
};

struct Policy {
    bool allow_wildcard = false;
    bool ou_by_allowlist = false;  // false: OU refused (UPKI since 2022-07-26)
    profile::Catalog profiles;
    authz::Kind kind = authz::Kind::server;  // the file's: server or acme
};

inline constexpr size_t kServerColumns = 13;

LineResult check_server_row(const tsv::Row& row, ApplyType type, const InstitutionFacts& inst,
                            const std::vector<authz::Grant>& grants, const Policy& policy, Registry& registry);

}  // namespace inkan::workflow
