// pg_scratch.cc — PostgreSQL scratch databases (trellis/scratch.h).
//
// Made with CREATE DATABASE on the server of the live database (or of a given scratch
// URL), named trellis_scratch_<oid>_<pid>_<n> where <oid> is the database the server was
// reached through. While a scratch database lives, the session that made it holds an
// advisory lock keyed on its name; a later run drops every trellis_scratch_<oid>_* whose
// lock it can take (its maker is gone: killed, or lost its connection). Forked with
// CREATE DATABASE … TEMPLATE, which needs the source to have no connection for a moment.
// A given scratch database on which the role cannot create databases is used in place:
// it must be empty, and is emptied again afterwards (DROP OWNED BY CURRENT_USER); it
// cannot fork.
#include <unistd.h>

#include "db/drivers.h"
#include "db/libpq_api.h"
#include "db/pg_connection.h"
#include "trellis/error.h"
#include "trellis/scratch.h"

namespace trellis {
namespace {

constexpr const char* kHint =
    "grant the role CREATEDB (ALTER ROLE … CREATEDB), or give an empty database to replay on: "
    "--scratch URL or scratch_database in trellis.toml";

class PgScratchServer;

class PgScratch final : public ScratchDatabase {
 public:
  PgScratch(PgScratchServer& server, std::string name, bool in_place);
  ~PgScratch() override;
  Driver& driver() override;
  std::string display_name() const override;
  std::unique_ptr<ScratchDatabase> fork() override;

 private:
  PgScratchServer& server_;
  std::string name_;
  bool in_place_;
  std::unique_ptr<Driver> driver_;
};

class PgScratchServer final : public ScratchServer {
 public:
  PgScratchServer(const std::string& conninfo, bool given, const DriverOptions& options)
      : conninfo_(conninfo), given_(given), options_(options), admin_(conninfo) {
    options_.runner_lock = "advisory";  // a scratch database is this process's alone
    pg::Result r = admin_.exec(
        "SELECT d.oid, d.datname, r.rolcreatedb OR r.rolsuper, "
        "t.encoding = d.encoding AND t.datcollate = d.datcollate AND t.datctype = d.datctype, "
        "pg_encoding_to_char(d.encoding), d.datcollate, d.datctype "
        "FROM pg_database d, pg_database t, pg_roles r "
        "WHERE d.datname = current_database() AND t.datname = 'template1' AND r.rolname = current_user");
    if (pg::libpq().PQntuples(r.get()) != 1) throw Error(ErrorKind::kState, "cannot read the server's databases on " + admin_.target());
    prefix_ = "trellis_scratch_" + pg::text_at(r, 0, 0) + "_";
    home_ = pg::text_at(r, 0, 1);
    can_create_ = pg::text_at(r, 0, 2) == "t";
    if (pg::text_at(r, 0, 3) != "t") {  // the database differs from template1: make scratch ones like it
      empty_template_ = " TEMPLATE template0 ENCODING " + admin_.literal(pg::text_at(r, 0, 4)) + " LC_COLLATE " +
                        admin_.literal(pg::text_at(r, 0, 5)) + " LC_CTYPE " + admin_.literal(pg::text_at(r, 0, 6));
    }
    if (!can_create_ && !given_) {
      throw Error(ErrorKind::kConnection,
                  "cannot make a scratch database on " + admin_.target() + ": the role may not create databases", kHint);
    }
    if (can_create_) remove_leftovers();
  }

  std::unique_ptr<ScratchDatabase> create() override {
    if (!can_create_) return in_place();
    return std::make_unique<PgScratch>(*this, make_database(empty_template_), false);
  }
  std::string display_target() const override { return admin_.target(); }
  bool one_at_a_time() const override { return !can_create_; }

  // A new database, copied from `clause` (" TEMPLATE x", or "" for template1).
  std::string make_database(const std::string& clause) {
    std::string name = prefix_ + std::to_string(::getpid()) + "_" + std::to_string(++counter_);
    admin_.exec("SELECT pg_advisory_lock(hashtextextended(" + admin_.literal(name) + ", 0))");
    try {
      admin_.exec("CREATE DATABASE " + admin_.identifier(name) + clause);
    } catch (const SqlError& e) {
      unlock(name);
      throw Error(ErrorKind::kConnection, "cannot make a scratch database on " + admin_.target() + ": " + e.what(), kHint);
    }
    return name;
  }
  std::string copy_of(const std::string& name) { return make_database(" TEMPLATE " + admin_.identifier(name)); }

  void drop(const std::string& name) noexcept {
    try {
      std::string force = admin_.server_version() >= 130000 ? " WITH (FORCE)" : "";
      admin_.exec("DROP DATABASE IF EXISTS " + admin_.identifier(name) + force);
      unlock(name);
    } catch (const std::exception&) {
      // the next run drops it: its lock goes with this session
    }
  }

  void empty_in_place() noexcept {
    try {
      admin_.exec("DROP OWNED BY CURRENT_USER CASCADE");
    } catch (const std::exception&) {
    }
    in_place_used_ = false;
  }

  std::unique_ptr<Driver> open(const std::string& name) {
    std::string conninfo = name == home_ ? conninfo_ : pg::conninfo_with_dbname(conninfo_, name);
    auto driver = make_postgres_driver(conninfo, OpenMode::kReadWrite, options_);
    // A replay needs no durability: its commits need not wait for the disk.
    driver->connection().execute(Statement{"SET synchronous_commit = off", 1, 1, {}});
    return driver;
  }
  const std::string& home() const { return home_; }

 private:
  std::unique_ptr<ScratchDatabase> in_place() {
    if (in_place_used_) throw Error(ErrorKind::kState, "the scratch database " + admin_.target() + " is in use by this run");
    pg::Result r = admin_.exec(
        "SELECT count(*), min(n.nspname || '.' || c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'");
    if (pg::text_at(r, 0, 0) != "0") {
      throw Error(ErrorKind::kConnection,
                  "the scratch database " + admin_.target() + " is not empty (" + pg::text_at(r, 0, 0) +
                      " relations, e.g. " + pg::text_at(r, 0, 1) + "); replaying on it would mix with them",
                  "give an empty database as the scratch database, or grant the role CREATEDB");
    }
    // Emptied afterwards by DROP OWNED BY CURRENT_USER: the role must own nothing here yet,
    // or that would drop it (a scratch URL naming the live database, say).
    pg::Result owned = admin_.exec(
        "SELECT count(*) FROM pg_shdepend WHERE deptype = 'o' AND refobjid = "
        "(SELECT oid FROM pg_roles WHERE rolname = current_user) AND dbid = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())");
    if (pg::text_at(owned, 0, 0) != "0") {
      throw Error(ErrorKind::kConnection,
                  "the scratch database " + admin_.target() + " holds " + pg::text_at(owned, 0, 0) +
                      " object(s) its role owns; replaying there, and emptying it afterwards, would drop them",
                  "give an empty database of its own as the scratch database (never the live one), or grant the role CREATEDB");
    }
    in_place_used_ = true;
    return std::make_unique<PgScratch>(*this, home_, true);
  }

  void unlock(const std::string& name) {
    admin_.exec("SELECT pg_advisory_unlock(hashtextextended(" + admin_.literal(name) + ", 0))");
  }

  // Scratch databases of runs that are gone: their maker's lock is free.
  void remove_leftovers() {
    pg::Result r = admin_.exec("SELECT datname FROM pg_database WHERE starts_with(datname, " + admin_.literal(prefix_) + ")");
    for (int i = 0; i < pg::libpq().PQntuples(r.get()); ++i) {
      std::string name = pg::text_at(r, i, 0);
      pg::Result got = admin_.exec("SELECT pg_try_advisory_lock(hashtextextended(" + admin_.literal(name) + ", 0))");
      if (pg::text_at(got, 0, 0) == "t") drop(name);
    }
  }

  std::string conninfo_;
  bool given_;
  DriverOptions options_;
  pg::Connection admin_;
  std::string prefix_, home_, empty_template_;
  bool can_create_ = false, in_place_used_ = false;
  int counter_ = 0;
};

PgScratch::PgScratch(PgScratchServer& server, std::string name, bool in_place)
    : server_(server), name_(std::move(name)), in_place_(in_place) {}

PgScratch::~PgScratch() {
  driver_.reset();
  if (in_place_) {
    server_.empty_in_place();
  } else {
    server_.drop(name_);
  }
}

Driver& PgScratch::driver() {
  if (!driver_) driver_ = server_.open(name_);
  return *driver_;
}

std::string PgScratch::display_name() const { return name_ + " on " + server_.display_target(); }

std::unique_ptr<ScratchDatabase> PgScratch::fork() {
  if (in_place_) return nullptr;
  driver_.reset();  // a template database must have no connection while it is copied
  return std::make_unique<PgScratch>(server_, server_.copy_of(name_), false);
}

}  // namespace

std::unique_ptr<ScratchServer> make_postgres_scratch_server(const std::string& conninfo, bool given,
                                                            const DriverOptions& options) {
  return std::make_unique<PgScratchServer>(conninfo, given, options);
}

}  // namespace trellis
