// Helpers for the thin main.cc files: environment fallbacks for flags, and stop signals.
#pragma once

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <string>

namespace talentflow {

// The value of environment variable `name`, or `fallback` when it is unset or empty.
inline std::string EnvOr(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// Set by SIGINT and SIGTERM once StopOnSignals() was called: the process should finish in-flight
// work and exit.
inline std::atomic<bool> g_stop{false};

inline void StopOnSignals() {
  auto handler = [](int) { g_stop = true; };
  std::signal(SIGINT, handler);
  std::signal(SIGTERM, handler);
}

}  // namespace talentflow
