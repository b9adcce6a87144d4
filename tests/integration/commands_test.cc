// commands_test.cc — stamp, history, graph, help, init and new, colour.
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include <unistd.h>

#include "harness.h"

namespace trellis_test {
namespace {

class CommandsTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_.write_simple_config(db_->url());
    project_.write_migration("core", "0001_init.sql",
                             migration("", "CREATE TABLE core_users (id integer);",
                                       "DROP TABLE core_users;"));
    project_.write_migration("core", "0002_more.sql",
                             migration("", "CREATE TABLE core_more (id integer);",
                                       "DROP TABLE core_more;"));
    project_.write_migration("billing", "0001_invoices.sql",
                             migration("-- requires: core/0001",
                                       "CREATE TABLE invoices (id integer);"));
  }
};

TEST_P(CommandsTest, StampRecordsWithoutRunning) {
  RunResult stamp = project_.run({"stamp", "core/0001"});
  ASSERT_EQ(stamp.exit_code, 0) << stamp.describe();
  EXPECT_NE(stamp.out.find("core/0001_init"), std::string::npos) << "must show what it records\n"
                                                                 << stamp.describe();
  EXPECT_EQ(db_->applied_ids(), std::vector<std::string>{"core/0001_init"});
  EXPECT_FALSE(db_->has_table("core_users")) << "stamp must not run the migration";
  EXPECT_EQ(db_->history(), std::vector<std::string>{"core/0001_init|stamp"});

  RunResult apply = project_.run({"apply"});
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_FALSE(db_->has_table("core_users"));
  EXPECT_TRUE(db_->has_table("core_more"));
  EXPECT_TRUE(db_->has_table("invoices"));
  EXPECT_EQ(db_->history_count("core/0001_init", "apply"), 0);
}

TEST_P(CommandsTest, StampAll) {
  RunResult stamp = project_.run({"stamp", "--all", "--yes"});
  ASSERT_EQ(stamp.exit_code, 0) << stamp.describe();
  EXPECT_EQ(db_->applied_ids().size(), 3u);
  EXPECT_TRUE(db_->tables().empty());
  RunResult plan = project_.run({"plan", "--json"});
  EXPECT_TRUE(parse_json(plan.out)["pending"].empty()) << plan.describe();
}

// stamp --all asks too: without a terminal and --yes it is refused with the list shown;
// stamping named ids does not ask (the ids are the confirmation).
TEST_P(CommandsTest, StampAllWithoutYesNeedsATerminal) {
  RunResult refused = project_.run({"stamp", "--all"});
  EXPECT_EQ(refused.exit_code, 2) << refused.describe();
  EXPECT_NE(refused.out.find("stamp --all would record 3 migration(s)"), std::string::npos) << refused.describe();
  EXPECT_TRUE(db_->applied_ids().empty());
  RunOptions yes = project_.options({"stamp", "--all"});
  yes.terminal_input = "y\n";
  RunResult accepted = run_in_pty(yes);
  EXPECT_EQ(accepted.exit_code, 0) << accepted.describe();
  EXPECT_EQ(db_->applied_ids().size(), 3u);
  EXPECT_EQ(project_.run({"stamp", "core/0001"}).exit_code, 0) << "named ids: no question";
}

TEST_P(CommandsTest, StampUnknownIdIsBadInput) {
  RunResult stamp = project_.run({"stamp", "core/0042"});
  EXPECT_EQ(stamp.exit_code, 2) << stamp.describe();
  EXPECT_NE(stamp.err.find("core/0042"), std::string::npos) << stamp.describe();
  EXPECT_TRUE(db_->applied_ids().empty());
}

TEST_P(CommandsTest, HistoryJsonRecordsEveryEvent) {
  ASSERT_EQ(project_.run({"apply"}).exit_code, 0);
  ASSERT_EQ(project_.run({"rollback", "--yes", "core/0002"}).exit_code, 0);
  RunResult history = project_.run({"history", "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.describe();
  nlohmann::json doc = parse_json(history.out);
  ASSERT_TRUE(doc.is_object());
  const auto& events = doc["events"];
  ASSERT_EQ(events.size(), 4u) << history.out;
  long previous_seq = -1;
  for (const auto& event : events) {
    EXPECT_GT(event["seq"].get<long>(), previous_seq);
    previous_seq = event["seq"].get<long>();
    EXPECT_FALSE(event.value("at", "").empty()) << event.dump();
    EXPECT_FALSE(event.value("by", "").empty()) << event.dump();
    EXPECT_FALSE(event.value("tool_version", "").empty()) << event.dump();
    EXPECT_TRUE(event["duration_ms"].is_number()) << event.dump();
    EXPECT_FALSE(event.value("checksum", "").empty()) << event.dump();
  }
  EXPECT_EQ(events.back().value("id", ""), "core/0002_more");
  EXPECT_EQ(events.back().value("action", ""), "rollback");
  int applies = 0;
  for (const auto& event : events) applies += event.value("action", "") == "apply";
  EXPECT_EQ(applies, 3);

  nlohmann::json last = parse_json(project_.run({"history", "--json", "--limit", "1"}).out);
  ASSERT_EQ(last["events"].size(), 1u);
  EXPECT_EQ(last["events"][0].value("action", ""), "rollback");
}

bool program_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  for (std::size_t start = 0; start <= dirs.size();) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    if (end > start && ::access((dirs.substr(start, end - start) + "/" + name).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// Node name -> label's first line, and the edges as "label -> label", of a dot or mermaid
// graph whose nodes are declared as NAME [label="ID..."] or NAME["ID..."] / NAME("ID...").
struct GraphShape {
  std::map<std::string, std::string> labels;
  std::set<std::string> edges;
};

GraphShape graph_shape(const std::string& text, const std::regex& node, const std::regex& edge) {
  GraphShape shape;
  for (std::sregex_iterator it(text.begin(), text.end(), node), end; it != end; ++it) {
    shape.labels[(*it)[1]] = (*it)[2];
  }
  for (std::sregex_iterator it(text.begin(), text.end(), edge), end; it != end; ++it) {
    auto label = [&](const std::string& name) {
      auto found = shape.labels.find(name);
      return found == shape.labels.end() ? name : found->second;
    };
    shape.edges.insert(label((*it)[1]) + " -> " + label((*it)[2]));
  }
  return shape;
}

void expect_graph_edges(const GraphShape& shape, const std::string& text) {
  std::set<std::string> ids;
  for (const auto& [name, label] : shape.labels) ids.insert(label);
  EXPECT_EQ(ids, (std::set<std::string>{"billing/0001_invoices", "core/0001_init",
                                        "core/0002_more"}))
      << text;
  // One edge per dependency, in either direction but consistently.
  bool forward = shape.edges.count("core/0001_init -> billing/0001_invoices") > 0;
  std::string chain = forward ? "core/0001_init -> core/0002_more" : "core/0002_more -> core/0001_init";
  std::string cross = forward ? "core/0001_init -> billing/0001_invoices"
                              : "billing/0001_invoices -> core/0001_init";
  EXPECT_EQ(shape.edges, (std::set<std::string>{chain, cross})) << text;
}

TEST_P(CommandsTest, GraphDot) {
  RunResult graph = project_.run({"graph", "--format", "dot"});
  ASSERT_EQ(graph.exit_code, 0) << graph.describe();
  std::string text = graph.out;
  EXPECT_TRUE(std::regex_search(text, std::regex("^\\s*(strict\\s+)?digraph\\b"))) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '{'), std::count(text.begin(), text.end(), '}'));
  EXPECT_EQ(std::count(text.begin(), text.end(), '"') % 2, 0) << text;
  EXPECT_TRUE(std::regex_search(text, std::regex("\\}\\s*$"))) << text;
  GraphShape shape = graph_shape(
      text, std::regex("(\"[^\"]+\"|\\w+)\\s*\\[\\s*label\\s*=\\s*\"([a-z]+/[0-9]+_[a-z_]+)"),
      std::regex("(\"[^\"]+\"|\\w+)\\s*->\\s*(\"[^\"]+\"|\\w+)"));
  expect_graph_edges(shape, text);
  EXPECT_FALSE(has_escape_codes(text));
}

// The dot output explains itself: a legend of the states shown and of the two edge styles.
TEST_P(CommandsTest, GraphDotHasALegend) {
  RunResult graph = project_.run({"graph", "--format", "dot"});
  ASSERT_EQ(graph.exit_code, 0) << graph.describe();
  EXPECT_NE(graph.out.find("cluster_legend"), std::string::npos) << graph.out;
  EXPECT_NE(graph.out.find("requires (another feature)"), std::string::npos) << graph.out;
  EXPECT_NE(graph.out.find(">pending</TD>"), std::string::npos) << "the states shown are explained";
  EXPECT_EQ(graph.out.find(">failed</TD>"), std::string::npos) << "and only those";
}

// Without the database there are no states: no node says "pending" (it was a guess).
TEST_P(CommandsTest, GraphNoStateShowsNoStates) {
  project_.write("trellis.toml", "[env.dev]\ndatabase = \"postgresql://nobody@127.0.0.1:1/x\"\n");
  for (const char* format : {"text", "dot", "mermaid"}) {
    RunResult r = project_.run({"graph", "--no-state", "--format", format});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out.find("pending"), std::string::npos) << format << ":\n" << r.out;
    EXPECT_NE(r.out.find("billing/0001_invoices"), std::string::npos) << r.out;
  }
  RunResult json = project_.run({"graph", "--no-state", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.describe();
  const auto doc = parse_json(json);  // the loop must not range over a temporary's member
  for (const auto& node : doc["nodes"]) EXPECT_TRUE(node["state"].is_null()) << node;
}

// --format svg is Graphviz's own rendering: a well-formed SVG document with one node
// group per migration, each labelled with its id.
TEST_P(CommandsTest, GraphSvgRenderedByGraphviz) {
  if (!program_on_path("dot")) GTEST_SKIP() << "Graphviz's dot is not installed (scripts/setup.sh installs it)";
  RunResult r = project_.run({"graph", "--format", "svg"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  const std::string& svg = r.out;
  EXPECT_NE(svg.find("<svg"), std::string::npos) << svg.substr(0, 400);
  EXPECT_TRUE(std::regex_search(svg, std::regex("</svg>\\s*$"))) << "complete";
  EXPECT_EQ(count_of(svg, "<g id=\"node"), 4) << "three migrations and the legend";
  EXPECT_EQ(count_of(svg, "<g id=\"edge"), 2);
  for (const char* id : {"core/0001_init", "core/0002_more", "billing/0001_invoices"}) {
    EXPECT_NE(svg.find(std::string(">") + id + "<"), std::string::npos) << id;
  }
  EXPECT_EQ(count_of(svg, "<g"), count_of(svg, "</g>")) << "balanced groups";
}

TEST_P(CommandsTest, GraphMermaid) {
  RunResult graph = project_.run({"graph", "--format", "mermaid"});
  ASSERT_EQ(graph.exit_code, 0) << graph.describe();
  std::string text = graph.out;
  EXPECT_TRUE(std::regex_search(text, std::regex("^\\s*(graph|flowchart)\\s+(TD|TB|LR|BT|RL)")))
      << text;
  GraphShape shape = graph_shape(
      text, std::regex("(\\w+)\\s*[\\[(]+\"?([a-z]+/[0-9]+_[a-z_]+)"),
      std::regex("(\\w+)\\s*-[-.]+>\\s*(?:\\|[^|]*\\|\\s*)?(\\w+)"));
  expect_graph_edges(shape, text);
  EXPECT_FALSE(has_escape_codes(text));
}

TEST_P(CommandsTest, GraphTextAndJson) {
  RunResult text = project_.run({"graph"});
  ASSERT_EQ(text.exit_code, 0) << text.describe();
  EXPECT_NE(text.out.find("billing/0001_invoices"), std::string::npos) << text.out;
  RunResult json = project_.run({"graph", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.describe();
  EXPECT_TRUE(parse_json(json.out).is_object()) << json.out;
}

TEST_P(CommandsTest, JsonOutputsParse) {
  ASSERT_EQ(project_.run({"apply", "--json"}).exit_code, 0);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"status", "--json"}, {"plan", "--json"}, {"history", "--json"},
        {"check", "--json"}, {"graph", "--json"}, {"apply", "--json"}}) {
    RunResult result = project_.run(args);
    EXPECT_EQ(result.exit_code, 0) << args[0] << "\n" << result.describe();
    EXPECT_TRUE(parse_json(result.out).is_object()) << args[0];
  }
}

TEST_P(CommandsTest, NoEscapeCodesInPipesOrWithNoColor) {
  project_.write_migration("broken", "0001_fail.sql",
                           migration("", "INSERT INTO no_such_table VALUES (1);"));
  std::vector<std::vector<std::string>> commands = {
      {"plan"}, {"apply"}, {"status"}, {"history"}, {"graph"}, {"check"}, {"apply", "--help"}};
  for (const auto& args : commands) {
    RunResult piped = project_.run(args);
    EXPECT_FALSE(has_escape_codes(piped.out + piped.err)) << args[0] << "\n" << piped.describe();
    RunOptions tty = project_.options(args);
    tty.env["NO_COLOR"] = "1";
    RunResult terminal = run_in_pty(tty);
    EXPECT_FALSE(terminal.timed_out);
    EXPECT_FALSE(has_escape_codes(terminal.out)) << args[0] << " on a terminal with NO_COLOR\n"
                                                 << terminal.out;
    std::vector<std::string> flagged = args;
    flagged.push_back("--no-color");
    RunResult no_color = run_in_pty(project_.options(flagged));
    EXPECT_FALSE(has_escape_codes(no_color.out)) << args[0] << " --no-color on a terminal\n"
                                                 << no_color.out;
  }
}

TEST_P(CommandsTest, ChangeDirectoryOption) {
  TempDir elsewhere;
  RunOptions options;
  options.args = {"-C", project_.root(), "apply"};
  options.cwd = elsewhere.path();
  RunResult apply = run_process(options);
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->applied_ids().size(), 3u);
}

TEST_P(CommandsTest, DryRunAndSqlApplyNothing) {
  for (const char* flag : {"--dry-run", "--sql"}) {
    RunResult result = project_.run({"apply", flag});
    EXPECT_EQ(result.exit_code, 0) << flag << "\n" << result.describe();
    EXPECT_TRUE(db_->tables().empty()) << flag;
    EXPECT_TRUE(db_->applied_ids().empty()) << flag;
  }
  RunResult sql = project_.run({"apply", "--sql"});
  EXPECT_NE(sql.out.find("CREATE TABLE core_users"), std::string::npos) << sql.out;
}

// apply --sql is a script for later: run by hand, it records the database's time when it
// ran (not when it was written), keeps a transaction:false section's lock timeout, and
// a batched backfill is refused (exit 2) rather than written as a script that cannot run.
TEST_P(CommandsTest, SqlScriptRunsLaterWithTheServersTime) {
  project_.write_migration("core", "0003_index.sql",
                           migration("-- transaction: false\n-- lock-timeout: 1500ms",
                                     "CREATE INDEX core_users_id ON core_users (id);"));
  RunResult sql = project_.run({"apply", "--sql"});
  ASSERT_EQ(sql.exit_code, 0) << sql.describe();
  EXPECT_FALSE(std::regex_search(sql.out, std::regex("'\\d{4}-\\d\\d-\\d\\dT"))) << "no time of writing:\n" << sql.out;
  if (GetParam() == std::string("postgres")) {
    EXPECT_NE(sql.out.find("SET lock_timeout = '1500ms';"), std::string::npos) << sql.out;
    EXPECT_NE(sql.out.find("RESET lock_timeout;"), std::string::npos) << sql.out;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  db_->exec(sql.out);
  EXPECT_EQ(db_->applied_ids().size(), 4u);
  const std::string recent = GetParam() == std::string("postgres")
                                 ? "now() - interval '1 second'"
                                 : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 second')";
  EXPECT_EQ(db_->scalar("SELECT count(*) FROM " + db_->migrations_table() + " WHERE started_at > " + recent), "4");
  EXPECT_EQ(db_->scalar("SELECT count(*) FROM " + db_->history_table() + " WHERE at > " + recent), "4");
  RunResult after = project_.run({"apply"});
  EXPECT_NE(after.out.find("Nothing to apply"), std::string::npos) << after.describe();

  project_.write_migration("core", "0004_fill.sql",
                           "-- phase: backfill\n-- batch: table=core_users key=id size=10\n-- +up\n"
                           "UPDATE core_users SET id = id WHERE id > :lo AND id <= :hi;\n");
  RunResult backfill = project_.run({"apply", "--sql"});
  EXPECT_EQ(backfill.exit_code, 2) << backfill.describe();
  EXPECT_NE(backfill.err.find("core/0004_fill is a batched backfill"), std::string::npos) << backfill.err;
  EXPECT_EQ(backfill.out.find("INSERT"), std::string::npos) << "no half script:\n" << backfill.out;
}

TEST_P(CommandsTest, FindsTheProjectInAParentDirectory) {
  project_.write("migrations/core/notes.txt", "");  // migrations/core exists already
  RunOptions options;
  options.args = {"apply"};
  options.cwd = project_.path("migrations/core");
  RunResult apply = run_process(options);
  ASSERT_EQ(apply.exit_code, 0) << apply.describe();
  EXPECT_EQ(db_->applied_ids().size(), 3u);
}

TEST_P(CommandsTest, StatusExitCodeSaysWhetherAnythingIsLeft) {
  RunResult pending = project_.run({"status", "--exit-code"});
  EXPECT_EQ(pending.exit_code, 1) << pending.describe();
  EXPECT_EQ(project_.run({"status"}).exit_code, 0) << "without the flag status reports, exit 0";
  ASSERT_EQ(project_.run({"apply"}).exit_code, 0);
  RunResult done = project_.run({"status", "--exit-code", "--json"});
  EXPECT_EQ(done.exit_code, 0) << done.describe();
  project_.write_migration("core", "0003_bad.sql", migration("", "CREATE TABLE core_users (id integer);"));
  ASSERT_EQ(project_.run({"apply"}).exit_code, 1);
  EXPECT_EQ(project_.run({"status", "--exit-code"}).exit_code, 1) << "a failed migration";
}

TEST_P(CommandsTest, SmallSurprisesAreGone) {
  ASSERT_EQ(project_.run({"stamp", "--all", "--yes"}).exit_code, 0);
  RunResult again = project_.run({"stamp", "--all", "--yes"});
  EXPECT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_NE(again.out.find("Nothing to record"), std::string::npos) << again.out;
  for (const char* limit : {"0", "-1"}) {
    RunResult history = project_.run({"history", "--limit", limit});
    EXPECT_EQ(history.exit_code, 2) << limit << "\n" << history.describe();
  }
  RunResult unknown = project_.run({"wait"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err.find("did you mean"), std::string::npos) << unknown.err;
  RunResult typo = project_.run({"stauts"});
  EXPECT_NE(typo.err.find("did you mean 'status'"), std::string::npos) << typo.err;
}

TRELLIS_BACKENDS(CommandsTest);

// ---- commands that need no database -----------------------------------------------------

TEST(HelpTest, EveryCommandHasHelp) {
  TempDir dir;
  RunOptions top;
  top.args = {"--help"};
  top.cwd = dir.path();
  RunResult overview = run_process(top);
  EXPECT_EQ(overview.exit_code, 0) << overview.describe();
  for (const char* command : {"init", "new", "plan", "apply", "rollback", "status", "history",
                              "graph", "stamp", "accept", "repair", "forget", "check", "lint"}) {
    EXPECT_NE(overview.out.find(command), std::string::npos) << command << " not listed";
    RunOptions options;
    options.args = {command, "--help"};
    options.cwd = dir.path();  // no project: help must not need one
    RunResult help = run_process(options);
    EXPECT_EQ(help.exit_code, 0) << command << "\n" << help.describe();
    EXPECT_NE(help.out.find(command), std::string::npos) << command << "\n" << help.describe();
    EXPECT_TRUE(help.err.empty()) << command << "\n" << help.describe();
  }
}

// The bash script completes from the command table: run its function as bash would.
TEST(HelpTest, CompletionsAndManPageComeFromTheCommandTable) {
  TempDir dir;
  auto script = [&](const std::string& shell) {
    RunOptions o;
    o.args = {"completions", shell};
    o.cwd = dir.path();
    RunResult r = run_process(o);
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    return r.out;
  };
  std::string bash = script("bash");
  std::ofstream(dir.path() + "/c.bash") << bash;
  auto complete = [&](const std::string& words, int cword) {
    RunOptions o;
    o.program = "/bin/bash";
    o.args = {"-c", "source ./c.bash; COMP_WORDS=(" + words + "); COMP_CWORD=" + std::to_string(cword) +
                        "; _trellis; echo \"${COMPREPLY[*]}\""};
    o.cwd = dir.path();
    RunResult r = run_process(o);
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    return r.out;
  };
  EXPECT_EQ(complete("trellis ap", 1), "apply\n");
  EXPECT_EQ(complete("trellis -e dev status --ex", 4), "--exit-code\n");
  EXPECT_EQ(complete("trellis backfill pa", 2), "pause\n");
  for (const char* shell : {"zsh", "fish"}) {
    std::string text = script(shell);
    for (const char* word : {"apply", "diff", "exit-code", "backfill"})
      EXPECT_NE(text.find(word), std::string::npos) << shell << " lacks " << word;
  }
  RunOptions bad;
  bad.args = {"completions", "tcsh"};
  bad.cwd = dir.path();
  EXPECT_EQ(run_process(bad).exit_code, 2);
  RunOptions man;
  man.args = {"man"};
  man.cwd = dir.path();
  RunResult page = run_process(man);
  EXPECT_EQ(page.exit_code, 0) << page.describe();
  EXPECT_EQ(page.out.rfind(".TH TRELLIS 1", 0), 0u);
  for (const char* section : {".SH COMMANDS", ".SS apply", ".SH EXIT STATUS", "\\-\\-exit\\-code"})
    EXPECT_NE(page.out.find(section), std::string::npos) << section;
}

TEST(HelpTest, HelpCommandAndVersion) {
  TempDir dir;
  RunOptions help;
  help.args = {"help", "apply"};
  help.cwd = dir.path();
  RunResult r = run_process(help);
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("Usage: trellis apply"), std::string::npos) << r.out;
  help.args = {"help"};
  r = run_process(help);
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.out.find("SUBCOMMAND"), std::string::npos) << r.out;
  for (const char* flag : {"-V", "--version"}) {
    RunOptions version;
    version.args = {flag};
    version.cwd = dir.path();
    RunResult v = run_process(version);
    EXPECT_EQ(v.exit_code, 0) << v.describe();
    EXPECT_EQ(v.out.rfind("trellis ", 0), 0u) << v.out;
  }
}

}  // namespace
}  // namespace trellis_test
