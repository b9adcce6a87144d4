#include "trellis/error.h"

namespace trellis {

Error::Error(ErrorKind kind, std::string message, std::string hint)
    : Error(kind,
            std::vector<Diagnostic>{
                Diagnostic{Severity::kError, {}, {}, 0, 0, std::move(message), hint, {}, {}}},
            hint) {}

Error::Error(ErrorKind kind, std::vector<Diagnostic> diagnostics, std::string hint)
    : std::runtime_error(format_text(diagnostics)),
      kind_(kind),
      hint_(std::move(hint)),
      diagnostics_(std::make_shared<const std::vector<Diagnostic>>(std::move(diagnostics))) {}

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
