// inkanctl's small framework: arguments, command registry, and output.
// Every command returns JSON; people get it rendered as text, scripts get
// it as is with --json.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/pg.hpp"

namespace inkanctl {

using json = nlohmann::ordered_json;

struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;

    // A --name value, or an error naming the option when required and absent.
    std::string need(const std::string& name) const;
    std::optional<std::string> get(const std::string& name) const;
    int64_t need_id(const std::string& name) const;
    std::optional<int64_t> get_id(const std::string& name) const;  // an optional numeric --name
    std::string arg(size_t index, const char* what) const;
    // A positional argument that must be a numeric id.
    std::string arg_id(size_t index, const char* what) const;

private:
    int64_t parse_id(const std::string& name, const std::string& value) const;
};

struct Command {
    std::string group, verb, usage, help;
    std::function<json(inkan::store::Connection&, const Args&)> run;
};

std::vector<Command>& registry();
struct Register {
    explicit Register(std::vector<Command> commands);
};

// Who is acting, for the audit log: "cli:<login name>".
std::string actor();
// Error 606: the named object (e.g. "機関" / "institution", id) does not exist.
[[noreturn]] void not_found(const std::string& what_ja, const std::string& what_en, const std::string& id);
// Throws a usage Error (code 530) with both languages.
[[noreturn]] void usage_error(const std::string& en, const std::string& ja);

}  // namespace inkanctl
