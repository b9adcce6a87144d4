// libpq_api.h — libpq's functions, reached through a table that is filled by dlopen on
// the first use of PostgreSQL.
//
// The trellis executable does not link libpq: mapping libpq.so.5 and its ~20 dependencies
// (TLS, Kerberos, LDAP, SASL) at start-up costs more than half the start-up time of a
// command, and SQLite projects and file-only commands never need it. libpq-fe.h is still
// included, for its types and constants only; call every PQ* function as libpq().PQ*.
#pragma once

#include <libpq-fe.h>

namespace trellis::pg {

// One pointer per libpq function the driver uses, named and typed as the function.
struct LibPq {
  decltype(&::PQclear) PQclear;
  decltype(&::PQcmdTuples) PQcmdTuples;
  decltype(&::PQconnectdbParams) PQconnectdbParams;
  decltype(&::PQconninfoFree) PQconninfoFree;
  decltype(&::PQconninfoParse) PQconninfoParse;
  decltype(&::PQdb) PQdb;
  decltype(&::PQerrorMessage) PQerrorMessage;
  decltype(&::PQescapeIdentifier) PQescapeIdentifier;
  decltype(&::PQescapeLiteral) PQescapeLiteral;
  decltype(&::PQexec) PQexec;
  decltype(&::PQexecParams) PQexecParams;
  decltype(&::PQfinish) PQfinish;
  decltype(&::PQfreemem) PQfreemem;
  decltype(&::PQgetCopyData) PQgetCopyData;
  decltype(&::PQgetResult) PQgetResult;
  decltype(&::PQfname) PQfname;
  decltype(&::PQgetisnull) PQgetisnull;
  decltype(&::PQgetlength) PQgetlength;
  decltype(&::PQgetvalue) PQgetvalue;
  decltype(&::PQhost) PQhost;
  decltype(&::PQhostaddr) PQhostaddr;
  decltype(&::PQnfields) PQnfields;
  decltype(&::PQntuples) PQntuples;
  decltype(&::PQpass) PQpass;
  decltype(&::PQport) PQport;
  decltype(&::PQputCopyEnd) PQputCopyEnd;
  decltype(&::PQresultErrorField) PQresultErrorField;
  decltype(&::PQresultStatus) PQresultStatus;
  decltype(&::PQserverVersion) PQserverVersion;
  decltype(&::PQsetNoticeProcessor) PQsetNoticeProcessor;
  decltype(&::PQstatus) PQstatus;
  decltype(&::PQtransactionStatus) PQtransactionStatus;
  decltype(&::PQuser) PQuser;
};

// The table, loaded on the first call (thread-safe) and kept for the life of the process.
// Throws Error(kConnection) if libpq.so.5 or one of its functions cannot be loaded; a
// later call tries again.
const LibPq& libpq();

}  // namespace trellis::pg
