// units.cc — cutting a section into units (units.h).
#include "engine/units.h"

namespace trellis {
namespace {

class Cutter {
 public:
  Cutter(const std::string& path, TxMode mode, const std::vector<Statement>& statements,
         std::vector<Diagnostic>& problems)
      : path_(path), tx_(mode == TxMode::kTransactional), st_(statements), problems_(problems) {}

  std::vector<Unit> run() {
    for (std::size_t i = 0; i < st_.size(); ++i) take(i);
    if (open_group_ && !tx_) problem(st_[group_start_], "BEGIN without a COMMIT that ends it");
    close(st_.size());
    return merge_empty();
  }

 private:
  void problem(const Statement& s, const std::string& message) {
    problems_.push_back(error_at("transaction-control", path_, s.line, message));
  }

  void take(std::size_t i) {
    const Statement& s = st_[i];
    switch (s.traits.control) {
      case TxControl::kRollback:
        problem(s, "ROLLBACK in a migration undoes trellis' own bookkeeping; remove it (a "
                   "failing statement already rolls its transaction back)");
        return;
      case TxControl::kOther:
        problem(s, "two-phase commit statements cannot run in a migration");
        return;
      case TxControl::kBegin: return begin(i);
      case TxControl::kCommit: return commit(i);
      case TxControl::kNone: break;
    }
    if (!s.traits.outside_transaction) {
      if (!tx_ && !open_group_) {  // a statement of its own
        close(i);
        close(i + 1);
      }
      return;
    }
    if (tx_) return;  // fails when it runs, as PostgreSQL says; lint reports it first
    if (open_group_) {
      problem(s, "this statement cannot run inside a transaction, but BEGIN at line " +
                     std::to_string(st_[group_start_].line) + " opened one");
      return;
    }
    close(i);
    units_.push_back(Unit{i, i + 1, true});
    start_ = i + 1;
  }

  void begin(std::size_t i) {
    bool at_start = tx_ ? i == start_ || all_control(start_, i) : !open_group_;
    if (!at_start) {
      problem(st_[i], "BEGIN inside a transaction that is already open; end it with COMMIT "
                      "first");
      return;
    }
    if (!tx_) {
      close(i);
      open_group_ = true;
      group_start_ = i;
    }
  }

  void commit(std::size_t i) {
    if (!tx_ && !open_group_) {
      problem(st_[i], "COMMIT without a BEGIN: in a `transaction: false` section each "
                      "statement commits on its own");
      return;
    }
    open_group_ = false;
    close(i + 1);
  }

  bool all_control(std::size_t from, std::size_t to) const {
    for (std::size_t k = from; k < to; ++k) {
      if (executes(st_[k])) return false;
    }
    return true;
  }

  // Ends the unit being gathered at statement `end` (exclusive), if it has any.
  void close(std::size_t end) {
    if (end > start_) units_.push_back(Unit{start_, end, false});
    start_ = std::max(start_, end);
  }

  // A unit of only BEGIN/COMMIT joins the one before it (or after it, at the start).
  std::vector<Unit> merge_empty() {
    std::vector<Unit> out;
    bool carry = false;
    std::size_t carry_begin = 0;
    for (const Unit& u : units_) {
      if (!u.outside && all_control(u.begin, u.end)) {
        if (!out.empty() && !out.back().outside) {
          out.back().end = u.end;
        } else if (!carry) {
          carry = true;
          carry_begin = u.begin;
        }
        continue;
      }
      out.push_back(u);
      if (carry && !u.outside) out.back().begin = carry_begin, carry = false;
    }
    if (out.empty() && !st_.empty()) out.push_back(Unit{0, st_.size(), false});
    return out;
  }

  const std::string& path_;
  bool tx_;
  const std::vector<Statement>& st_;
  std::vector<Diagnostic>& problems_;
  std::vector<Unit> units_;
  std::size_t start_ = 0;
  bool open_group_ = false;
  std::size_t group_start_ = 0;
};

}  // namespace

bool executes(const Statement& s) {
  return s.traits.control != TxControl::kBegin && s.traits.control != TxControl::kCommit;
}

std::vector<Unit> units_of(const std::string& path, TxMode mode,
                           const std::vector<Statement>& statements,
                           std::vector<Diagnostic>& problems) {
  return Cutter(path, mode, statements, problems).run();
}

}  // namespace trellis
