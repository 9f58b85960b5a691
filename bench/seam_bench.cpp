// The SQL seam's cost (issue "Storage", bench/NOTES.md "The SQL seam"):
// inserting and reading back N registry-shaped rows (a text key, four text
// columns, an integer) in one transaction, through the database's own C
// library and through SOCI, on SQLite (a file, WAL, synchronous=FULL) and
// on PostgreSQL (loopback; scripts/pg-cluster starts a throwaway one).
//
//   seam_bench [--rows N] [--pg 'host=127.0.0.1 port=P dbname=lianxin user=postgres']
// (SOCI 4.0 takes libpq's key=value form, not a URI.)
#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

// SOCI's SQLite backend includes sqlite3.h inside namespace sqlite_api.
using namespace sqlite_api;  // NOLINT

namespace {

struct Row {
  std::string code, village, name, address, needs;
  long long size;
};

std::vector<Row> MakeRows(int n) {
  std::vector<Row> rows;
  rows.reserve(n);
  for (int i = 0; i < n; ++i) {
    char code[32];
    std::snprintf(code, sizeof code, "14990100100%05d", i);
    rows.push_back({code, "149901001001", "户主" + std::to_string(i % 977),
                    "某某村" + std::to_string(i % 31) + "组", i % 3 ? "低收入,危房" : "", 1 + i % 6});
  }
  return rows;
}

const char* kCreate =
    "CREATE TABLE t (code TEXT PRIMARY KEY, village TEXT NOT NULL, name TEXT NOT NULL, address TEXT NOT "
    "NULL, "
    "needs TEXT NOT NULL, size BIGINT NOT NULL)";

double Time(const std::function<void()>& work) {
  auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Report(const char* what, int rows, double seconds) {
  std::printf("%-44s %8.0f rows/s  %6.2f us/row\n", what, rows / seconds, seconds * 1e6 / rows);
}

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "failed: %s\n", what);
    std::exit(1);
  }
}

// ---- SQLite ----

sqlite3* OpenSqlite(const std::string& path) {
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db) == SQLITE_OK, "sqlite open");
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
  Check(sqlite3_exec(db, kCreate, nullptr, nullptr, nullptr) == SQLITE_OK, "create");
  return db;
}

void SqliteRaw(const std::vector<Row>& rows, const std::string& path) {
  sqlite3* db = OpenSqlite(path);
  double insert = Time([&] {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v3(db, "INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, SQLITE_PREPARE_PERSISTENT,
                       &st, nullptr);
    for (const Row& r : rows) {
      sqlite3_bind_text(st, 1, r.code.data(), static_cast<int>(r.code.size()), SQLITE_STATIC);
      sqlite3_bind_text(st, 2, r.village.data(), static_cast<int>(r.village.size()), SQLITE_STATIC);
      sqlite3_bind_text(st, 3, r.name.data(), static_cast<int>(r.name.size()), SQLITE_STATIC);
      sqlite3_bind_text(st, 4, r.address.data(), static_cast<int>(r.address.size()), SQLITE_STATIC);
      sqlite3_bind_text(st, 5, r.needs.data(), static_cast<int>(r.needs.size()), SQLITE_STATIC);
      sqlite3_bind_int64(st, 6, r.size);
      Check(sqlite3_step(st) == SQLITE_DONE, "sqlite step");
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK, "commit");
  });
  Report("sqlite  insert  sqlite3 C API", static_cast<int>(rows.size()), insert);
  size_t bytes = 0;
  double read = Time([&] {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT code, village, name, address, needs, size FROM t ORDER BY code", -1, &st,
                       nullptr);
    std::string code, name;
    while (sqlite3_step(st) == SQLITE_ROW) {
      code.assign(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
      name.assign(reinterpret_cast<const char*>(sqlite3_column_text(st, 2)));
      bytes += code.size() + name.size() + static_cast<size_t>(sqlite3_column_int64(st, 5));
    }
    sqlite3_finalize(st);
  });
  Report("sqlite  read    sqlite3 C API", static_cast<int>(rows.size()), read);
  sqlite3_close(db);
  Check(bytes > 0, "read");
}

void SociInsert(soci::session& sql, const std::vector<Row>& rows, const char* what) {
  double insert = Time([&] {
    soci::transaction txn(sql);
    Row r;
    soci::statement st = (sql.prepare << "INSERT INTO t VALUES (:a, :b, :c, :d, :e, :f)", soci::use(r.code),
                          soci::use(r.village), soci::use(r.name), soci::use(r.address), soci::use(r.needs),
                          soci::use(r.size));
    for (const Row& row : rows) {
      r = row;
      st.execute(true);
    }
    txn.commit();
  });
  Report(what, static_cast<int>(rows.size()), insert);
}

void SociBulkInsert(soci::session& sql, const std::vector<Row>& rows, const char* what) {
  double insert = Time([&] {
    soci::transaction txn(sql);
    const size_t batch = 1000;
    std::vector<std::string> code(batch), village(batch), name(batch), address(batch), needs(batch);
    std::vector<long long> size(batch);
    soci::statement st =
        (sql.prepare << "INSERT INTO t VALUES (:a, :b, :c, :d, :e, :f)", soci::use(code), soci::use(village),
         soci::use(name), soci::use(address), soci::use(needs), soci::use(size));
    for (size_t i = 0; i < rows.size(); i += batch) {
      size_t n = std::min(batch, rows.size() - i);
      code.resize(n), village.resize(n), name.resize(n), address.resize(n), needs.resize(n), size.resize(n);
      for (size_t j = 0; j < n; ++j) {
        const Row& r = rows[i + j];
        code[j] = r.code, village[j] = r.village, name[j] = r.name, address[j] = r.address,
        needs[j] = r.needs;
        size[j] = r.size;
      }
      st.execute(true);
    }
    txn.commit();
  });
  Report(what, static_cast<int>(rows.size()), insert);
}

void SociRead(soci::session& sql, int n, const char* what) {
  size_t bytes = 0;
  double read = Time([&] {
    std::string code, village, name, address, needs;
    long long size = 0;
    soci::statement st =
        (sql.prepare << "SELECT code, village, name, address, needs, size FROM t ORDER BY code",
         soci::into(code), soci::into(village), soci::into(name), soci::into(address), soci::into(needs),
         soci::into(size));
    st.execute();
    while (st.fetch()) bytes += code.size() + name.size() + static_cast<size_t>(size);
  });
  Report(what, n, read);
  Check(bytes > 0, "soci read");
}

void SqliteSoci(const std::vector<Row>& rows, const std::string& path, bool bulk) {
  sqlite3_close(OpenSqlite(path));  // the same file settings as the raw run
  soci::session sql(soci::sqlite3, "db=" + path);
  sql << "PRAGMA journal_mode=WAL";
  sql << "PRAGMA synchronous=FULL";
  if (bulk) {
    SociBulkInsert(sql, rows, "sqlite  insert  SOCI, vectors of 1000");
  } else {
    SociInsert(sql, rows, "sqlite  insert  SOCI, a row at a time");
    SociRead(sql, static_cast<int>(rows.size()), "sqlite  read    SOCI");
  }
}

// ---- PostgreSQL ----

PGconn* ConnectPg(const std::string& uri) {
  PGconn* pg = PQconnectdb(uri.c_str());
  Check(PQstatus(pg) == CONNECTION_OK, "pg connect");
  PQclear(PQexec(pg, "SET client_min_messages = warning"));
  PQclear(PQexec(pg, "DROP TABLE IF EXISTS t"));
  PGresult* created = PQexec(pg, kCreate);
  Check(PQresultStatus(created) == PGRES_COMMAND_OK, "pg create");
  PQclear(created);
  return pg;
}

void Exec(PGconn* pg, const char* sql) {
  PGresult* r = PQexec(pg, sql);
  Check(PQresultStatus(r) == PGRES_COMMAND_OK, sql);
  PQclear(r);
}

void PgRaw(const std::vector<Row>& rows, const std::string& uri) {
  PGconn* pg = ConnectPg(uri);
  double insert = Time([&] {
    Exec(pg, "BEGIN");
    PGresult* prepared = PQprepare(pg, "ins", "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6)", 6, nullptr);
    Check(PQresultStatus(prepared) == PGRES_COMMAND_OK, "prepare");
    PQclear(prepared);
    for (const Row& r : rows) {
      std::string size = std::to_string(r.size);
      const char* values[6] = {r.code.c_str(),    r.village.c_str(), r.name.c_str(),
                               r.address.c_str(), r.needs.c_str(),   size.c_str()};
      PGresult* done = PQexecPrepared(pg, "ins", 6, values, nullptr, nullptr, 0);
      Check(PQresultStatus(done) == PGRES_COMMAND_OK, "exec");
      PQclear(done);
    }
    Exec(pg, "COMMIT");
  });
  Report("pg      insert  libpq, a row at a time", static_cast<int>(rows.size()), insert);

  Exec(pg, "TRUNCATE t");
  double pipelined = Time([&] {
    Exec(pg, "BEGIN");
    Check(PQenterPipelineMode(pg) == 1, "pipeline");
    Check(PQsendPrepare(pg, "ins2", "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6)", 6, nullptr) == 1,
          "prep");
    size_t sent = 0;
    auto drain = [&](size_t results) {
      Check(PQpipelineSync(pg) == 1, "sync");
      for (size_t i = 0; i < results; ++i) {
        PGresult* r = PQgetResult(pg);
        Check(PQresultStatus(r) == PGRES_COMMAND_OK, "pipelined result");
        PQclear(r);
        Check(PQgetResult(pg) == nullptr, "end of result");
      }
      PGresult* sync = PQgetResult(pg);
      Check(PQresultStatus(sync) == PGRES_PIPELINE_SYNC, "pipeline sync");
      PQclear(sync);
    };
    size_t pending = 1;  // the prepare
    for (const Row& r : rows) {
      std::string size = std::to_string(r.size);
      const char* values[6] = {r.code.c_str(),    r.village.c_str(), r.name.c_str(),
                               r.address.c_str(), r.needs.c_str(),   size.c_str()};
      Check(PQsendQueryPrepared(pg, "ins2", 6, values, nullptr, nullptr, 0) == 1, "send");
      ++pending;
      if (pending == 1000) {
        drain(pending);
        pending = 0;
      }
      ++sent;
    }
    if (pending > 0) drain(pending);
    Check(PQexitPipelineMode(pg) == 1, "exit pipeline");
    Exec(pg, "COMMIT");
  });
  Report("pg      insert  libpq, pipelined by 1000", static_cast<int>(rows.size()), pipelined);

  Exec(pg, "TRUNCATE t");
  double copied = Time([&] {
    Exec(pg, "BEGIN");
    PGresult* copy = PQexec(pg, "COPY t FROM STDIN");
    Check(PQresultStatus(copy) == PGRES_COPY_IN, "copy in");
    PQclear(copy);
    std::string buffer;
    for (const Row& r : rows) {
      // The rows hold no tab, newline or backslash, so no escaping is needed here.
      buffer += r.code + '\t' + r.village + '\t' + r.name + '\t' + r.address + '\t' + r.needs + '\t' +
                std::to_string(r.size) + '\n';
      if (buffer.size() > (1 << 16)) {
        Check(PQputCopyData(pg, buffer.data(), static_cast<int>(buffer.size())) == 1, "copy data");
        buffer.clear();
      }
    }
    Check(PQputCopyData(pg, buffer.data(), static_cast<int>(buffer.size())) == 1, "copy data");
    Check(PQputCopyEnd(pg, nullptr) == 1, "copy end");
    PGresult* end = PQgetResult(pg);
    Check(PQresultStatus(end) == PGRES_COMMAND_OK, "copy result");
    PQclear(end);
    Exec(pg, "COMMIT");
  });
  Report("pg      insert  libpq COPY", static_cast<int>(rows.size()), copied);

  size_t bytes = 0;
  double read = Time([&] {
    PGresult* r = PQexecParams(pg, "SELECT code, village, name, address, needs, size FROM t ORDER BY code", 0,
                               nullptr, nullptr, nullptr, nullptr, 0);
    Check(PQresultStatus(r) == PGRES_TUPLES_OK, "select");
    std::string code, name;
    for (int i = 0; i < PQntuples(r); ++i) {
      code.assign(PQgetvalue(r, i, 0), static_cast<size_t>(PQgetlength(r, i, 0)));
      name.assign(PQgetvalue(r, i, 2), static_cast<size_t>(PQgetlength(r, i, 2)));
      bytes += code.size() + name.size() + static_cast<size_t>(std::atoll(PQgetvalue(r, i, 5)));
    }
    PQclear(r);
  });
  Report("pg      read    libpq", static_cast<int>(rows.size()), read);
  PQfinish(pg);
  Check(bytes > 0, "pg read");
}

// SOCI 4.0's PostgreSQL backend offers neither COPY nor pipelining: its
// statements are one round trip each.
void PgSoci(const std::vector<Row>& rows, const std::string& conninfo) {
  PQfinish(ConnectPg(conninfo));
  soci::session sql(soci::postgresql, conninfo);
  SociInsert(sql, rows, "pg      insert  SOCI, a row at a time");
  SociRead(sql, static_cast<int>(rows.size()), "pg      read    SOCI");
}

}  // namespace

int main(int argc, char** argv) {
  int n = 200000;
  std::string pg;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rows") == 0) n = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--pg") == 0) pg = argv[i + 1];
  }
  setvbuf(stdout, nullptr, _IOLBF, 0);
  std::vector<Row> rows = MakeRows(n);
  std::string path = (std::filesystem::temp_directory_path() / "seam_bench.db").string();
  std::printf("%d rows, one transaction each\n", n);
  SqliteRaw(rows, path);
  SqliteSoci(rows, path, false);
  SqliteSoci(rows, path, true);
  if (!pg.empty()) {
    PgRaw(rows, pg);
    PgSoci(rows, pg);
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return 0;
}
