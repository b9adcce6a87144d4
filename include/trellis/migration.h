// trellis/migration.h — one migration file, parsed (README.md, "A migration file").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "trellis/duration.h"

namespace trellis {

enum class Phase { kExpand, kBackfill, kContract };
const char* phase_name(Phase phase);  // "expand", "backfill", "contract"

enum class TxMode { kTransactional, kNone };

// One SQL section of a file (`-- +up` or `-- +down`). `first_line` is the 1-based line of
// the file on which `sql` starts, so that a byte offset in `sql` maps back to a file line.
struct Section {
  bool present = false;
  std::string sql;
  int first_line = 0;
  bool has_sql = false;  // anything but blanks and comments: an up without SQL is a no-op
};

// `-- requires: core/0002_users` — as written, with the line it was written on.
struct Requirement {
  std::string id;
  int line = 0;
};

// `-- lint-allow: RULE "reason"`.
struct LintAllow {
  std::string rule;
  std::string reason;
  int line = 0;
};

// `-- batch: ...` on backfill migrations. Range mode: `table=T key=K size=N`, body uses
// :lo and :hi. Until-empty mode: `until-empty size=N`, body uses :size and is repeated
// until it changes no row.
struct BatchSpec {
  enum class Mode { kRange, kUntilEmpty };
  Mode mode = Mode::kRange;
  std::string table;
  std::string key;
  std::int64_t size = 0;
  Millis pause{0};
  int line = 0;
  std::map<std::string, std::string> extra;  // any other key=value, for forward compat
};

struct Migration {
  std::string id;       // "<feature>/<NNNN>_<slug>"
  std::string feature;  // directory name
  std::string number;   // the numeric prefix exactly as written ("0002", "20261120093000")
  std::string slug;
  std::string path;     // path relative to the project root, for messages ("migrations/a/0001_x.sql")
  std::string checksum; // hex SHA-256 of the file bytes

  std::vector<Requirement> requirements;  // `-- requires:` (any feature)
  // `-- conflicts:`: migrations that must not be applied when this one is (Sqitch's
  // `[!change]`); no order, only a fact lint checks (declared-conflict).
  std::vector<Requirement> conflicts;
  Phase phase = Phase::kExpand;
  TxMode tx = TxMode::kTransactional;       // the up section's (`transaction: false` or up=false)
  TxMode down_tx = TxMode::kTransactional;  // the down section's (`transaction: false` or down=false)
  std::optional<Millis> lock_timeout;
  std::optional<Millis> statement_timeout;
  std::vector<LintAllow> lint_allows;
  std::optional<BatchSpec> batch;

  Section up;
  Section down;                // !present when there is no `-- +down`
  bool irreversible = false;   // `-- +down irreversible`, or no down section at all
  int down_marker_line = 0;

  bool reversible() const { return down.present && !irreversible; }
  // A down of only comments, or `-- +down noop`: rolling back only forgets the record.
  bool noop_down() const { return reversible() && !down.has_sql; }
  // "<feature>/<NNNN>": the short form accepted wherever an id is.
  std::string short_id() const { return feature + "/" + number; }
};

// Compares two numeric prefixes by value ("0002" == "2" < "10"), any width.
int compare_numbers(const std::string& a, const std::string& b);

}  // namespace trellis
