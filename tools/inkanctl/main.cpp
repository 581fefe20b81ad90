// inkanctl: the service desk's and operators' command line.
//   inkanctl [--db CONNINFO] [--json] GROUP VERB [ARGS] [--option value]...
// The database defaults to $INKAN_DB, then to libpq's PG* variables.
#include <openssl/err.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <set>

#include "cli.hpp"
#include "output.hpp"
#include "util/error.hpp"

using namespace inkanctl;

namespace {
// Options that take no value.
const std::set<std::string> kFlags = {"allow-overlap"};

void print_help() {
    std::cout << "usage: inkanctl [--db CONNINFO] [--json] GROUP VERB [ARGS] [--option value]...\n\n";
    for (const auto& c : registry()) {
        std::cout << "  " << c.group << " " << c.verb << (c.usage.empty() ? "" : " " + c.usage) << "\n      " << c.help
                  << "\n";
    }
}
}  // namespace

int main(int argc, char** argv) {
    std::string db = std::getenv("INKAN_DB") ? std::getenv("INKAN_DB") : "";
    bool as_json = false;
    Args args;
    std::vector<std::string> words;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--json") {
            as_json = true;
        } else if (a == "--help" || a == "-h") {
            print_help();
            return 0;
        } else if (a.rfind("--", 0) == 0 && kFlags.count(a.substr(2))) {
            args.options[a.substr(2)] = "yes";
        } else if (a.rfind("--", 0) == 0) {
            if (i + 1 >= argc) {
                std::cerr << "inkanctl: missing value for " << a << "\n";
                return 2;
            }
            (a == "--db" ? db : args.options[a.substr(2)]) = argv[++i];
        } else {
            words.push_back(a);
        }
    }
    if (words.empty()) {
        print_help();
        return 2;
    }
    const Command* cmd = nullptr;
    for (const auto& c : registry()) {
        if (c.group == words[0] && words.size() > 1 && c.verb == words[1]) cmd = &c;
    }
    for (const auto& c : registry()) {
        if (!cmd && c.group == words[0] && c.verb.empty()) cmd = &c;  // single-word commands such as migrate
    }
    if (!cmd) {
        std::cerr << "inkanctl: unknown command '" << words[0] << (words.size() > 1 ? " " + words[1] : "")
                  << "' (see inkanctl --help)\n";
        return 2;
    }
    args.positional.assign(words.begin() + (cmd->verb.empty() ? 1 : 2), words.end());
    try {
        inkan::store::Connection conn(db);
        json result = cmd->run(conn, args);
        print(std::cout, result, as_json);
        // A check that found a problem ({"ok": false}) fails the command.
        return result.is_object() && result.value("ok", true) == false ? 1 : 0;
    } catch (const inkan::Error& e) {
        print_error(std::cerr, e.code(), e.message().en, e.message().ja, as_json);
    } catch (const std::exception& e) {
        print_error(std::cerr, "599", e.what(), e.what(), as_json);
    }
    ERR_clear_error();
    return 1;
}
