// Test pipeline helpers: publish through the real ingest path into a topic, and rebuild views
// from a topic with the projector's Replayer.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ingest/feed.h"
#include "ingest/publisher.h"
#include "projector/replayer.h"
#include "views/view_store.h"
#include "tests/common/event_builders.h"
#include "tests/common/kafka_test_util.h"

namespace talentflow::testing {

// A new path under the test's temp dir named after `name` (nothing there yet).
inline std::string FreshTempPath(const std::string& name) {
  std::string path = ::testing::TempDir() + "/" + UniqueTopic(name);
  std::filesystem::remove_all(path);
  return path;
}

inline KafkaOptions KafkaFor(const std::string& topic) {
  KafkaOptions k;
  k.brokers = Brokers();
  k.topic = topic;
  return k;
}

// Publishes `events` through ingest's Publisher (validation, pairs, dedupe in batch) in batches
// of 1,000. Returns the number of events accepted.
inline int64_t PublishEvents(const std::string& topic, const std::vector<v1::Event>& events) {
  auto sink = ingest::KafkaSink::Create(KafkaFor(topic), {});
  if (!sink.ok()) return -1;
  ingest::Aliases aliases;
  ingest::IngestCounters counters;
  ingest::Publisher publisher(sink->get(), &aliases, &counters);
  int64_t accepted = 0;
  for (size_t i = 0; i < events.size(); i += 1000) {
    v1::PublishRequest req;
    for (size_t j = i; j < std::min(events.size(), i + 1000); ++j) *req.add_events() = events[j];
    accepted += publisher.Publish(req, "test").accepted();
  }
  return accepted;
}

// Publishes a JSON Lines feed file through ingest's feed mode.
inline ingest::FeedSummary PublishFeed(const std::string& topic, const std::string& path,
                                       const std::string& aliases_path) {
  auto sink = ingest::KafkaSink::Create(KafkaFor(topic), {}).value();  // throws (fails the test) on error
  auto aliases = ingest::Aliases::Load(aliases_path).value();
  ingest::IngestCounters counters;
  ingest::Publisher publisher(sink.get(), &aliases, &counters);
  ingest::FeedOptions options;
  options.path = path;
  std::atomic<bool> stop{false};
  return ingest::RunFeed(publisher, options, stop).value();
}

// Rebuilds the views of `topic` into a new DB at `db_path` with the projector's Replayer, as
// `talentflowctl replay` does (a fresh store; changes stored every `part_bytes`, 0 = the default).
inline std::unique_ptr<views::ViewStore> Replay(const std::string& topic, const std::string& db_path,
                                                    projector::ProjectorCounters* counters = nullptr,
                                                    size_t part_bytes = 0) {
  views::ViewStoreOptions so;
  so.path = db_path;
  so.fresh = true;
  auto store = views::ViewStore::Open(so);
  if (!store.ok()) return nullptr;
  projector::ReplayerOptions ro;
  ro.kafka = KafkaFor(topic);
  if (part_bytes > 0) ro.part_bytes = part_bytes;
  auto p = projector::Replayer::Create(ro, store->get());
  if (!p.ok()) return nullptr;
  std::atomic<bool> stop{false};
  if (!(*p)->Run(stop).ok()) return nullptr;
  if (counters) {
    counters->applied = (*p)->counters().applied.load();
    counters->duplicates = (*p)->counters().duplicates.load();
    counters->retractions = (*p)->counters().retractions.load();
    counters->dead_lettered = (*p)->counters().dead_lettered.load();
  }
  return *std::move(store);
}

}  // namespace talentflow::testing
