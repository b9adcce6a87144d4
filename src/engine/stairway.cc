#include "engine/stairway.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace trellis {
namespace {

class Stairway {
 public:
  Stairway(ReplaySites& sites, const Graph& graph, const std::vector<Node>& order)
      : sites_(sites), graph_(graph), order_(order) {}

  StairwayResult run(std::size_t begin, std::size_t end) {
    site_ = sites_.create();
    ++result_.counts.databases;
    result_.stopped = run_ups(*site_, order_, 0, begin, result_.counts);
    for (std::size_t i = begin; i < end && !result_.stopped; ++i) {
      if (stairway_applies(graph_.at(order_[i]))) {
        step(i);
      } else {
        before_.reset();
        up(i);
      }
    }
    return std::move(result_);
  }

 private:
  bool up(std::size_t i) {
    ++result_.counts.sections;
    result_.stopped = site_->run(order_[i], ReplayDirection::kUp);
    return !result_.stopped;
  }

  std::optional<ReplayFailure> run(std::size_t i, ReplayDirection direction) {
    ++result_.counts.sections;
    return site_->run(order_[i], direction);
  }

  SchemaModel read() {
    ++result_.counts.reads;
    return site_->read_model();
  }

  void step(std::size_t i) {
    if (!before_) before_ = read();
    if (!up(i)) return;
    ++result_.checked;
    StairwayProblem problem;
    problem.node = order_[i];
    if ((problem.failure = run(i, ReplayDirection::kDown))) {
      problem.type = StairwayProblem::Type::kDownFails;
    } else if (SchemaModel after = read(); !(problem.differences = diff_schemas(*before_, after)).empty()) {
      problem.type = StairwayProblem::Type::kDownDiffers;
    } else if ((problem.failure = run(i, ReplayDirection::kUp))) {
      problem.type = StairwayProblem::Type::kSecondUpFails;
    } else {
      before_.reset();  // the schema after the up: read when the next step needs it
      return;
    }
    result_.problems.push_back(std::move(problem));
    rebuild(i);
  }

  // The state of the order up to and including i, on an empty site.
  void rebuild(std::size_t i) {
    before_.reset();
    site_.reset();  // first: a server may hold one scratch database at a time
    site_ = sites_.create();
    ++result_.counts.databases;
    result_.stopped = run_ups(*site_, order_, 0, i + 1, result_.counts);
  }

  ReplaySites& sites_;
  const Graph& graph_;
  const std::vector<Node>& order_;
  std::unique_ptr<ReplaySite> site_;
  std::optional<SchemaModel> before_;  // the schema before the next up, when known
  StairwayResult result_;
};

}  // namespace

bool stairway_applies(const Migration& m) { return m.reversible() && !m.batch; }

StairwayResult run_stairway(ReplaySites& sites, const Graph& graph, const std::vector<Node>& order,
                            std::size_t begin, std::size_t end) {
  end = std::min(end, order.size());
  return Stairway(sites, graph, order).run(std::min(begin, end), end);
}

std::vector<std::pair<std::size_t, std::size_t>> stairway_ranges(std::size_t n, std::size_t parts) {
  parts = std::max<std::size_t>(1, std::min(parts, n));
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  std::size_t begin = 0;
  for (std::size_t k = 1; k <= parts; ++k) {
    auto end = k == parts ? n : static_cast<std::size_t>(static_cast<double>(n) * std::sqrt(static_cast<double>(k) / parts));
    end = std::max(end, begin + 1);
    if (end > n) end = n;
    if (end > begin) ranges.emplace_back(begin, end);
    begin = end;
  }
  if (ranges.empty()) ranges.emplace_back(0, n);
  return ranges;
}

StairwayResult merge_stairways(std::vector<StairwayResult> parts) {
  StairwayResult all;
  for (StairwayResult& part : parts) {
    all.counts += part.counts;
    if (all.stopped) continue;
    for (auto& p : part.problems) all.problems.push_back(std::move(p));
    all.checked += part.checked;
    all.stopped = std::move(part.stopped);
  }
  return all;
}

}  // namespace trellis
