// Repository of the certificate inventories (views server_inventory and
// client_inventory, the same columns): what officers list, look at, export,
// count, and the OU allow list.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace inkan::store {

// Which inventory: server certificates, or client and S/MIME certificates
// (whose "fqdn" is the domain of the end user's mail, which grants cover).
enum class Inventory { server, client };

struct ServerListRow {
    int64_t application_id = 0;
    std::string operation, state, fqdn, subject_dn, profile, serial;
    std::optional<int> status;  // UPKI 4-7 once issued
    // Times: ISO 8601 UTC ("2026-12-01T09:30:00Z"), empty when not applicable.
    std::string submitted, not_before, not_after, issued_at, revoked_at;
    std::optional<int> revocation_reason;
    std::optional<int64_t> certificate_id, batch_id;
    int line_no = 0;
    std::string error, subscriber_name, subscriber_affiliation, subscriber_email;
    std::vector<std::string> dns_names;
    std::string old_serial, server_software;
    std::string der;  // only from certificate_row
    // The client inventory's own: client or smime, the end user, the PKCS#12.
    std::string kind = "server", end_user_name, end_user_affiliation, end_user_email, pkcs12_name;
    std::optional<int> download_method;
};

enum class ListOrder { newest, oldest, expiring };

struct ListFilter {
    std::optional<std::string> fqdn_part, status, profile;
    std::optional<std::string> subscriber_part;                // in the subscriber's name or mail
    std::optional<std::string> submitted_from, submitted_to;   // YYYY-MM-DD in JST, both inclusive
    std::optional<int64_t> batch_id;
    std::optional<std::vector<std::string>> serials;  // any of these (stored notation); empty matches nothing
    std::vector<std::string> scopes;                  // domains/subtrees the officer may see
    ListOrder order = ListOrder::newest;
    int limit = 1000, offset = 0;
};

// One page within the scopes (so limit and offset count only visible rows).
std::vector<ServerListRow> certificate_list(Connection& c, Inventory inventory, int64_t institution_id, const ListFilter& filter);
std::optional<ServerListRow> certificate_row(Connection& c, Inventory inventory, int64_t institution_id, int64_t certificate_id);

// One application with everything serverAll.tsv / clientAll.tsv shows; times as
// "YYYY/MM/DD HH:MM:SS" (UTC), empty when not applicable.
struct InventoryRow {
    std::string application_id, batch_id, subject_dn, domain_id, applied_at, issued_at, officer_id, operation, profile,
        status, subscriber_name, subscriber_affiliation, subscriber_email, fqdn, server_software, csr_base64, dns_names,
        error, der_base64, serial, fingerprint_hex, not_before, not_after, url_expires_at, revocation_id,
        revocation_submitted, revoked_at, revocation_officer_id, revocation_reason, revocation_comment,
        revocation_officer_email, old_serial, updated_at, download_method, operation_kind;
};
// Every row of the institution's inventory, oldest first, handed to `row` one
// at a time as the database sends them (an export may hold a million rows).
void each_inventory_row(Connection& c, Inventory inventory, int64_t institution_id,
                        const std::function<void(const InventoryRow&)>& row);

struct StatisticsRow {
    std::string fqdn, month, profile, kind;
    bool revoked = false, valid = false;
};
std::vector<StatisticsRow> statistics_rows(Connection& c, Inventory inventory, int64_t institution_id);

struct AllowlistEntry {
    std::string domain, ou;
};
std::vector<AllowlistEntry> ou_allowlist(Connection& c, int64_t institution_id);

}  // namespace inkan::store
