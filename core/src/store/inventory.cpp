#include "store/inventory.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace inkan::store {

namespace {
constexpr const char* kListColumns =
    "SELECT application_id, operation, state, fqdn, subject_dn, profile, coalesce(serial, ''), status, "
    "inkan_iso(created_at), coalesce(inkan_iso(not_after), ''), certificate_id, "
    "coalesce(error, ''), coalesce(subscriber_name, ''), coalesce(subscriber_affiliation, ''), "
    "coalesce(subscriber_email, ''), array_to_json(dns_names)::text, coalesce(old_serial, ''), "
    "coalesce(server_software, ''), coalesce(inkan_iso(not_before), ''), coalesce(inkan_iso(issued_at), ''), "
    "coalesce(inkan_iso(revoked_at), ''), revocation_reason, batch_id, line_no, ";

// The view of an inventory, and the columns only the client inventory has
// (constants for the server inventory, so both answer the same shape).
// Chosen from fixed SQL, never from request text.
const char* view(Inventory inventory) { return inventory == Inventory::client ? "client_inventory" : "server_inventory"; }
const char* extra_columns(Inventory inventory) {
    return inventory == Inventory::client
               ? "kind, coalesce(end_user_name, ''), coalesce(end_user_affiliation, ''), coalesce(end_user_email, ''), "
                 "coalesce(pkcs12_name, ''), download_method "
               : "'server', '', '', '', '', NULL::int ";
}
std::string list_columns(Inventory inventory) { return std::string(kListColumns) + extra_columns(inventory); }
// What the list's text search ("fqdn") looks in: the host name, or the end
// user's mail, name and DN; each has a trigram index (sql/022), which LIKE
// can use and strpos cannot.
const char* search_text(Inventory inventory) {
    return inventory == Inventory::client
               ? "lower(coalesce(end_user_email, '') || ' ' || coalesce(end_user_name, '') || ' ' || subject_dn)"
               : "fqdn";
}
// "Contains $2": its LIKE wildcards and escape character taken literally.
constexpr const char* kContainsSearch =
    " LIKE '%' || replace(replace(replace(lower($2), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'";

// The status filter on the columns the status derives from where they are
// enough (revoked, replaced: rare, and indexed), so the database can start
// from an index; the others through the view's status; anything else is an
// application state (queued, failed, ...).  Every branch reads $4, so its
// type is always known.
const char* status_condition(const std::optional<std::string>& status) {
    if (!status) return "$4::text IS NULL";
    if (*status == "7") return "($4::text = '7' AND revoked_at IS NOT NULL)";
    if (*status == "6") return "($4::text = '6' AND revoked_at IS NULL AND replaced_by IS NOT NULL)";
    if (*status == "4" || *status == "5") return "status::text = $4::text";
    return "state = $4::text";
}

ServerListRow list_row(const Result& r, int i) {
    ServerListRow row;
    row.application_id = r.integer(i, 0);
    row.operation = r.text(i, 1);
    row.state = r.text(i, 2);
    row.fqdn = r.text(i, 3);
    row.subject_dn = r.text(i, 4);
    row.profile = r.text(i, 5);
    row.serial = r.text(i, 6);
    if (!r.is_null(i, 7)) row.status = static_cast<int>(r.integer(i, 7));
    row.submitted = r.text(i, 8);
    row.not_after = r.text(i, 9);
    if (!r.is_null(i, 10)) row.certificate_id = r.integer(i, 10);
    row.error = r.text(i, 11);
    row.subscriber_name = r.text(i, 12);
    row.subscriber_affiliation = r.text(i, 13);
    row.subscriber_email = r.text(i, 14);
    if (!r.is_null(i, 15)) row.dns_names = nlohmann::json::parse(r.text(i, 15)).get<std::vector<std::string>>();
    row.old_serial = r.text(i, 16);
    row.server_software = r.text(i, 17);
    row.not_before = r.text(i, 18);
    row.issued_at = r.text(i, 19);
    row.revoked_at = r.text(i, 20);
    if (!r.is_null(i, 21)) row.revocation_reason = static_cast<int>(r.integer(i, 21));
    if (!r.is_null(i, 22)) row.batch_id = r.integer(i, 22);
    if (!r.is_null(i, 23)) row.line_no = static_cast<int>(r.integer(i, 23));
    row.kind = r.text(i, 24);
    row.end_user_name = r.text(i, 25);
    row.end_user_affiliation = r.text(i, 26);
    row.end_user_email = r.text(i, 27);
    row.pkcs12_name = r.text(i, 28);
    if (!r.is_null(i, 29)) row.download_method = static_cast<int>(r.integer(i, 29));
    return row;
}

// "YYYY/MM/DD HH:MM:SS" of a timestamp column, '' when NULL.
std::string when(const std::string& column) {
    return "coalesce(to_char(" + column + ", 'YYYY/MM/DD HH24:MI:SS'), '')";
}

// base64 from PostgreSQL is folded; TSV fields are one line.
std::string one_line(std::string s) {
    s.erase(std::remove(s.begin(), s.end(), '\n'), s.end());
    return s;
}
}  // namespace

std::vector<ServerListRow> certificate_list(Connection& c, Inventory inventory, int64_t institution_id, const ListFilter& filter) {
    // The order is chosen from fixed SQL, never from request text.
    const char* order = filter.order == ListOrder::oldest     ? "application_id ASC"
                        : filter.order == ListOrder::expiring ? "not_after ASC NULLS LAST, application_id DESC"
                                                              : "application_id DESC";
    std::optional<std::string> serials;
    if (filter.serials) serials = text_array(*filter.serials);
    auto r = c.query(list_columns(inventory) + "FROM " + view(inventory) + " WHERE institution_id = $1 "
                         "AND ($2::text IS NULL OR " + search_text(inventory) + kContainsSearch + ") AND ($3::text[] IS NULL OR serial = ANY($3::text[])) "
                         "AND " + status_condition(filter.status) + " "
                         "AND EXISTS (SELECT 1 FROM unnest($5::text[]) s WHERE inkan_within(fqdn, s)) "
                         "AND ($8::text IS NULL OR profile = $8) "
                         "AND ($9::text IS NULL OR strpos(lower(subscriber_name || ' ' || subscriber_email), lower($9)) > 0) "
                         "AND ($10::date IS NULL OR created_at >= $10::date::timestamp AT TIME ZONE 'Asia/Tokyo') "
                         "AND ($11::date IS NULL OR created_at < ($11::date + 1)::timestamp AT TIME ZONE 'Asia/Tokyo') "
                         "AND ($12::bigint IS NULL OR batch_id = $12) "
                         "ORDER BY " + order + " LIMIT $6::int OFFSET $7::int",
                     institution_id, filter.fqdn_part, serials, filter.status, text_array(filter.scopes), filter.limit,
                     filter.offset, filter.profile, filter.subscriber_part, filter.submitted_from, filter.submitted_to,
                     filter.batch_id);
    std::vector<ServerListRow> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(list_row(r, i));
    return out;
}

std::optional<ServerListRow> certificate_row(Connection& c, Inventory inventory, int64_t institution_id, int64_t certificate_id) {
    auto r = c.query(list_columns(inventory) + ", der FROM " + view(inventory) + " WHERE certificate_id = $1 AND institution_id = $2",
                     certificate_id, institution_id);
    if (r.empty()) return std::nullopt;
    ServerListRow row = list_row(r, 0);
    row.der = r.bytes(0, 30);
    return row;
}

void each_inventory_row(Connection& c, Inventory inventory, int64_t institution_id,
                        const std::function<void(const InventoryRow&)>& row) {
    c.each_row(
        "SELECT i.application_id::text, coalesce(i.batch_id::text, ''), i.subject_dn, "
        "coalesce((SELECT d.id FROM domains d WHERE d.institution_id = i.institution_id AND inkan_within(i.fqdn, d.name) "
        "  ORDER BY length(d.name) DESC LIMIT 1)::text, ''), " +
            when("i.created_at") + ", " + when("i.issued_at") +
            ", i.officer_id::text, i.operation, coalesce(i.profile, ''), coalesce(i.status::text, ''), "
            "coalesce(i.subscriber_name, ''), coalesce(i.subscriber_affiliation, ''), coalesce(i.subscriber_email, ''), "
            "coalesce(i.fqdn, ''), coalesce(i.server_software, ''), coalesce(encode(i.csr, 'base64'), ''), "
            "coalesce(array_to_string(i.dns_names, ','), ''), coalesce(i.error, ''), coalesce(encode(i.der, 'base64'), ''), "
            "coalesce(i.serial, ''), coalesce(encode(i.fingerprint_sha256, 'hex'), ''), " +
            when("i.not_before") + ", " + when("i.not_after") + ", " + when("i.url_expires_at") +
            ", coalesce(i.revocation_id::text, ''), " + when("i.revocation_submitted") + ", " + when("i.revoked_at") +
            ", coalesce(i.revocation_officer_id::text, ''), coalesce(i.revocation_reason::text, ''), "
            "coalesce(i.revocation_comment, ''), coalesce(i.revocation_officer_email, ''), coalesce(i.old_serial, ''), " +
            when("greatest(i.updated_at, i.revoked_at, i.first_download)") + ", " +
            (inventory == Inventory::client ? "coalesce(i.download_method::text, ''), i.kind" : "'', 'server'") + " FROM " + view(inventory) +
            " i WHERE i.institution_id = $1 ORDER BY i.application_id",
        {institution_id}, [&](const Result& r) {
            auto t = [&](int col) { return r.text(0, col); };
            row({t(0),  t(1),  t(2),  t(3),  t(4),  t(5),  t(6),  t(7),  t(8),  t(9),  t(10),
                 t(11), t(12), t(13), t(14), one_line(t(15)), t(16), t(17), one_line(t(18)), t(19), t(20),
                 t(21), t(22), t(23), t(24), t(25), t(26), t(27), t(28), t(29), t(30), t(31), t(32), t(33), t(34)});
        });
}

std::vector<StatisticsRow> statistics_rows(Connection& c, Inventory inventory, int64_t institution_id) {
    auto r = c.query(std::string("SELECT fqdn, to_char(not_before, 'YYYY-MM'), profile, ") +
                         (inventory == Inventory::client ? "kind" : "'server'") +
                         ", revoked_at IS NOT NULL, revoked_at IS NULL AND not_after > now() FROM " + view(inventory) +
                         " WHERE institution_id = $1 AND certificate_id IS NOT NULL",
                     institution_id);
    std::vector<StatisticsRow> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.boolean(i, 4), r.boolean(i, 5)});
    }
    return out;
}

std::vector<AllowlistEntry> ou_allowlist(Connection& c, int64_t institution_id) {
    auto r = c.query("SELECT d.name, a.ou FROM ou_allowlist a JOIN domains d ON d.id = a.domain_id "
                     "WHERE d.institution_id = $1 ORDER BY d.name, a.ou",
                     institution_id);
    std::vector<AllowlistEntry> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1)});
    return out;
}

}  // namespace inkan::store
