#include "enroll/issuance.hpp"

#include <chrono>
#include <optional>
#include <thread>

#include "crypto/x509.hpp"
#include "settings/settings.hpp"
#include "util/codes.hpp"

namespace inkan::enroll {

namespace {
Error timeout_error() {
    return Error(codes::kSigningTimeout,
                 {"証明書の発行が時間内に完了しませんでした。しばらくしてからもう一度お試しください。",
                  "The certificate was not issued in time. Please try again in a moment."},
                 503);
}

}  // namespace

store::Chained request_officer_certificate(store::Pool& pool, int64_t officer_id, int64_t institution_id, EVP_PKEY* key,
                                   const std::string& operation) {
    int64_t wait_seconds = 0;
    int64_t id = pool.with([&](store::Connection& c) {
        wait_seconds = settings::get_int(c, "signing_wait_seconds");
        store::Transaction tx(c);
        auto r = c.query("SELECT inkan_submit_officer($1, $2, $3, $4)", operation, institution_id, officer_id,
                         store::Bytes{crypto::public_key_der(key)});
        tx.commit();
        return r.integer(0, 0);
    });

    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
    for (;;) {
        bool late = std::chrono::steady_clock::now() >= deadline;
        auto outcome = pool.with([&](store::Connection& c) -> std::optional<store::Chained> {
            // Past the deadline, cancel unless the worker got there first.
            if (late) c.query("SELECT inkan_cancel_officer($1)", id);
            auto r = c.query("SELECT state, certificate_id, coalesce(error, '') FROM applications WHERE id = $1", id);
            std::string state = r.text(0, 0);
            if (state == "issued") return store::load_with_issuers(c, r.integer(0, 1));
            if (state == "failed") throw InternalError("officer certificate application failed: " + r.text(0, 2));
            if (state == "cancelled") throw timeout_error();
            return std::nullopt;
        });
        if (outcome) return std::move(*outcome);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace inkan::enroll
