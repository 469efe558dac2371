#include "ingest/aliases.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace talentflow::ingest {
namespace {

using ::testing::HasSubstr;

TEST(Aliases, ResolvesCaseInsensitivelyAndTrims) {
  auto a = Aliases::Parse(R"({"orgs": {"Open AI": "openai", "Google DeepMind": "google-deepmind"}})");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(*a->Org("Open AI"), "openai");
  EXPECT_EQ(*a->Org("open ai"), "openai");
  EXPECT_EQ(*a->Org("  OPEN AI\t"), "openai");
  EXPECT_EQ(*a->Org("google deepmind"), "google-deepmind");
}

TEST(Aliases, OrgAndTeamAliasesAreSeparate) {
  auto a = Aliases::Parse(R"({"orgs": {"Sora": "openai"}, "teams": {"Sora": "sora-video"}})");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a->Org("Sora"), "openai");
  EXPECT_EQ(*a->Team("Sora"), "sora-video");
}

TEST(Aliases, PassesThroughSlugsAndLowerCases) {
  Aliases a;
  EXPECT_EQ(*a.Org("anthropic"), "anthropic");
  EXPECT_EQ(*a.Org("Anthropic"), "anthropic");
  EXPECT_EQ(*a.Team("dall-e"), "dall-e");
}

TEST(Aliases, RejectsNonSlugWithoutAlias) {
  Aliases a;
  auto r = a.Org("Open AI");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("\"Open AI\" is not a slug"));
}

TEST(Aliases, RejectsAliasFileWithNonSlugValue) {
  auto a = Aliases::Parse(R"({"orgs": {"Open AI": "Open AI"}})");
  ASSERT_FALSE(a.ok());
  EXPECT_THAT(std::string(a.status().message()), HasSubstr("orgs.\"Open AI\""));
}

TEST(Aliases, RejectsBadJson) {
  EXPECT_FALSE(Aliases::Parse("{orgs:").ok());
}

TEST(IsSlug, FollowsThePattern) {
  EXPECT_TRUE(IsSlug("a"));
  EXPECT_TRUE(IsSlug("safety-alignment"));
  EXPECT_TRUE(IsSlug("0x"));
  EXPECT_TRUE(IsSlug(std::string(63, 'a')));
  EXPECT_FALSE(IsSlug(std::string(64, 'a')));
  EXPECT_FALSE(IsSlug(""));
  EXPECT_FALSE(IsSlug("-a"));
  EXPECT_FALSE(IsSlug("A"));
  EXPECT_FALSE(IsSlug("a_b"));
  EXPECT_FALSE(IsSlug("a b"));
}

}  // namespace
}  // namespace talentflow::ingest
