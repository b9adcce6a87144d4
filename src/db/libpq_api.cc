// libpq_api.cc — dlopen("libpq.so.5") and dlsym of each function the driver uses.
#include "db/libpq_api.h"

#include <dlfcn.h>

#include <string>

#include "trellis/error.h"

namespace trellis::pg {
namespace {

constexpr const char* kLibraryName = "libpq.so.5";
constexpr const char* kInstallHint = "install libpq5 (Debian: apt-get install libpq5)";

std::string last_dl_error() {
  const char* error = dlerror();
  return error == nullptr ? std::string("unknown error") : std::string(error);
}

void* open_library() {
  void* handle = dlopen(kLibraryName, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    throw Error(ErrorKind::kConnection,
                std::string("cannot load the PostgreSQL client library ") + kLibraryName + ": " +
                    last_dl_error(),
                kInstallHint);
  }
  return handle;
}

template <typename Function>
void resolve(void* handle, const char* name, Function& slot) {
  dlerror();  // clear any earlier error, as dlsym only sets one on failure
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr) {
    throw Error(ErrorKind::kConnection,
                std::string("cannot load the PostgreSQL client library ") + kLibraryName +
                    ": function " + name + " is missing (" + last_dl_error() + ")",
                kInstallHint);
  }
  slot = reinterpret_cast<Function>(symbol);
}

// The handle is never closed: the functions are used until the process exits.
LibPq load() {
  void* handle = open_library();
  LibPq api{};
  // The macro keeps each function's name and its slot from drifting apart.
#define TRELLIS_RESOLVE(function) resolve(handle, #function, api.function)
  TRELLIS_RESOLVE(PQclear);
  TRELLIS_RESOLVE(PQcmdTuples);
  TRELLIS_RESOLVE(PQconnectdbParams);
  TRELLIS_RESOLVE(PQconninfoFree);
  TRELLIS_RESOLVE(PQconninfoParse);
  TRELLIS_RESOLVE(PQdb);
  TRELLIS_RESOLVE(PQerrorMessage);
  TRELLIS_RESOLVE(PQescapeIdentifier);
  TRELLIS_RESOLVE(PQescapeLiteral);
  TRELLIS_RESOLVE(PQexec);
  TRELLIS_RESOLVE(PQexecParams);
  TRELLIS_RESOLVE(PQfinish);
  TRELLIS_RESOLVE(PQfreemem);
  TRELLIS_RESOLVE(PQgetCopyData);
  TRELLIS_RESOLVE(PQgetResult);
  TRELLIS_RESOLVE(PQfname);
  TRELLIS_RESOLVE(PQgetisnull);
  TRELLIS_RESOLVE(PQgetlength);
  TRELLIS_RESOLVE(PQgetvalue);
  TRELLIS_RESOLVE(PQhost);
  TRELLIS_RESOLVE(PQhostaddr);
  TRELLIS_RESOLVE(PQnfields);
  TRELLIS_RESOLVE(PQntuples);
  TRELLIS_RESOLVE(PQpass);
  TRELLIS_RESOLVE(PQport);
  TRELLIS_RESOLVE(PQputCopyEnd);
  TRELLIS_RESOLVE(PQresultErrorField);
  TRELLIS_RESOLVE(PQresultStatus);
  TRELLIS_RESOLVE(PQserverVersion);
  TRELLIS_RESOLVE(PQsetNoticeProcessor);
  TRELLIS_RESOLVE(PQstatus);
  TRELLIS_RESOLVE(PQtransactionStatus);
  TRELLIS_RESOLVE(PQuser);
#undef TRELLIS_RESOLVE
  return api;
}

}  // namespace

const LibPq& libpq() {
  static const LibPq api = load();
  return api;
}

}  // namespace trellis::pg
