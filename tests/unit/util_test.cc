#include <gtest/gtest.h>

#include "trellis/diagnostic.h"
#include "trellis/duration.h"
#include "trellis/migration.h"
#include "util/sha256.h"
#include "util/text.h"

namespace trellis {
namespace {

TEST(Sha256, PortableAndHardwareAgree) {
  for (std::size_t n : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 119u, 120u, 1000u, 4097u}) {
    std::string data(n, '\0');
    for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<char>(i * 31 + 7);
    EXPECT_EQ(sha256_hex(data), sha256_hex(data, Sha256Impl::kPortable)) << n;
  }
  EXPECT_EQ(sha256_hex("abc", Sha256Impl::kPortable),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Duration, ParsesAndFormats) {
  EXPECT_EQ(parse_duration("0"), Millis{0});
  EXPECT_EQ(parse_duration("250ms"), Millis{250});
  EXPECT_EQ(parse_duration("1.5s"), Millis{1500});
  EXPECT_EQ(parse_duration("2min"), Millis{120000});
  EXPECT_FALSE(parse_duration("3").has_value());
  EXPECT_FALSE(parse_duration("fast").has_value());
  EXPECT_EQ(format_duration(Millis{1500}), "1500ms");
  EXPECT_EQ(format_duration(Millis{3000}), "3s");
  EXPECT_EQ(format_duration(Millis{0}), "0");
}

TEST(Numbers, CompareByValueAnyWidth) {
  EXPECT_EQ(compare_numbers("0002", "2"), 0);
  EXPECT_LT(compare_numbers("0009", "10"), 0);
  EXPECT_GT(compare_numbers("20261120093000", "0002"), 0);
}

TEST(Text, LocatedPutsCaretUnderColumn) {
  Diagnostic d = error_at("parse", "f.sql", 3, "oops");
  d.source = "-- abc";
  d.column = 4;
  EXPECT_EQ(format_text(d), "f.sql:3: oops\n  -- abc\n     ^");
  EXPECT_EQ(edit_distance("aply", "apply"), 1);
}

}  // namespace
}  // namespace trellis
