// names.cc — display names of the analysis enums.
#include "trellis/analysis.h"

namespace trellis {

const char* lock_name(LockLevel level) {
  switch (level) {
    case LockLevel::kNone: return "no lock";
    case LockLevel::kAccessShare: return "ACCESS SHARE";
    case LockLevel::kRowShare: return "ROW SHARE";
    case LockLevel::kRowExclusive: return "ROW EXCLUSIVE";
    case LockLevel::kShareUpdateExclusive: return "SHARE UPDATE EXCLUSIVE";
    case LockLevel::kShare: return "SHARE";
    case LockLevel::kShareRowExclusive: return "SHARE ROW EXCLUSIVE";
    case LockLevel::kExclusive: return "EXCLUSIVE";
    case LockLevel::kAccessExclusive: return "ACCESS EXCLUSIVE";
  }
  return "?";
}

const char* lock_effect(LockLevel level) {
  switch (level) {
    case LockLevel::kNone: return "blocks nothing";
    case LockLevel::kAccessShare: return "blocks only ACCESS EXCLUSIVE schema changes";
    case LockLevel::kRowShare: return "blocks only EXCLUSIVE and ACCESS EXCLUSIVE locks";
    case LockLevel::kRowExclusive:
      return "blocks CREATE INDEX and stronger locks; reads and writes proceed";
    case LockLevel::kShareUpdateExclusive:
      return "blocks other schema changes and VACUUM; reads and writes proceed";
    case LockLevel::kShare: return "blocks writes (INSERT, UPDATE, DELETE); reads proceed";
    case LockLevel::kShareRowExclusive:
      return "blocks writes (INSERT, UPDATE, DELETE) and other schema changes; reads proceed";
    case LockLevel::kExclusive: return "blocks writes and all but plain reads";
    case LockLevel::kAccessExclusive: return "blocks all reads and writes";
  }
  return "?";
}

const char* object_kind_name(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kTable: return "table";
    case ObjectKind::kColumn: return "column";
    case ObjectKind::kIndex: return "index";
    case ObjectKind::kConstraint: return "constraint";
    case ObjectKind::kView: return "view";
    case ObjectKind::kSequence: return "sequence";
    case ObjectKind::kType: return "type";
    case ObjectKind::kFunction: return "function";
    case ObjectKind::kSchema: return "schema";
    case ObjectKind::kExtension: return "extension";
    case ObjectKind::kTrigger: return "trigger";
    case ObjectKind::kOther: return "object";
  }
  return "object";
}

const char* access_name(Access access) {
  switch (access) {
    case Access::kCreate: return "creates";
    case Access::kAlter: return "alters";
    case Access::kDrop: return "drops";
    case Access::kRename: return "renames";
    case Access::kRead: return "reads";
    case Access::kReference: return "references";
  }
  return "uses";
}

const char* conflict_kind_name(ConflictKind kind) {
  switch (kind) {
    case ConflictKind::kDropUsed: return "drop-used";
    case ConflictKind::kBothAlter: return "both-alter";
    case ConflictKind::kBothCreate: return "both-create";
    case ConflictKind::kMissingRequires: return "missing-requires";
  }
  return "conflict";
}

std::string conflict_rule(ConflictKind kind) {
  if (kind == ConflictKind::kMissingRequires) return "missing-requires";
  return std::string("conflict-") + conflict_kind_name(kind);
}

}  // namespace trellis
