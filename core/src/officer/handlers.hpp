// Handlers of the officer endpoint.  Each runs after authentication, on the
// request's database connection, and authorizes its own objects.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>
#include <vector>

#include "authz/grants.hpp"
#include "http/request.hpp"
#include "officer/auth.hpp"
#include "store/grants.hpp"
#include "store/inventory.hpp"
#include "store/pg.hpp"
#include "workflow/upload.hpp"

namespace inkan::officer {

struct Context {
    Context(store::Connection& conn, const http::Request& request, const Identity& identity, const Session& s)
        : c(conn), req(request), who(identity), session(s) {}

    store::Connection& c;
    const http::Request& req;
    const Identity& who;
    const Session& session;
    int64_t id = 0;  // the {id} of routes such as /api/v1/certificates/{id}

    const std::vector<authz::Grant>& grants() {
        if (!grants_) grants_ = store::grants_of(c, who.officer_id);
        return *grants_;
    }

private:
    std::optional<std::vector<authz::Grant>> grants_;
};

using Handler = http::Response (*)(Context&);

// home.cpp
http::Response openapi(Context& ctx);
http::Response me(Context& ctx);
http::Response set_language(Context& ctx);
http::Response logout(Context& ctx);
// upload.cpp
http::Response upload(Context& ctx);
// certificates.cpp
http::Response certificate_list(Context& ctx);
http::Response certificate_detail(Context& ctx);
http::Response certificate_download(Context& ctx);
http::Response client_certificate_list(Context& ctx);
http::Response client_certificate_detail(Context& ctx);
http::Response subscriber_update(Context& ctx);
// reports.cpp
http::Response inventory_export(Context& ctx);
http::Response client_inventory_export(Context& ctx);
http::Response statistics(Context& ctx);
http::Response allowlist(Context& ctx);
http::Response allowlist_download(Context& ctx);

// upload.cpp: the per-line result of an upload, as the API answers it.
nlohmann::json batch_result_json(Context& ctx, const workflow::UploadResult& r);
// batches.cpp: per-line results with the application each accepted line
// created and its progress (application_id, state, certificate_id).
nlohmann::json with_progress(Context& ctx, int64_t batch_id, nlohmann::json lines);
// certificates.cpp: the certificate's row of an inventory (the server one
// unless named) if the officer's grants cover it; Error 531 (404) otherwise.
store::ServerListRow visible_certificate(Context& ctx, store::Inventory inventory);
store::ServerListRow visible_certificate(Context& ctx);
// batches.cpp: upload history
http::Response batch_list(Context& ctx);
http::Response batch_detail(Context& ctx);
http::Response batch_file(Context& ctx);
// actions.cpp: revocation and renewal of one certificate
http::Response revoke_certificate(Context& ctx);
http::Response renew_certificate(Context& ctx);
http::Response revoke_client_certificate(Context& ctx);
http::Response renew_client_certificate(Context& ctx);
http::Response resend_link(Context& ctx);
// actions.cpp: one UPKI line, submitted as a file of one record, so that the
// API applies every rule and code of the upload.
http::Response submit_line(Context& ctx, workflow::ApplyType type, authz::Kind kind, const std::string& file_name,
                           const std::vector<std::string>& fields);
// acme.cpp: ACME registrations (UPKI ACME利用情報)
http::Response acme_registration_list(Context& ctx);
http::Response acme_registration_detail(Context& ctx);
http::Response acme_registration_create(Context& ctx);
http::Response acme_registration_update(Context& ctx);
http::Response acme_registration_suspend(Context& ctx);

// Error 403 unless a grant gives the officer `action` for some kind.
void require_action(Context& ctx, authz::Action action);

}  // namespace inkan::officer
