#include "tests/fault/fault_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <httplib.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "views/view_store.h"
#include "tests/common/kafka_test_util.h"
#include "tests/common/pipeline.h"

extern char** environ;

namespace talentflow::fault {

namespace {

// The environment for a child: ours with `env` overriding (built before fork: the child only
// calls async-signal-safe functions).
std::vector<std::string> ChildEnv(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    const std::string key = kv.substr(0, kv.find('='));
    if (env.count(key) == 0) out.push_back(kv);
  }
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

pid_t Spawn(const std::vector<std::string>& argv_in, const std::map<std::string, std::string>& env, int out_fd) {
  std::vector<std::string> argv = argv_in;
  std::vector<std::string> envs = ChildEnv(env);
  std::vector<char*> cargv = CStrings(argv);
  std::vector<char*> cenv = CStrings(envs);
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    dup2(out_fd, 1);
    dup2(out_fd, 2);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    // Do not leak the test's descriptors (sockets, the DB) into the child.
    for (int fd = 3; fd < 1024; ++fd) close(fd);
    execve(cargv[0], cargv.data(), cenv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

int FreePort() {
  // Ports handed out by this process are never handed out twice, even if released meanwhile.
  static std::mutex mu;
  static std::set<int> given;
  static std::mt19937 random(std::random_device{}());
  std::lock_guard<std::mutex> lock(mu);
  // Below the kernel's ephemeral range, as deploy/lib/free_ports.py: an outgoing connection can
  // take an ephemeral port before the service we start binds it, but never one below the range.
  constexpr int kFloor = 10240;
  int ephemeral_low = 0;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> ephemeral_low;
  const bool below = ephemeral_low > kFloor + 1000;
  std::uniform_int_distribution<int> pick(kFloor, below ? ephemeral_low - 1 : kFloor);
  for (;;) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(below ? pick(random) : 0);
    socklen_t len = sizeof(addr);
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
    close(fd);
    if (port > 0 && given.insert(port).second) return port;
  }
}

TempDir::TempDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + ".XXXXXX";
  char* p = mkdtemp(tmpl.data());
  path_ = p ? p : "";
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

Process::Process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                 const std::string& log_path)
    : log_path_(log_path) {
  int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  pid_ = Spawn(argv, env, fd);
  close(fd);
}

Process::~Process() { KillNine(); }

bool Process::Running() {
  if (status_ || pid_ <= 0) return false;
  int st = 0;
  if (waitpid(pid_, &st, WNOHANG) == pid_) {
    status_ = st;
    return false;
  }
  return true;
}

void Process::Signal(int sig) {
  if (Running()) kill(pid_, sig);
}

std::optional<int> Process::Wait(std::chrono::milliseconds timeout) {
  WaitFor([&] { return !Running(); }, timeout, std::chrono::milliseconds(20));
  return status_;
}

void Process::KillNine() {
  if (!Running()) return;
  kill(pid_, SIGKILL);
  int st = 0;
  if (waitpid(pid_, &st, 0) == pid_) status_ = st;
}

std::optional<int> Process::exit_code() const {
  if (!status_) return std::nullopt;
  return WIFEXITED(*status_) ? WEXITSTATUS(*status_) : -1;
}

std::string Process::Log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CommandResult RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                         std::chrono::milliseconds timeout) {
  char tmpl[] = "/tmp/tf-fault-cmd.XXXXXX";
  int fd = mkstemp(tmpl);
  const std::string path = tmpl;
  close(fd);
  CommandResult r;
  {
    Process p(argv, env, path);
    auto st = p.Wait(timeout);
    p.KillNine();
    r.exit_code = st && WIFEXITED(*st) ? WEXITSTATUS(*st) : -1;
    r.output = p.Log();
  }
  unlink(path.c_str());
  return r;
}

std::pair<int, std::string> HttpGet(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(0, 300000);
  client.set_read_timeout(2, 0);
  auto res = client.Get(path);
  if (!res) return {0, ""};
  return {res->status, res->body};
}

std::optional<int64_t> MetricSum(const std::string& metrics_text, const std::string& prefix) {
  std::optional<int64_t> sum;
  for (absl::string_view line : absl::StrSplit(metrics_text, '\n')) {
    if (!absl::StartsWith(line, prefix)) continue;
    const size_t space = line.rfind(' ');
    double v = 0;
    if (space == absl::string_view::npos || !absl::SimpleAtod(line.substr(space + 1), &v)) continue;
    sum = sum.value_or(0) + static_cast<int64_t>(v);
  }
  return sum;
}

std::optional<Progress> ProjectorProgress(int http_port) {
  auto [status, body] = HttpGet(http_port, "/metrics");
  if (status != 200) return std::nullopt;
  Progress p;
  p.applied = MetricSum(body, "talentflow_projector_applied_offset{").value_or(0);
  p.lag = MetricSum(body, "talentflow_projector_lag{").value_or(0);
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    if (absl::StartsWith(line, "talentflow_projector_lag{")) ++p.partitions;
  }
  return p;
}

std::unique_ptr<Process> StartProjector(const std::string& topic, const std::string& db, const std::string& group,
                                        int http_port, const std::string& log_path, const std::string& brokers) {
  std::map<std::string, std::string> env;
  if (!brokers.empty()) env["TALENTFLOW_KAFKA_BROKERS"] = brokers;
  return std::make_unique<Process>(
      std::vector<std::string>{kProjectorBin, "run", "--db", db, "--topic", topic, "--group", group, "--http-port",
                               std::to_string(http_port)},
      env, log_path);
}

int64_t EndTotal(const std::string& topic) {
  int64_t total = 0;
  for (const auto& [p, end] : testing::EndOffsets(topic)) total += end;
  return total;
}

bool WaitProjectorCaughtUp(int http_port, const std::string& topic, std::chrono::milliseconds timeout) {
  const auto ends = testing::EndOffsets(topic);
  int64_t total = 0;
  for (const auto& [p, end] : ends) total += end;
  return WaitFor(
      [&] {
        auto p = ProjectorProgress(http_port);
        return p && p->partitions == static_cast<int>(ends.size()) && p->applied == total && p->lag == 0;
      },
      timeout, std::chrono::milliseconds(100));
}

std::string DigestOf(const std::string& db) {
  auto store = views::ViewStore::OpenReadOnly(db);
  if (!store.ok()) return "error: " + std::string(store.status().message());
  auto d = (*store)->Digest();
  return d.ok() ? *d : "error: " + std::string(d.status().message());
}

std::string CleanReplayDigest(const std::string& topic, const std::string& db) {
  auto store = testing::Replay(topic, db);
  if (store == nullptr) return "error: replay failed";
  auto d = store->Digest();
  return d.ok() ? *d : "error: " + std::string(d.status().message());
}

// ---- OwnBroker ----------------------------------------------------------------------------------

OwnBroker::OwnBroker() : home_(std::make_unique<TempDir>("tf-fault-broker")) {
  port_ = FreePort();
  controller_port_ = FreePort();
  ok_ = Start();
}

std::map<std::string, std::string> OwnBroker::env() const {
  return {{"TALENTFLOW_HOME", home_->path()},
          {"TALENTFLOW_KAFKA_PORT", std::to_string(port_)},
          {"TALENTFLOW_KAFKA_CONTROLLER_PORT", std::to_string(controller_port_)},
          {"TALENTFLOW_KAFKA_BROKERS", brokers()},
          {"TALENTFLOW_TOPIC", "talentflow.events"}};
}

bool OwnBroker::Start() {
  CommandResult r = RunCommand({kSourceDir + "/deploy/kafka/start.sh"}, env(), std::chrono::seconds(150));
  start_output_ = r.output;
  return r.exit_code == 0;
}

namespace {
// True while `pid` exists and is not a zombie.
bool Alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}
}  // namespace

bool OwnBroker::KillNine() {
  std::ifstream in(home_->path() + "/kafka/kafka.pid");
  pid_t pid = 0;
  if (!(in >> pid) || pid <= 0) return false;
  kill(pid, SIGKILL);
  return WaitFor([&] { return !Alive(pid); }, std::chrono::seconds(30), std::chrono::milliseconds(50));
}

OwnBroker::~OwnBroker() {
  RunCommand({kSourceDir + "/deploy/kafka/stop.sh"}, env(), std::chrono::seconds(60));
}

}  // namespace talentflow::fault
