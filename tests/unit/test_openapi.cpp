// The OpenAPI document lists exactly the /api/ routes the officer endpoint
// serves, with the methods they take.
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "officer/endpoint.hpp"

// cmocka's macros clash with the standard library: include it last.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

extern "C" {
#include <cmocka.h>
}

using namespace inkan;

namespace {

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

void openapi_lists_every_api_route_and_nothing_else(void**) {
    auto doc = nlohmann::json::parse(officer::openapi_document());
    assert_string_equal(doc["openapi"].get<std::string>().c_str(), "3.1.0");
    std::set<std::pair<std::string, std::string>> documented, served;
    std::set<std::string> operation_ids;
    for (const auto& [path, item] : doc["paths"].items()) {
        for (const auto& [method, op] : item.items()) {
            documented.emplace(upper(method), path);
            assert_true(op.contains("responses") && op.contains("operationId"));
            // OpenAPI requires operationIds to be unique (client generators name functions after them).
            if (!operation_ids.insert(op["operationId"].get<std::string>()).second) {
                fail_msg("operationId %s is used twice", op["operationId"].get<std::string>().c_str());
            }
        }
    }
    for (const auto& route : officer::api_routes()) served.insert(route);
    for (const auto& [method, path] : served) {
        if (!documented.count({method, path})) fail_msg("route %s %s is not in openapi.json", method.c_str(), path.c_str());
    }
    for (const auto& [method, path] : documented) {
        if (!served.count({method, path})) fail_msg("openapi.json lists %s %s, which no route serves", method.c_str(), path.c_str());
    }
    assert_true(served.size() >= 10);
}

void state_changes_document_the_csrf_header(void**) {
    auto doc = nlohmann::json::parse(officer::openapi_document());
    for (const auto& [path, item] : doc["paths"].items()) {
        if (!item.contains("post")) continue;
        bool csrf = false;
        for (const auto& p : item["post"]["parameters"]) csrf = csrf || p.value("$ref", "") == "#/components/parameters/Csrf";
        if (!csrf) fail_msg("POST %s does not document X-CSRF-Token", path.c_str());
    }
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(openapi_lists_every_api_route_and_nothing_else),
        cmocka_unit_test(state_changes_document_the_csrf_header),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
