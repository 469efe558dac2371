// WaitFor: how a test waits on a condition instead of sleeping for a guessed time.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace talentflow::testing {

// Polls `condition` every `interval` until it holds (true) or `timeout` passes (false). The timeout
// bounds a hung test; it is not an expectation of speed.
inline bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                    std::chrono::milliseconds interval = std::chrono::milliseconds(100)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

}  // namespace talentflow::testing
