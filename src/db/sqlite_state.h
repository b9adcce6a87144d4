// sqlite_state.h — the SQLite backend's StateStore: trellis_migrations, trellis_history and
// trellis_backfills in the database file, with the bookkeeping statements prepared once.
#pragma once

#include "db/sqlite_connection.h"
#include "trellis/state_store.h"

namespace trellis::sqlite {

class SqliteState final : public StateStore {
 public:
  explicit SqliteState(SqliteConnection& connection) : c_(connection) {}
  ~SqliteState() override;
  SqliteState(const SqliteState&) = delete;
  SqliteState& operator=(const SqliteState&) = delete;

  void ensure() override;
  std::vector<StateRow> load_rows() override;
  std::vector<HistoryEvent> load_history() override;

  void record(const StateRow& row, const HistoryEvent& event) override;
  void record_and_commit(const StateRow& row, const HistoryEvent& event) override;
  void record_guarded(const StateRow& row, const HistoryEvent& event, RowGuard guard) override;
  void record_guarded_and_commit(const StateRow& row, const HistoryEvent& event, RowGuard guard) override;
  void forget(const std::string& id, const HistoryEvent& event) override;

  void save_checkpoint(const BackfillCheckpoint& c) override;
  std::vector<BackfillCheckpoint> load_checkpoints() override;
  bool request_pause(const std::string& id, PauseRequest request) override;
  bool remove_checkpoint(const std::string& id) override;

  std::string render_ddl() const override;
  std::string render_record(const StateRow& row, const HistoryEvent& event) const override;
  std::string render_forget(const std::string& id, const HistoryEvent& event) const override;

 private:
  bool has_state();
  void prepare_cached(sqlite3_stmt*& s, const std::string& sql);
  void run_cached(sqlite3_stmt* s);
  void bind_row(sqlite3_stmt* s, const StateRow& r);
  void append(const HistoryEvent& e);

  SqliteConnection& c_;
  bool state_known_ = false;
  sqlite3_stmt* insert_row_ = nullptr;
  sqlite3_stmt* guarded_row_ = nullptr;
  sqlite3_stmt* insert_event_ = nullptr;
  sqlite3_stmt* delete_row_ = nullptr;
};

}  // namespace trellis::sqlite
