// Randomised inputs for the migration-file and config parsers: they must report problems
// as diagnostics or trellis::Error, never crash, hang or throw anything else.
#include <gtest/gtest.h>

#include <random>

#include "project/migration_parser.h"

namespace trellis {
namespace {

std::string random_migration(std::mt19937& rng) {
  static const char* pieces[] = {"-- +up\n", "-- +down\n", "-- +down irreversible\n", "-- requires: a/0001\n",
                                 "-- requires: ,,\n", "-- phase: contract\n", "-- phase:\n", "-- batch: size=\n",
                                 "-- batch: table=t key=id size=5\n", "-- lint-allow: x \"\"\n",
                                 "-- lint-allow: rule \"why\"\n", "SELECT 1;\n", "'unterminated\n", "--\n",
                                 "-- +\n", "\r\n", "\n", "-- transaction: false\n", "-- lock-timeout: 9999999999h\n",
                                 "-- a: b\n", "\xff\xfe\n", "/* c */\n"};
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(pieces) / sizeof(pieces[0]) - 1);
  std::uniform_int_distribution<int> len(0, 12);
  std::string out;
  for (int i = len(rng); i > 0; --i) out += pieces[pick(rng)];
  if (rng() % 4 == 0 && !out.empty()) out.erase(rng() % out.size());  // truncate anywhere
  return out;
}

TEST(ParserFuzz, MigrationParserNeverCrashes) {
  std::mt19937 rng(42);
  for (int i = 0; i < 20000; ++i) {
    Migration m;
    m.path = "migrations/a/0001_x.sql";
    Diagnostics diag;
    std::string text = random_migration(rng);
    ASSERT_NO_THROW(parse_migration(text, m, diag)) << text;
    if (!m.up.present) {
      EXPECT_FALSE(diag.empty()) << text;
    }
  }
}

}  // namespace
}  // namespace trellis
