#include "store/pg.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace inkan::store {

std::string Result::text(int row, int col) const {
    return std::string(PQgetvalue(res_.get(), row, col), static_cast<size_t>(PQgetlength(res_.get(), row, col)));
}

std::optional<std::string> Result::opt_text(int row, int col) const {
    if (is_null(row, col)) return std::nullopt;
    return text(row, col);
}

int64_t Result::integer(int row, int col) const { return std::strtoll(PQgetvalue(res_.get(), row, col), nullptr, 10); }

bool Result::boolean(int row, int col) const { return PQgetvalue(res_.get(), row, col)[0] == 't'; }

std::vector<std::string> Result::strings(int row, int col) const {
    if (is_null(row, col)) return {};
    return nlohmann::json::parse(text(row, col)).get<std::vector<std::string>>();
}

std::string Result::bytes(int row, int col) const {
    size_t len = 0;
    unsigned char* raw =
        PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(res_.get(), row, col)), &len);
    if (raw == nullptr) throw std::bad_alloc();
    std::string out(reinterpret_cast<char*>(raw), len);
    PQfreemem(raw);
    return out;
}

Connection::Connection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (!conn_) throw std::bad_alloc();
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
        std::string msg = PQerrorMessage(conn_.get());
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
        throw Unavailable("cannot connect to PostgreSQL: " + msg);
    }
    // Timestamps in UTC everywhere; application_name shows up in pg_stat_activity.
    exec("SET TIME ZONE 'UTC'");
}

namespace {
// libpq's view of the parameters; points into `params`.
struct Wire {
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    explicit Wire(const std::vector<Param>& params) {
        for (const Param& p : params) {
            values.push_back(p.value() ? p.value()->data() : nullptr);
            lengths.push_back(p.value() ? static_cast<int>(p.value()->size()) : 0);
            formats.push_back(p.binary() ? 1 : 0);
        }
    }
};

[[noreturn]] void lost(PGconn* conn) {
    throw Unavailable(std::string("PostgreSQL connection lost: ") + PQerrorMessage(conn));
}

// Throws the error a failed result carries, and frees it.
[[noreturn]] void fail(PGresult* raw) {
    const char* state = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
    std::string sqlstate = state ? state : "";
    std::string message = PQresultErrorMessage(raw);
    // A refused row keeps only the primary message: the DETAIL line would
    // repeat the whole row (a certificate's DER, say) into an application's
    // stored error, which officers read.
    const char* primary = PQresultErrorField(raw, PG_DIAG_MESSAGE_PRIMARY);
    std::string summary = primary ? primary : message;
    PQclear(raw);
    // 08xxx connection exceptions and 57P0x shutdowns mean "try another connection".
    if (sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("57P", 0) == 0) throw Unavailable(message);
    throw QueryError(sqlstate, summary);
}
}  // namespace

Result Connection::exec(std::string_view sql, const std::vector<Param>& params) {
    Wire wire(params);
    std::string stmt(sql);
    // Without parameters the simple protocol runs constant SQL such as a
    // multi-statement migration; with them, values never touch the SQL text.
    PGresult* raw = params.empty() ? PQexec(conn_.get(), stmt.c_str())
                                   : PQexecParams(conn_.get(), stmt.c_str(), static_cast<int>(params.size()),
                                                  nullptr, wire.values.data(), wire.lengths.data(), wire.formats.data(), 0);
    if (raw == nullptr || PQstatus(conn_.get()) != CONNECTION_OK) {
        if (raw) PQclear(raw);
        lost(conn_.get());
    }
    ++round_trips_;  // the server answered: the statement reached it
    ExecStatusType status = PQresultStatus(raw);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(raw);
    return Result(raw);
}

void Connection::cancel() {
    std::unique_ptr<PGcancel, void (*)(PGcancel*)> handle(PQgetCancel(conn_.get()), PQfreeCancel);
    char why[256];
    if (handle) PQcancel(handle.get(), why, sizeof why);
}

void Connection::each_row(std::string_view sql, const std::vector<Param>& params,
                          const std::function<void(const Result&)>& row) {
    Wire wire(params);
    std::string stmt(sql);
    if (!PQsendQueryParams(conn_.get(), stmt.c_str(), static_cast<int>(params.size()), nullptr, wire.values.data(),
                           wire.lengths.data(), wire.formats.data(), 0) ||
        !PQsetSingleRowMode(conn_.get())) {
        if (PQstatus(conn_.get()) != CONNECTION_OK) lost(conn_.get());
        throw QueryError("", std::string("cannot send the query: ") + PQerrorMessage(conn_.get()));
    }
    ++round_trips_;
    // Every result is read to the end, even after an error or a throwing
    // `row`, so the connection is left ready for its next statement.
    std::exception_ptr failure;
    while (PGresult* raw = PQgetResult(conn_.get())) {
        ExecStatusType status = PQresultStatus(raw);
        if (failure || status == PGRES_TUPLES_OK) {
            PQclear(raw);
        } else if (status == PGRES_SINGLE_TUPLE) {
            try {
                row(Result(raw));
            } catch (...) {
                failure = std::current_exception();
                cancel();  // the rest is not wanted: stop the server sending it
            }
        } else {
            try {
                fail(raw);
            } catch (...) {
                failure = std::current_exception();
            }
        }
    }
    if (PQstatus(conn_.get()) != CONNECTION_OK) lost(conn_.get());
    if (failure) std::rethrow_exception(failure);
}

std::string array_literal(const std::vector<std::optional<std::string>>& items) {
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        if (!items[i]) {
            out += "NULL";
            continue;
        }
        out += '"';
        for (char c : *items[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

std::string text_array(const std::vector<std::string>& items) {
    return array_literal(std::vector<std::optional<std::string>>(items.begin(), items.end()));
}

Transaction::~Transaction() {
    if (!done_ && conn_.healthy()) {
        try {
            conn_.exec("ROLLBACK");
        } catch (...) {
        }
    }
}

void Transaction::commit() {
    conn_.exec("COMMIT");
    done_ = true;
}

}  // namespace inkan::store
