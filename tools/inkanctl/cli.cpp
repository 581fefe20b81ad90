#include "cli.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "util/codes.hpp"

namespace inkanctl {

std::string Args::need(const std::string& name) const {
    auto v = get(name);
    if (!v || v->empty()) usage_error("--" + name + " is required", "--" + name + " を指定してください");
    return *v;
}

std::optional<std::string> Args::get(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
}

int64_t Args::need_id(const std::string& name) const {
    return parse_id(name, need(name));
}

std::optional<int64_t> Args::get_id(const std::string& name) const {
    auto v = get(name);
    if (!v) return std::nullopt;
    return parse_id(name, *v);
}

int64_t Args::parse_id(const std::string& name, const std::string& v) const {
    char* end = nullptr;
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (*end != '\0' || n <= 0) usage_error("--" + name + " takes a numeric id", "--" + name + " には数値のIDを指定してください");
    return n;
}

std::string Args::arg(size_t index, const char* what) const {
    if (index >= positional.size()) {
        usage_error(std::string("missing argument: ") + what, std::string("引数がありません: ") + what);
    }
    return positional[index];
}

std::string Args::arg_id(size_t index, const char* what) const {
    std::string v = arg(index, what);
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
        usage_error(std::string(what) + " takes a numeric id", std::string(what) + " には数値のIDを指定してください");
    }
    return v;
}

void not_found(const std::string& what_ja, const std::string& what_en, const std::string& id) {
    throw inkan::Error(inkan::codes::kUnknownObject, {what_ja + " " + id + " がありません。", "No " + what_en + " " + id + "."});
}

std::vector<Command>& registry() {
    static std::vector<Command> commands;
    return commands;
}

Register::Register(std::vector<Command> commands) {
    for (auto& c : commands) registry().push_back(std::move(c));
}

std::string actor() {
    const char* sudo = std::getenv("SUDO_USER");
    if (sudo && *sudo) return std::string("cli:") + sudo;
    struct passwd* pw = getpwuid(geteuid());
    return std::string("cli:") + (pw ? pw->pw_name : std::to_string(geteuid()));
}


void usage_error(const std::string& en, const std::string& ja) {
    throw inkan::Error(inkan::codes::kBadRequest, {ja, en});
}

}  // namespace inkanctl
