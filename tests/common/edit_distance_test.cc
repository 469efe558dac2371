#include "common/base/edit_distance.h"

#include <gtest/gtest.h>

namespace talentflow {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("sora", "sora"), 0u);
  // kitten -> sitten (k/s) -> sittin (e/i) -> sitting (+g).
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  // The feed's "destination" is "destinationOrg" without its last three letters.
  EXPECT_EQ(EditDistance("destination", "destinationorg"), 3u);
}

TEST(EditDistance, CountsASwapOfNeighboursAsOne) {
  EXPECT_EQ(EditDistance("sroa", "sora"), 1u);
  EXPECT_EQ(EditDistance("opnai", "openai"), 1u);  // one insertion
  EXPECT_EQ(EditDistance("ab", "ba"), 1u);
}

}  // namespace
}  // namespace talentflow
