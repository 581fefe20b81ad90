// The error catalogue, docs/error-codes.md and util/codes.hpp name the same
// codes, with the same HTTP statuses.
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "util/catalogue.hpp"

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

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// code -> HTTP status (0 when the table has no HTTP column).
std::map<std::string, int> documented() {
    std::map<std::string, int> out;
    std::istringstream doc(read(std::string(INKAN_SOURCE_DIR) + "/docs/error-codes.md"));
    std::regex with_http(R"(^\| (\d{3}(?::\d)?) \| (\d{3}) \|)"), without(R"(^\| (\d{3}(?::\d)?) \| [^0-9])");
    std::string line;
    std::smatch m;
    while (std::getline(doc, line)) {
        if (std::regex_search(line, m, with_http)) out[m[1]] = std::stoi(m[2]);
        else if (std::regex_search(line, m, without)) out[m[1]] = 0;
    }
    return out;
}

void every_documented_code_is_catalogued_with_its_status(void**) {
    auto doc = documented();
    assert_true(doc.size() > 60);
    for (const auto& [code, status] : doc) {
        const CatalogueEntry* e = catalogue_entry(code);
        if (!e) fail_msg("documented code %s is not in the catalogue", code.c_str());
        if (status != 0 && e->http_status != status) fail_msg("code %s: HTTP %d in the docs, %d in the catalogue", code.c_str(), status, e->http_status);
        assert_false(e->summary.ja.empty() || e->summary.en.empty());
    }
    for (const auto& e : catalogue()) {
        if (!doc.count(std::string(e.code))) fail_msg("catalogued code %s is not documented", std::string(e.code).c_str());
    }
}

void every_named_code_is_catalogued(void**) {
    std::string header = read(std::string(INKAN_SOURCE_DIR) + "/core/src/util/codes.hpp");
    std::regex constant(R"re(= "(\d{3})")re");
    int named = 0;
    for (std::sregex_iterator it(header.begin(), header.end(), constant), end; it != end; ++it, ++named) {
        std::string code = (*it)[1];
        if (!catalogue_entry(code)) fail_msg("util/codes.hpp names %s, which the catalogue lacks", code.c_str());
    }
    assert_true(named > 20);
}

void errors_take_the_catalogue_status(void**) {
    assert_int_equal(Error("516", {"x", "x"}).http_status(), 404);
    assert_int_equal(Error("532", {"x", "x"}).http_status(), 405);
    assert_int_equal(catalogued("520").http_status(), 503);
    assert_string_equal(catalogued("531").message().en.c_str(), "Page not found.");
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_documented_code_is_catalogued_with_its_status),
        cmocka_unit_test(every_named_code_is_catalogued),
        cmocka_unit_test(errors_take_the_catalogue_status),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
