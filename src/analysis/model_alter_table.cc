// model_alter_table.cc — ALTER TABLE: per subcommand objects, locks and hazards; the
// statement takes the strongest lock over its subcommands.
#include <algorithm>

#include "analysis/model.h"

namespace trellis::analysis {

void model_table_constraint(const std::string& table, const Json& con, Builder& b,
                            bool on_existing);
std::string type_text(const Json& type_name_node);
void type_hygiene(const std::string& table, const std::string& column, const Json& type, bool primary_key,
                  Builder& b);

namespace {

const std::string kAe = std::string("ACCESS EXCLUSIVE lock, which blocks all reads and writes");

struct Cmd {
  const std::string& table;
  const std::string& subtype;
  const Json& cmd;
  std::string column() const { return table + "." + str(cmd, "name"); }
};

LockLevel lock_for(const Cmd& c) {
  const std::string& s = c.subtype;
  if (s == "AT_ValidateConstraint" || s == "AT_SetStatistics" || s == "AT_SetOptions" ||
      s == "AT_ResetOptions" || s == "AT_ClusterOn" || s == "AT_DropCluster" ||
      s == "AT_AttachPartition" || s == "AT_SetRelOptions" || s == "AT_ResetRelOptions") {
    return LockLevel::kShareUpdateExclusive;
  }
  if (s.rfind("AT_EnableTrig", 0) == 0 || s.rfind("AT_DisableTrig", 0) == 0) {
    return LockLevel::kShareRowExclusive;
  }
  if (s == "AT_AddConstraint" &&
      str(field(field(c.cmd, "def"), "Constraint"), "contype") == "CONSTR_FOREIGN") {
    return LockLevel::kShareRowExclusive;
  }
  return LockLevel::kAccessExclusive;
}

void alter_type(const Cmd& c, Builder& b) {
  const Json& def = field(field(c.cmd, "def"), "ColumnDef");
  const Json& type = field(def, "typeName");
  bool using_clause = field(def, "raw_default").is_object();
  std::string new_type = type_text(type);
  b.info().column_types.emplace_back(c.column(), new_type);
  type_hygiene(c.table, str(c.cmd, "name"), type, false, b);
  Hazard& h = b.hazard("change-column-type", c.table,
                       "changing the type of " + c.column() + " to " + new_type +
                           (using_clause ? " with USING" : "") +
                           " rewrites the table and its indexes under an " + kAe,
                       "add a new column, dual-write and backfill it in batches, then switch reads and drop the old column in a contract migration",
                       node_location(def));
  h.only_existing_table = true;
  h.column = c.column();
  h.new_type = using_clause ? "" : new_type;  // empty: always a rewrite
}

void set_not_null(const Cmd& c, Builder& b) {
  b.scans();
  Hazard& h = b.hazard("set-not-null", c.table,
                       "SET NOT NULL on " + c.column() + " scans the whole table while holding an " + kAe,
                       "ADD CONSTRAINT ... CHECK (" + str(c.cmd, "name") + " IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later migration, then SET NOT NULL (PostgreSQL 12+ skips the scan) and drop the check");
  h.only_existing_table = true;
  h.exempt_if_validated_check = c.column();
  h.exempt_from_version = 12;  // PostgreSQL 11 and earlier scan even then
}

// The lock the transaction holds on the table while VALIDATE scans: what earlier
// statements took, or this ALTER TABLE's strongest subcommand (taken for all of them).
void validate_under_held_lock(const Cmd& c, Builder& b, LockLevel statement_lock) {
  MigrationState::Held held;
  auto it = b.state().held_locks.find(c.table);
  if (it != b.state().held_locks.end()) held = it->second;
  bool same_statement = statement_lock > held.level;
  if (same_statement) held = {statement_lock, b.info().line};
  if (held.level < LockLevel::kShare) return;  // SHARE and above block writes
  std::string name = str(c.cmd, "name");
  Hazard& h = b.hazard("validate-under-held-lock", c.table,
                       "VALIDATE CONSTRAINT " + name + " scans " + c.table + " while this migration's transaction already holds an " +
                           lock_name(held.level) + " lock on it (taken by " + (same_statement ? "another subcommand of this ALTER TABLE" : "the statement at line " + std::to_string(held.line)) +
                           "), which " + lock_effect(held.level) + " until the transaction ends: NOT VALID + VALIDATE gains nothing here",
                       "move VALIDATE CONSTRAINT to a later migration of its own, where it takes only SHARE UPDATE EXCLUSIVE (reads and writes proceed)");
  h.only_in_transaction = !same_statement;
  h.only_existing_table = true;
}

void validate(const Cmd& c, Builder& b, LockLevel statement_lock) {
  std::string name = str(c.cmd, "name");
  b.constraint({c.table, name, "validate", "", "", true});
  auto added = b.state().not_valid_constraints.find(c.table + "." + name);
  if (added == b.state().not_valid_constraints.end()) return validate_under_held_lock(c, b, statement_lock);
  // A foreign key's ADD takes SHARE ROW EXCLUSIVE (on both tables), a CHECK's ACCESS EXCLUSIVE.
  std::string lock = std::string(lock_name(added->second)) + " lock, which " + lock_effect(added->second);
  b.hazard("validate-in-same-transaction", c.table,
           "VALIDATE CONSTRAINT " + name + " runs in the same transaction that added it NOT VALID, so the " + lock + ", taken by ADD CONSTRAINT, is held during the full validation scan",
           "move VALIDATE CONSTRAINT to a later migration")
      .only_in_transaction = true;
}

void simple_hazard(const Cmd& c, Builder& b, const std::string& rule, const std::string& what,
                   const std::string& help, bool rewrite) {
  if (rewrite) b.rewrites();
  b.hazard(rule, c.table, what + " on " + c.table + " rewrites the table under an " + kAe, help)
      .only_existing_table = true;
}

void attach_partition(const Cmd& c, Builder& b) {
  std::string part = range_var_name(field(field(field(c.cmd, "def"), "PartitionCmd"), "name"));
  b.use(ObjectKind::kTable, part, Access::kAlter);
  b.lock(part, LockLevel::kAccessExclusive);
  b.scans();
  Hazard& h = b.hazard("attach-partition-without-check", part,
                       "ATTACH PARTITION " + part + " scans the partition to check its bound while holding an " + kAe + " on it (and SHARE UPDATE EXCLUSIVE on " + c.table + ")",
                       "first ADD a CHECK constraint matching the partition bound NOT VALID and VALIDATE it in an earlier migration; the attach then skips the scan");
  h.only_existing_table = true;
  h.exempt_if_validated_check = part + ".*";
}

// DETACH PARTITION takes ACCESS EXCLUSIVE on the parent; CONCURRENTLY (PostgreSQL 14+)
// SHARE UPDATE EXCLUSIVE, and cannot run in a transaction block.
void detach_partition(const Cmd& c, Builder& b) {
  const Json& cmd = field(field(c.cmd, "def"), "PartitionCmd");
  std::string part = range_var_name(field(cmd, "name"));
  b.use(ObjectKind::kTable, part, Access::kAlter);
  if (flag(cmd, "concurrent")) {
    b.concurrently();
    b.lock(c.table, LockLevel::kShareUpdateExclusive);
    b.hazard("concurrently-in-transaction", c.table,
             "DETACH PARTITION CONCURRENTLY cannot run inside a transaction block; this migration runs in one and will fail",
             "add `-- transaction: false` to this migration (keep it to this one statement)")
        .only_in_transaction = true;
    return;
  }
  Hazard& h = b.hazard("detach-partition-without-concurrently", c.table,
                       "DETACH PARTITION " + part + " takes an " + kAe + " on the partitioned table " + c.table,
                       "use DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+; SHARE UPDATE EXCLUSIVE) in a migration with `-- transaction: false`");
  h.only_existing_table = true;
  h.help_before_version = 14;  // no CONCURRENTLY form to suggest
  h.help_before = "this PostgreSQL has no DETACH PARTITION CONCURRENTLY (14+): detach at a quiet time with a short lock_timeout (SET lock_timeout = '2s') so that waiting for the lock does not queue every query behind it";
}

void subcommand(const Cmd& c, Builder& b, LockLevel statement_lock) {
  const std::string& s = c.subtype;
  b.lock(c.table, lock_for(c));
  if (s == "AT_AddColumn") {
    model_column_def(c.table, field(field(c.cmd, "def"), "ColumnDef"), b, !b.is_new_table(c.table));
  } else if (s == "AT_AddConstraint") {
    model_table_constraint(c.table, field(field(c.cmd, "def"), "Constraint"), b, !b.is_new_table(c.table));
  } else if (s == "AT_AlterColumnType") {
    b.use(ObjectKind::kColumn, c.column(), Access::kAlter);
    alter_type(c, b);
  } else if (s == "AT_SetNotNull") {
    b.use(ObjectKind::kColumn, c.column(), Access::kAlter);
    set_not_null(c, b);
  } else if (s == "AT_DropNotNull") {
    b.use(ObjectKind::kColumn, c.column(), Access::kAlter);
    if (b.is_new_column(c.table, str(c.cmd, "name"))) return;
    b.hazard("drop-not-null", c.table, "DROP NOT NULL on " + c.column() + " lets NULLs in that code still running may not expect (takes a brief " + kAe + ")",
             "make the column nullable in a contract migration, after every reader handles NULL")
        .only_outside_contract = true;
  } else if (s == "AT_DropColumn") {
    b.use(ObjectKind::kColumn, c.column(), Access::kDrop);
    if (b.is_new_column(c.table, str(c.cmd, "name"))) return;
    b.hazard("drop-column", c.table, "dropping column " + c.column() + " breaks code that still reads or writes it (takes a brief " + kAe + ")",
             "stop using the column in code first, then drop it in a contract migration")
        .only_outside_contract = true;
  } else if (s == "AT_ValidateConstraint") {
    b.use(ObjectKind::kConstraint, c.table + "." + str(c.cmd, "name"), Access::kAlter);
    validate(c, b, statement_lock);
  } else if (s == "AT_DropConstraint") {
    b.use(ObjectKind::kConstraint, c.table + "." + str(c.cmd, "name"), Access::kDrop);
    Hazard& h = b.hazard("drop-foreign-key", c.table, "", "");
    h.foreign_key = c.table + "." + str(c.cmd, "name");
    if (!b.is_new_table(c.table)) {
      Hazard& pk = b.hazard("drop-primary-key", c.table,
                            "dropping primary key " + str(c.cmd, "name") + " of " + c.table +
                                " breaks what relies on it: foreign keys that reference it, ON CONFLICT on its columns, logical replication of UPDATEs and DELETEs (takes a brief " + kAe + ")",
                            "build the new key first (CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX) and drop the old one in a contract migration");
      pk.primary_key = c.table + "." + str(c.cmd, "name");
      pk.only_outside_contract = true;
    }
  } else if (s == "AT_SetLogged" || s == "AT_SetUnLogged") {
    simple_hazard(c, b, "set-logged-unlogged", s == "AT_SetLogged" ? "SET LOGGED" : "SET UNLOGGED",
                  "create the table with the persistence it needs, or plan a maintenance window", true);
  } else if (s == "AT_SetTableSpace" || s == "AT_SetAccessMethod") {
    simple_hazard(c, b, "set-tablespace", s == "AT_SetTableSpace" ? "SET TABLESPACE" : "SET ACCESS METHOD",
                  "move data with a new table and a batched copy, or use pg_repack", true);
  } else if (s == "AT_AttachPartition") {
    attach_partition(c, b);
  } else if (s == "AT_DetachPartition") {
    detach_partition(c, b);
  } else if (!str(c.cmd, "name").empty()) {
    b.use(ObjectKind::kColumn, c.column(), Access::kAlter);
  }
}

}  // namespace

void model_alter_table(const Json& stmt, Builder& b) {
  const Json& rel = field(stmt, "relation");
  std::string table = range_var_name(rel);
  std::string objtype = str(stmt, "objtype");
  ObjectKind kind = objtype == "OBJECT_INDEX" ? ObjectKind::kIndex
                    : objtype == "OBJECT_VIEW" || objtype == "OBJECT_MATVIEW" ? ObjectKind::kView
                    : objtype == "OBJECT_SEQUENCE" ? ObjectKind::kSequence
                    : ObjectKind::kTable;
  b.use(kind, table, Access::kAlter, node_location(rel));
  if (kind != ObjectKind::kTable) return;
  const Json& cmds = field(stmt, "cmds");
  if (!cmds.is_array()) return;
  LockLevel statement_lock = LockLevel::kNone;
  for (const auto& item : cmds) {
    const Json& cmd = field(item, "AlterTableCmd");
    std::string subtype = str(cmd, "subtype");
    statement_lock = std::max(statement_lock, lock_for(Cmd{table, subtype, cmd}));
  }
  for (const auto& item : cmds) {
    const Json& cmd = field(item, "AlterTableCmd");
    std::string subtype = str(cmd, "subtype");
    subcommand(Cmd{table, subtype, cmd}, b, statement_lock);
  }
}

}  // namespace trellis::analysis
