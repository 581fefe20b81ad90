// Enums and the words the database stores for them, in one table per enum:
// lookups both ways over a constexpr array of {value, word} pairs.
#pragma once

#include <optional>
#include <string_view>

namespace inkan::words {

template <class Table, class Value>
std::string_view word_of(const Table& table, Value v) {
    for (const auto& [value, word] : table) {
        if (value == v) return word;
    }
    return {};
}

template <class Value, class Table>
std::optional<Value> value_of(const Table& table, std::string_view w) {
    for (const auto& [value, word] : table) {
        if (word == w) return value;
    }
    return std::nullopt;
}

}  // namespace inkan::words
