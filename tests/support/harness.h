// harness.h — the one test harness of the integration tests, in one include.
//
// The tests drive the real `trellis` binary (TRELLIS_BINARY) in a temporary project
// directory (test_project.h, with a TOML builder in toml_builder.h) through one process
// runner (process.h: timeouts, environment, a pseudo-terminal, background runs) against a
// real database (test_db.h): a SQLite file in that directory, or a fresh database on the
// test run's PostgreSQL server (pg_server.h). Behavioural scenarios run on both backends
// (backend_test.h).
#pragma once

#include "backend_test.h"
#include "checks.h"
#include "pg_server.h"
#include "process.h"
#include "temp_dir.h"
#include "test_db.h"
#include "test_project.h"
#include "toml_builder.h"
