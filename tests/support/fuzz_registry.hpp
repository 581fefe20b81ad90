// What the fuzz targets' line checks learn about the database: answers that
// depend on the input's shape, so every branch of the rules is reachable.
#pragma once

#include "workflow/server_checks.hpp"

namespace inkan::testing {

struct FuzzRegistry : workflow::Registry {
    bool subject_in_use(const std::string& dn, authz::Kind) override { return dn.size() % 2; }
    std::optional<workflow::KnownCertificate> certificate(const std::string& serial) override {
        if (serial.size() % 3) return std::nullopt;
        const char* kinds[] = {"server", "client", "smime", "acme"};
        return workflow::KnownCertificate{1, "CN=a.example.ac.jp,O=Example University,L=Chiyoda-ku,ST=Tokyo,C=JP", "",
                                          {"a.example.ac.jp"}, serial.size() % 2 == 0, false, kinds[serial.size() % 4]};
    }
    bool ou_allowed(const std::string&, const std::string& ou) override { return ou.size() % 2; }
    bool bulk_name_taken(const std::string&, const std::string& name) override { return name.size() % 5 == 0; }
};

}  // namespace inkan::testing
