// The one diagnostic type: its text form (what errors print), the thrown Error that carries
// diagnostics, and the machine formats (JSON, SARIF, GitHub annotations) that lint's and
// check's findings share.
#include "trellis/diagnostic.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report/formats.h"
#include "trellis/apply.h"
#include "trellis/error.h"
#include "trellis/integrity.h"

namespace trellis {
namespace {

Diagnostic at_column(const std::string& file, int line, int column, const std::string& source,
                     const std::string& message) {
  Diagnostic d = error_at("parse", file, line, message);
  d.column = column;
  d.source = source;
  return d;
}

TEST(DiagnosticText, FileLineMessageSourceLineAndCaret) {
  Diagnostic d =
      at_column("migrations/core/0001_x.sql", 2, 4, "-- phas: expand", "unknown directive 'phas'");
  EXPECT_EQ(format_text(d),
            "migrations/core/0001_x.sql:2: unknown directive 'phas'\n"
            "  -- phas: expand\n"
            "     ^");
}

TEST(DiagnosticText, WhatIsKnownOfThePlaceOnly) {
  EXPECT_EQ(format_text(error_at("", "a.sql", 0, "no '-- +up' marker")),
            "a.sql: no '-- +up' marker");
  EXPECT_EQ(format_text(error_at("parse", "", 12, "syntax error")), "line 12: syntax error");
  EXPECT_EQ(format_text(error_at("", "", 0, "plain")), "plain");
  // A caret without a column sits under the first character.
  EXPECT_EQ(format_text(at_column("a.sql", 1, 0, "SELEC 1;", "x")), "a.sql:1: x\n  SELEC 1;\n  ^");
}

TEST(DiagnosticText, SeveralOnSeparateLines) {
  std::vector<Diagnostic> ds = {error_at("", "a.sql", 1, "one"),
                                at_column("b.sql", 2, 3, "abc", "two"),
                                error_at("", "c.sql", 0, "three")};
  EXPECT_EQ(format_text(ds), "a.sql:1: one\nb.sql:2: two\n  abc\n    ^\nc.sql: three");
}

TEST(DiagnosticText, StatementLocationIsBuiltInOnePlace) {
  EXPECT_EQ(statement_location(2, 7), "statement 2 (line 7)");
  StepOutcome o;
  o.error = "boom";
  EXPECT_EQ(describe_failure(o), "boom");
  o.statement = 2;
  o.line = 7;
  EXPECT_EQ(describe_failure(o), "statement 2 (line 7): boom");
}

TEST(DiagnosticError, CarriesEveryDiagnosticAndRendersThemAsWhat) {
  std::vector<Diagnostic> ds = {
      error_at("requires", "a.sql", 3, "requires 'x/0001', which does not exist"),
      at_column("b.sql", 1, 4, "-- phas: x", "unknown directive")};
  Error e(ErrorKind::kParse, ds, "fix them");
  EXPECT_EQ(e.kind(), ErrorKind::kParse);
  EXPECT_EQ(e.hint(), "fix them");
  ASSERT_EQ(e.diagnostics().size(), 2u);
  EXPECT_EQ(e.diagnostics()[0].line, 3);
  EXPECT_EQ(e.diagnostics()[1].column, 4);
  EXPECT_EQ(std::string(e.what()), format_text(ds));
  Error copy = e;  // shares the diagnostics
  EXPECT_EQ(&copy.diagnostics(), &e.diagnostics());
}

TEST(DiagnosticError, MessageAndHintAreOneDiagnosticWithoutAPlace) {
  Error e(ErrorKind::kConfig, "no trellis.toml", "run trellis init");
  ASSERT_EQ(e.diagnostics().size(), 1u);
  EXPECT_EQ(e.diagnostics()[0].message, "no trellis.toml");
  EXPECT_EQ(e.diagnostics()[0].hint, "run trellis init");
  EXPECT_TRUE(e.diagnostics()[0].file.empty());
  EXPECT_STREQ(e.what(), "no trellis.toml");
}

TEST(DiagnosticError, SqlErrorsCodeIsTheSqlstate) {
  SqlError e("relation \"t\" does not exist", "42P01", false, false);
  EXPECT_EQ(e.kind(), ErrorKind::kSql);
  ASSERT_EQ(e.diagnostics().size(), 1u);
  EXPECT_EQ(e.diagnostics()[0].code, "42P01");
  EXPECT_EQ(e.sqlstate(), "42P01");
  EXPECT_STREQ(e.what(), "relation \"t\" does not exist");
}

TEST(DiagnosticError, AProblemOfAMigrationsFileGetsItsPathAndId) {
  Migration m;
  m.id = "core/0002_bad";
  m.path = "migrations/core/0002_bad.sql";
  Diagnostic d = in_file(error_at("parse", "", 12, "syntax error (statement 2)"), m);
  EXPECT_EQ(d.file, m.path);
  EXPECT_EQ(d.id, m.id);
  EXPECT_EQ(format_text(d), "migrations/core/0002_bad.sql:12: syntax error (statement 2)");
  Diagnostic elsewhere = in_file(error_at("", "trellis.toml", 3, "x"), m);
  EXPECT_EQ(elsewhere.file, "trellis.toml");
}

Diagnostic lint_like() {
  Diagnostic d =
      at_column("migrations/a,b/0001_x.sql", 4, 7, "", "adds a column: with a default\nand 100%");
  d.code = "add-column-default";
  d.severity = Severity::kWarning;
  d.hint = "add it in two steps";
  d.id = "a,b/0001_x";
  return d;
}

TEST(DiagnosticFormats, CompactText) {
  EXPECT_EQ(report::compact_text(lint_like()),
            "migrations/a,b/0001_x.sql:4:7: warning[add-column-default]: adds a column: with a "
            "default\nand 100%\n"
            "  help: add it in two steps\n");
  Diagnostic no_hint = lint_like();
  no_hint.hint.clear();
  EXPECT_EQ(report::compact_text(no_hint).find("help"), std::string::npos);
}

TEST(DiagnosticFormats, JsonObjectInTheShapeAsked) {
  using report::Field;
  auto lint = report::json_object(
      lint_like(), {{Field::kCode, "rule"}, {Field::kColumn, "col"}, {Field::kId, "id"}});
  EXPECT_EQ(lint.dump(), R"({"rule":"add-column-default","col":7,"id":"a,b/0001_x"})");
  auto all = report::json_object(lint_like());
  EXPECT_EQ(
      all.dump(),
      R"({"severity":"warning","code":"add-column-default","file":"migrations/a,b/0001_x.sql","line":4,)"
      R"("column":7,"message":"adds a column: with a default\nand 100%","hint":"add it in two steps",)"
      R"("id":"a,b/0001_x"})");
}

TEST(DiagnosticFormats, SarifResultsAndRules) {
  Diagnostic no_place =
      error_at("missing-file", "", 0, "core/0003 is recorded as applied but has no migration file");
  auto doc = nlohmann::json::parse(report::sarif(
      {lint_like(), no_place},
      {{"add-column-default", "adds a column with a default", "see the docs", Severity::kError, ""}}));
  EXPECT_EQ(doc["version"], "2.1.0");
  const auto& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "trellis");
  EXPECT_EQ(run["tool"]["driver"]["rules"][0]["id"], "add-column-default");
  EXPECT_EQ(run["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"], "error");
  const auto& r = run["results"][0];
  EXPECT_EQ(r["ruleId"], "add-column-default");
  EXPECT_EQ(r["level"], "warning");
  EXPECT_EQ(r["message"]["text"],
            "adds a column: with a default\nand 100%\nhelp: add it in two steps");
  const auto& loc = r["locations"][0]["physicalLocation"];
  EXPECT_EQ(loc["artifactLocation"]["uri"], "migrations/a,b/0001_x.sql");
  EXPECT_EQ(loc["region"]["startLine"], 4);
  EXPECT_EQ(loc["region"]["startColumn"], 7);
  // SARIF regions start at line 1; no column, no startColumn.
  const auto& r2 = run["results"][1];
  EXPECT_EQ(r2["level"], "error");
  EXPECT_EQ(r2["locations"][0]["physicalLocation"]["region"].dump(), R"({"startLine":1})");
}

TEST(DiagnosticFormats, GithubAnnotationsEscapePropertiesAndMessage) {
  EXPECT_EQ(report::github_annotations({lint_like()}),
            "::warning file=migrations/a%2Cb/0001_x.sql,line=4,col=7,title=add-column-default::"
            "adds a column: with a default%0Aand 100%25%0Ahelp: add it in two steps\n");
}

// check's findings are Diagnostics too: the same formats render them.
TEST(DiagnosticFormats, IntegrityFindingsUseTheSameFormats) {
  Finding f = make_finding(
      "checksum-mismatch", Severity::kError, "core/0001_a", "migrations/core/0001_a.sql", 0,
      "core/0001_a was applied with checksum 0123456789ab but its file now has ba9876543210");
  EXPECT_EQ(
      report::github_annotations({f}),
      "::error file=migrations/core/0001_a.sql,line=0,col=0,title=checksum-mismatch::"
      "core/0001_a was applied with checksum 0123456789ab but its file now has ba9876543210\n");
  auto doc = nlohmann::json::parse(report::sarif({f}, {}));
  EXPECT_EQ(doc["runs"][0]["results"][0]["ruleId"], "checksum-mismatch");
}

}  // namespace
}  // namespace trellis
