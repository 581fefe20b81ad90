// inkan-worker: the only program that reads CA keys.  In the signer role it
// signs queued applications, CRLs and OCSP responses and hands each
// certificate over for delivery; in the mailer role it delivers them (download
// tokens, mails), sends reminders and closes idle officer sessions, and never
// opens the key directory, so mail composition and SMTP never share a process
// with a CA key.  The two roles have their own database roles, so they are
// always two processes.
// Woken by LISTEN/NOTIFY on channel inkan_work; polls every second as a
// fallback.
#include <curl/curl.h>
#include <openssl/err.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "store/credentials.hpp"
#include "store/pg.hpp"
#include "store/sessions.hpp"
#include "worker/delivery.hpp"
#include "worker/keystore.hpp"
#include "worker/mailer.hpp"
#include "worker/validation.hpp"
#include "worker/reminders.hpp"
#include "worker/pipeline.hpp"
#include "worker/status.hpp"

namespace {
volatile sig_atomic_t stop_requested = 0;

void on_signal(int) { stop_requested = 1; }

struct Options {
    std::string db, key_dir, role, sign_cert, sign_key;
    inkan::worker::SmtpConfig smtp;
    bool once = false;
    unsigned threads = 0;  // signer threads; 0: one per core

    bool signs() const { return role == "signer"; }
    bool mails() const { return role == "mailer"; }
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "inkan-worker: %s\n"
                 "usage: inkan-worker --role signer --db CONNINFO --key-dir DIR [--threads N] [--once]\n"
                 "       inkan-worker --role mailer --db CONNINFO --smtp URL [--smtp-user U --smtp-password-file F]\n"
                 "                    [--sign-cert PEM --sign-key PEM] [--once]\n"
                 "  signer: holds the CA keys, signs, publishes CRLs and OCSP; no SMTP, writes no mail;\n"
                 "          N threads (default: one per core), each with its own connection and batches\n"
                 "  mailer: delivers certificates and mail; holds no CA key; with --sign-cert/--sign-key\n"
                 "          (inkanctl mail-signer issue) every mail is S/MIME-signed\n",
                 why);
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(("missing value for " + a).c_str());
            return argv[++i];
        };
        if (a == "--db") o.db = value();
        else if (a == "--role") o.role = value();
        else if (a == "--key-dir") o.key_dir = value();
        else if (a == "--smtp") o.smtp.url = value();
        else if (a == "--smtp-user") o.smtp.username = value();
        else if (a == "--sign-cert") o.sign_cert = value();
        else if (a == "--sign-key") o.sign_key = value();
        else if (a == "--smtp-password-file") {
            std::string path = value();
            FILE* f = std::fopen(path.c_str(), "r");
            if (!f) usage(("cannot read " + path).c_str());
            char buf[512] = {0};
            size_t n = std::fread(buf, 1, sizeof buf - 1, f);
            std::fclose(f);
            o.smtp.password.assign(buf, n);
            while (!o.smtp.password.empty() && o.smtp.password.back() == '\n') o.smtp.password.pop_back();
        } else if (a == "--threads") {
            std::string n = value();
            if (n.empty() || n.size() > 2 || n.find_first_not_of("0123456789") != std::string::npos || std::stoi(n) < 1) {
                usage("--threads takes a number from 1 to 99");
            }
            o.threads = static_cast<unsigned>(std::stoi(n));
        } else if (a == "--once") o.once = true;
        else usage(("unknown option " + a).c_str());
    }
    if (o.db.empty()) usage("--db is required");
    if (!o.signs() && !o.mails()) usage("--role is signer or mailer");
    if (o.signs() == o.key_dir.empty()) usage(o.signs() ? "--key-dir is required" : "a mailer takes no --key-dir");
    if (o.mails() == o.smtp.url.empty()) usage(o.mails() ? "--smtp is required" : "a signer takes no --smtp");
    if (o.mails() && o.threads > 1) usage("a mailer runs one thread");
    if (o.sign_cert.empty() != o.sign_key.empty() || (!o.sign_cert.empty() && !o.mails())) {
        usage("--sign-cert and --sign-key go together, for a mailer");
    }
    if (!o.sign_cert.empty()) {
        try {
            o.smtp.signer = std::make_shared<const inkan::mail::Signer>(inkan::mail::load_signer(o.sign_cert, o.sign_key));
        } catch (const inkan::Error& e) {
            usage(e.message().en.c_str());
        } catch (const std::exception& e) {
            usage(("cannot load the mail-signing certificate or key: " + std::string(e.what())).c_str());
        }
    }
    return o;
}

// Waits for a NOTIFY (or a signal, or the timeout) on the connection.
void wait_for_work(inkan::store::Connection& c, int timeout_ms) {
    struct pollfd pfd {PQsocket(c.raw()), POLLIN, 0};
    if (poll(&pfd, 1, timeout_ms) > 0) PQconsumeInput(c.raw());
    while (PGnotify* n = PQnotifies(c.raw())) PQfreemem(n);
}

// Runs `step` until it finds no work, at most kRoundCap times; true if it did any.
template <class Step>
bool drain(Step step) {
    constexpr int kRoundCap = 50;
    int done = 0;
    while (done < kRoundCap && !stop_requested && step()) ++done;
    return done > 0;
}

// Applications per signing transaction: one COMMIT, one read of profiles,
// settings and CAs for all of them; small enough that an officer waiting on
// the pickup page waits a fraction of a second.
constexpr int kBatch = 16;

// One loop with its own connection.  Exactly one (`housekeeping`) also
// carries out revocations, re-signs CRLs and OCSP responses, and (mailer)
// sends reminders and closes idle sessions.
void run(const Options& o, const std::string& actor, bool housekeeping) {
    inkan::worker::KeyStore keys(o.key_dir);
    auto last_housekeeping = std::chrono::steady_clock::time_point{};
    while (!stop_requested) {
        try {
            inkan::store::Connection c(o.db);
            c.exec("LISTEN inkan_work");
            std::fprintf(stderr, "inkan-worker: connected, waiting for work\n");
            while (!stop_requested) {
                // Queues in priority order (an officer waits on the enroll page),
                // each drained up to a cap per round so none starves.
                bool busy = false;
                if (o.signs()) {
                    // Revocations (and the CRL locks they take) stay on one thread, and go
                    // first there: a revocation never waits behind a queue of issuances.
                    if (housekeeping) busy = drain([&] { return inkan::worker::revoke_batch(c, keys, actor, kBatch) > 0; });
                    busy = drain([&] { return inkan::worker::issue_batch(c, keys, actor, kBatch) > 0; }) || busy;
                }
                if (o.mails()) {
                    busy = drain([&] { return inkan::worker::deliver_next(c, actor); }) || busy;
                    busy = drain([&] { return inkan::worker::deliver_next_mail(c, o.smtp); }) || busy;
                    busy = drain([&] { return inkan::worker::validate_next_challenge(c, actor); }) || busy;
                }
                auto now = std::chrono::steady_clock::now();
                if (housekeeping && now - last_housekeeping > std::chrono::seconds(30)) {
                    if (o.signs()) inkan::worker::refresh_status(c, keys, actor);
                    if (o.mails()) {
                        inkan::store::Transaction tx(c);
                        inkan::store::close_idle_sessions(c, actor, std::nullopt);
                        // Keys whose links expired are destroyed, not kept.
                        inkan::store::purge_expired_credentials(c);
                        tx.commit();
                        inkan::worker::send_renewal_reminders(c, actor);
                    }
                    last_housekeeping = now;
                }
                if (busy) continue;
                if (o.once) return;
                wait_for_work(c, 1000);
            }
        } catch (const inkan::store::Unavailable& e) {
            std::fprintf(stderr, "inkan-worker: database unavailable, retrying: %s\n", e.what());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "inkan-worker: error: %s\n", e.what());
        }
        ERR_clear_error();
        if (o.once) return;
        for (int i = 0; i < 10 && !stop_requested; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}
}  // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    std::string actor = (o.role == "mailer" ? "mailer:" : "worker:") + std::string(host) + "/" + std::to_string(getpid());
    // Signer threads claim disjoint batches (SKIP LOCKED): while one waits on
    // the database, another signs, so one process uses every core.
    unsigned threads = o.mails() ? 1 : o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> others;
    for (unsigned i = 1; i < threads; ++i) others.emplace_back([&] { run(o, actor, false); });
    run(o, actor, true);
    for (auto& t : others) t.join();
    curl_global_cleanup();
    std::fprintf(stderr, "inkan-worker: stopped\n");
    return 0;
}
