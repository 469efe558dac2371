// Helpers for fault tests with real processes: spawn and kill the talentflow binaries, wait on
// conditions with deadlines, read /healthz and /metrics, run a broker of a test's own, and clean
// up (processes, temp dirs, mounts) on every exit path, including a failed assertion.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/common/wait.h"

namespace talentflow::fault {

// Paths of the binaries under test (set by tests/fault/CMakeLists.txt).
inline const std::string kIngestBin = TALENTFLOW_INGEST_BIN;
inline const std::string kProjectorBin = TALENTFLOW_PROJECTOR_BIN;
inline const std::string kQueryBin = TALENTFLOW_QUERY_BIN;
inline const std::string kCtlBin = TALENTFLOW_CTL_BIN;
inline const std::string kSourceDir = TALENTFLOW_SOURCE_DIR;

// A free TCP port on 127.0.0.1, below the ephemeral range (bound and released; unique within
// this process).
int FreePort();

// A temporary directory under /tmp, removed (recursively) on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A child process: argv[0] is executed with the test's environment plus `env` overrides, stdout
// and stderr appended to `log_path`. The child gets SIGKILL when the test process dies, and is
// killed (SIGKILL) and reaped on destruction.
class Process {
 public:
  Process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
          const std::string& log_path);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  // True while the child has not exited (reaps it when it has).
  bool Running();
  void Signal(int sig);
  // Waits up to `timeout` for the child to exit; its waitpid status, or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // SIGKILL and reap.
  void KillNine();
  // The exit code when the child exited normally, -1 for a signal, nullopt while running.
  std::optional<int> exit_code() const;
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string log_path_;
};

// Runs a command to completion (at most `timeout`, then SIGKILL); its exit code (-1 on signal or
// timeout) and its output (stdout + stderr).
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                         std::chrono::milliseconds timeout);

using ::talentflow::testing::WaitFor;  // tests/common/wait.h

// GET http://127.0.0.1:port/path: (status, body); status 0 when nothing answers.
std::pair<int, std::string> HttpGet(int port, const std::string& path);

// Sum of the values of every Prometheus sample in `metrics_text` whose line starts with `prefix`
// (e.g. "talentflow_projector_applied_offset{"); nullopt when no line matches.
std::optional<int64_t> MetricSum(const std::string& metrics_text, const std::string& prefix);

// The projector's progress from /metrics: sum of applied offsets and of lag over its partitions
// (nullopt while it does not answer).
struct Progress {
  int64_t applied = 0;
  int64_t lag = 0;
  int partitions = 0;
};
std::optional<Progress> ProjectorProgress(int http_port);

// Starts talentflow-projector run on `db` for `topic` (brokers from the environment or `brokers`).
std::unique_ptr<Process> StartProjector(const std::string& topic, const std::string& db, const std::string& group,
                                        int http_port, const std::string& log_path, const std::string& brokers = "");

// Total of the end offsets of `topic` (testing::EndOffsets).
int64_t EndTotal(const std::string& topic);

// Waits until the projector on `http_port` has applied every partition of `topic` up to its end
// (applied offsets sum = end offsets sum over all partitions and lag 0).
bool WaitProjectorCaughtUp(int http_port, const std::string& topic, std::chrono::milliseconds timeout);

// State digest of the view DB at `db` (opened read-only: the projector must be stopped).
std::string DigestOf(const std::string& db);

// Digest of a clean replay of `topic` into a new DB at `db` (the projector's replay mode).
std::string CleanReplayDigest(const std::string& topic, const std::string& db);

// A single-node Kafka broker of the test's own (deploy/kafka/start.sh on free ports with a temp
// TALENTFLOW_HOME), with the talentflow topics created. Stopped and removed on destruction.
class OwnBroker {
 public:
  OwnBroker();
  ~OwnBroker();
  // Empty when start.sh failed (see start_output()).
  bool ok() const { return ok_; }
  const std::string& start_output() const { return start_output_; }
  std::string brokers() const { return "127.0.0.1:" + std::to_string(port_); }
  // start.sh again with the same home and ports (keeps the data). True when it answered.
  bool Start();
  // SIGKILL of the broker's JVM; returns once the process is gone.
  bool KillNine();
  std::map<std::string, std::string> env() const;

 private:
  std::unique_ptr<TempDir> home_;
  int port_ = 0;
  int controller_port_ = 0;
  bool ok_ = false;
  std::string start_output_;
};

}  // namespace talentflow::fault
