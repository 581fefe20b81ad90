// PostgreSQL access through libpq: every statement is parameterized.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::store {

// The server is unreachable or the connection broke: callers answer 503.
class Unavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A statement failed on a healthy connection.
class QueryError : public std::runtime_error {
public:
    QueryError(std::string sqlstate, const std::string& message)
        : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
    const std::string& sqlstate() const noexcept { return sqlstate_; }

private:
    std::string sqlstate_;
};

// Binary parameter (bytea).
struct Bytes {
    std::string data;
};

// A PostgreSQL text[] literal ({"a","b"}, quotes and backslashes escaped)
// for passing a list as one parameter cast with ::text[].
std::string text_array(const std::vector<std::string>& items);
// The same with NULL elements (for arrays of any element type, cast in SQL).
std::string array_literal(const std::vector<std::optional<std::string>>& items);

// One query parameter: NULL, text, or binary.
class Param {
public:
    Param(std::nullopt_t) {}
    Param(std::string v) : value_(std::move(v)) {}
    Param(std::string_view v) : value_(std::string(v)) {}
    Param(const char* v) : value_(std::string(v)) {}
    Param(int64_t v) : value_(std::to_string(v)) {}
    Param(int v) : value_(std::to_string(v)) {}
    Param(bool v) : value_(v ? "true" : "false") {}
    Param(Bytes v) : value_(std::move(v.data)), binary_(true) {}
    template <class T>
    Param(const std::optional<T>& v) {
        if (v) *this = Param(*v);
    }

    const std::optional<std::string>& value() const { return value_; }
    bool binary() const { return binary_; }

private:
    std::optional<std::string> value_;
    bool binary_ = false;
};

class Result {
public:
    explicit Result(PGresult* r) : res_(r) {}
    int rows() const { return PQntuples(res_.get()); }
    bool empty() const { return rows() == 0; }
    int columns() const { return PQnfields(res_.get()); }
    std::string column(int col) const { return PQfname(res_.get(), col); }
    Oid type(int col) const { return PQftype(res_.get(), col); }
    bool is_null(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }
    std::string text(int row, int col) const;
    std::optional<std::string> opt_text(int row, int col) const;
    int64_t integer(int row, int col) const;
    bool boolean(int row, int col) const;
    std::string bytes(int row, int col) const;  // decodes bytea text output
    // A text[] column selected as array_to_json(...)::text.
    std::vector<std::string> strings(int row, int col) const;

private:
    struct Clear {
        void operator()(PGresult* r) const noexcept { PQclear(r); }
    };
    std::unique_ptr<PGresult, Clear> res_;
};

class Connection {
public:
    explicit Connection(const std::string& conninfo);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    Result exec(std::string_view sql, const std::vector<Param>& params = {});
    template <class... A>
    Result query(std::string_view sql, A&&... args) {
        return exec(sql, std::vector<Param>{Param(std::forward<A>(args))...});
    }
    // A query whose rows arrive one at a time (libpq's single-row mode), so
    // memory holds one row whatever the result's size; `row` gets each as a
    // one-row Result.
    void each_row(std::string_view sql, const std::vector<Param>& params, const std::function<void(const Result&)>& row);
    bool healthy() const { return PQstatus(conn_.get()) == CONNECTION_OK; }
    // Statements the server has answered on this connection.
    uint64_t round_trips() const { return round_trips_; }
    PGconn* raw() { return conn_.get(); }

private:
    void cancel();  // asks the server to stop the running statement
    struct Finish {
        void operator()(PGconn* c) const noexcept { PQfinish(c); }
    };
    std::unique_ptr<PGconn, Finish> conn_;
    uint64_t round_trips_ = 0;
};

// BEGIN on construction; ROLLBACK unless commit() was called.
class Transaction {
public:
    explicit Transaction(Connection& c) : conn_(c) { conn_.exec("BEGIN"); }
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Connection& conn_;
    bool done_ = false;
};

}  // namespace inkan::store
