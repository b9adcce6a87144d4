// cmd_graph.cc — `trellis graph`: the migrations, their chains and `requires`, coloured by
// state (or the files alone with --no-state), as text, JSON, Graphviz dot (with a
// legend), SVG rendered by Graphviz's own `dot`, or mermaid.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "trellis/error.h"
#include "trellis/status.h"
#include "util/subprocess.h"

namespace trellis::cli {
namespace {

const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"};

const char* fill_for(const std::string& state) {
  if (state == "applied") return "#c7e9c0";
  if (state == "failed" || state == "interrupted") return "#fcbba1";
  if (state == "blocked" || state == "running" || state == "paused") return "#fee391";
  if (state == "held") return "#e0e0e0";
  return "#ffffff";
}

std::string node_name(Node n) { return "m" + std::to_string(n); }

const char* const kStates[] = {"applied", "pending", "failed", "blocked", "held", "running", "paused", "interrupted"};

// One plain node holding a table: the fill of each state shown (none with --no-state)
// and the two kinds of edge. An HTML-like label, so it draws no edges of its own.
std::string dot_legend(const std::vector<std::string>& states) {
  std::string rows;
  for (const char* st : kStates) {
    if (std::find(states.begin(), states.end(), st) == states.end()) continue;
    rows += std::string("<TR><TD BGCOLOR=\"") + fill_for(st) + "\" BORDER=\"1\">  </TD><TD ALIGN=\"LEFT\">" + st +
            "</TD></TR>";
  }
  return "  subgraph cluster_legend {\n    label=\"legend\"; color=\"#999999\"; fontname=\"Helvetica\";\n"
         "    legend [shape=plaintext, style=\"\", label=<<TABLE BORDER=\"0\" CELLSPACING=\"2\">" +
         rows +
         "<TR><TD>&#8594;</TD><TD ALIGN=\"LEFT\">next in its feature</TD></TR>"
         "<TR><TD>- -&gt;</TD><TD ALIGN=\"LEFT\">requires (another feature)</TD></TR></TABLE>>];\n  }\n";
}

std::string dot_label(const Migration& m, const std::string& state) {
  return state.empty() ? m.id : m.id + "\\n" + state;
}

std::string dot(const Workspace& ws, const std::vector<std::string>& states) {
  const Graph& g = ws.graph();
  std::string s = "digraph trellis {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n";
  auto features = g.features();
  for (std::size_t f = 0; f < features.size(); ++f) {
    const char* color = kPalette[f % 8];
    s += "  subgraph \"cluster_" + features[f] + "\" {\n    label=\"" + features[f] + "\"; fontname=\"Helvetica\"; color=\"" + color + "\";\n";
    for (Node n : g.feature_nodes(features[f])) {
      s += "    " + node_name(n) + " [label=\"" + dot_label(g.at(n), states[n]) + "\", color=\"" + color +
           "\", fillcolor=\"" + fill_for(states[n]) + "\"];\n";
    }
    s += "  }\n";
  }
  for (Node n = 0; n < g.size(); ++n) {
    for (Node d : g.dependencies(n)) {
      bool cross = g.at(d).feature != g.at(n).feature;
      s += "  " + node_name(d) + " -> " + node_name(n) + (cross ? " [style=dashed];\n" : ";\n");
    }
  }
  return s + dot_legend(states) + "}\n";
}

// `dot -Tsvg` on the dot text, through a temporary file (the subprocess has no stdin).
std::string svg(const std::string& dot_text) {
  namespace fs = std::filesystem;
  fs::path file = fs::temp_directory_path() / ("trellis-graph-" + std::to_string(::getpid()) + ".dot");
  std::ofstream(file) << dot_text;
  ProcessResult r = run_process({"dot", "-Tsvg", file.string()}, ".");
  std::error_code ec;
  fs::remove(file, ec);
  if (r.exit_code == 127) {
    throw Error(ErrorKind::kUsage, "--format svg needs Graphviz's `dot` on PATH",
                "install Graphviz (Debian: apt-get install graphviz), or render `trellis graph --format dot` elsewhere");
  }
  if (r.exit_code != 0) throw Error(ErrorKind::kIo, "dot -Tsvg failed: " + r.err);
  return r.out;
}

std::string mermaid(const Workspace& ws, const std::vector<std::string>& states) {
  const Graph& g = ws.graph();
  std::string s = "flowchart LR\n";
  for (const auto& f : g.features()) {
    s += "  subgraph " + f + "\n";
    for (Node n : g.feature_nodes(f)) {
      s += "    " + node_name(n) + "[\"" + g.at(n).id + "\"]" + (states[n].empty() ? "" : ":::" + states[n]) + "\n";
    }
    s += "  end\n";
  }
  for (Node n = 0; n < g.size(); ++n) {
    for (Node d : g.dependencies(n)) {
      s += "  " + node_name(d) + (g.at(d).feature != g.at(n).feature ? " -.-> " : " --> ") + node_name(n) + "\n";
    }
  }
  for (const char* st : kStates) {
    if (std::find(states.begin(), states.end(), st) == states.end()) continue;
    s += std::string("  classDef ") + st + " fill:" + fill_for(st) + ",stroke:#333\n";
  }
  return s;
}

void text(const Workspace& ws, const std::vector<std::string>& states) {
  const Output& out = Output::get();
  const Graph& g = ws.graph();
  auto features = g.features();
  Style feature_styles[] = {Style::kBlue, Style::kMagenta, Style::kCyan, Style::kYellow};
  std::size_t width = 0;
  for (Node n = 0; n < g.size(); ++n) width = std::max(width, g.at(n).id.size());
  for (std::size_t f = 0; f < features.size(); ++f) {
    out.line(out.paint(feature_styles[f % 4], features[f]));
    for (Node n : g.feature_nodes(features[f])) {
      std::string id = g.at(n).id;
      id.resize(width, ' ');
      std::string line = states[n].empty() ? "  ○ " + id
                                           : "  " + out.paint(style_for_state(states[n]), "●") + " " + id + "  " +
                                                 out.paint(style_for_state(states[n]), states[n]);
      for (Node d : g.required(n)) line += out.paint(Style::kDim, "  <- " + g.at(d).id);
      out.line(line);
    }
  }
}

nlohmann::json graph_json(const Workspace& ws, const std::vector<std::string>& states) {
  const Graph& g = ws.graph();
  nlohmann::json nodes = nlohmann::json::array(), edges = nlohmann::json::array();
  for (Node n = 0; n < g.size(); ++n) {
    const Migration& m = g.at(n);
    nodes.push_back({{"id", m.id}, {"feature", m.feature}, {"phase", phase_name(m.phase)}, {"state", states[n].empty() ? nlohmann::json() : nlohmann::json(states[n])}});
    for (Node d : g.dependencies(n)) {
      edges.push_back({{"from", g.at(d).id}, {"to", m.id},
                       {"kind", g.at(d).feature == m.feature ? "chain" : "requires"}});
    }
  }
  return {{"features", g.features()}, {"nodes", nodes}, {"edges", edges}};
}

}  // namespace

Runner setup_graph(CLI::App& sub, const Globals& g) {
  auto format = std::make_shared<std::string>("text");
  auto no_state = std::make_shared<bool>(false);
  auto json = std::make_shared<bool>(false);
  sub.add_flag("--json", *json, "Nodes and edges as JSON (see docs/json.md)");
  sub.add_option("--format", *format, "text, dot (Graphviz, with a legend), svg (rendered by Graphviz's dot) or mermaid")
      ->check(CLI::IsMember({"text", "dot", "svg", "mermaid"}));
  sub.add_flag("--no-state", *no_state, "Do not read the database; show the files only (no states: JSON state is null)");
  return [&g, format, no_state, json]() {
    Workspace ws = g.workspace();
    std::vector<std::string> states(ws.graph().size());  // "": not read
    if (!*no_state) {
      auto driver = ws.connect(OpenMode::kReadOnly);
      StateIndex state(driver->state().load_rows());
      read_activity(*driver, state);
      for (const auto& v : build_status(ws, state, {}).migrations) states[v.node] = migration_state_name(v.state);
    }
    if (*json) Output::get().json(graph_json(ws, states));
    else if (*format == "dot") std::fputs(dot(ws, states).c_str(), stdout);
    else if (*format == "svg") std::fputs(svg(dot(ws, states)).c_str(), stdout);
    else if (*format == "mermaid") std::fputs(mermaid(ws, states).c_str(), stdout);
    else text(ws, states);
    return 0;
  };
}

}  // namespace trellis::cli
