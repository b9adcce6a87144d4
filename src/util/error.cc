#include "trellis/error.h"

namespace trellis {

ExitCode exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kConnection:
    case ErrorKind::kLock:
      return ExitCode::kUnavailable;
    case ErrorKind::kSql:
      return ExitCode::kFailed;
    case ErrorKind::kUsage:
    case ErrorKind::kConfig:
    case ErrorKind::kParse:
    case ErrorKind::kGraph:
    case ErrorKind::kPlan:
    case ErrorKind::kState:
    case ErrorKind::kIo:
      return ExitCode::kBadInput;
    case ErrorKind::kInternal:
      return ExitCode::kFailed;
  }
  return ExitCode::kFailed;
}

}  // namespace trellis
