#include "alert/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace cc {
namespace {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Close(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

// The spawn's attributes and file actions, released however it ends.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

// A process group of its own (killed whole at the bound); every signal at
// its default and none blocked, whatever this process set up.
void SetAttributes(posix_spawnattr_t& attr) {
  sigset_t none;
  sigemptyset(&none);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
                                      POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
}

// The child's fds: stdin from `in`, stdout and stderr to `out`, no other.
void SetFileActions(posix_spawn_file_actions_t& actions, int in, int out) {
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, out, 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// What the loop below waits on, and what it has seen.
struct Watch {
  int input = -1;   // Our end of the child's stdin; -1 once done.
  int output = -1;  // Our end of its stdout/stderr; -1 at its end.
  int pidfd = -1;   // Readable when the child exits; -1: poll with ticks.
  std::string_view pending;  // Input not yet written.
  std::string tail;
  size_t tail_bytes = 0;
};

void ReadOutput(Watch& w) {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(w.output, buf, sizeof buf);
    if (n > 0) {
      w.tail.append(buf, static_cast<size_t>(n));
      if (w.tail.size() > w.tail_bytes) {
        w.tail.erase(0, w.tail.size() - w.tail_bytes);
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || (n < 0 && errno != EAGAIN)) w.output = -1;
    return;
  }
}

// Writes what the pipe takes. A child that exits without reading makes the
// write fail with EPIPE; SIGPIPE is blocked on this thread meanwhile.
void WriteInput(Watch& w) {
  while (!w.pending.empty()) {
    const ssize_t n = ::write(w.input, w.pending.data(), w.pending.size());
    if (n > 0) {
      w.pending.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    w.pending = {};  // EPIPE: it did not want it.
  }
}

// One round of waiting: true when the child has exited (or may have:
// without a pidfd the caller checks with waitpid after each tick).
bool WaitRound(Watch& w, int timeout_ms) {
  pollfd fds[3];
  nfds_t n = 0;
  if (w.output >= 0) fds[n++] = pollfd{w.output, POLLIN, 0};
  if (w.input >= 0 && !w.pending.empty()) {
    fds[n++] = pollfd{w.input, POLLOUT, 0};
  }
  if (w.pidfd >= 0) fds[n++] = pollfd{w.pidfd, POLLIN, 0};
  if (w.pidfd < 0) timeout_ms = std::min(timeout_ms, 20);
  if (::poll(fds, n, timeout_ms) < 0) return false;
  bool exited = w.pidfd < 0;
  for (nfds_t i = 0; i < n; ++i) {
    if (fds[i].revents == 0) continue;
    if (fds[i].fd == w.output) ReadOutput(w);
    if (fds[i].fd == w.input) WriteInput(w);
    if (fds[i].fd == w.pidfd) exited = true;
  }
  return exited;
}

// Blocks SIGPIPE on this thread for its lifetime, and swallows one raised
// meanwhile (a write to a child that closed its stdin).
class NoSigpipe {
 public:
  NoSigpipe() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~NoSigpipe() {
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe_, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t pipe_;
  sigset_t old_;
};

}  // namespace

std::string FindInPath(const std::string& name, const std::string& path_var) {
  if (name.find('/') != std::string::npos) return name;
  size_t start = 0;
  while (start <= path_var.size()) {
    size_t end = path_var.find(':', start);
    if (end == std::string::npos) end = path_var.size();
    const std::string_view dir =
        std::string_view(path_var).substr(start, end - start);
    // Built piece by piece: g++ 12 -O2 warns falsely (-Wrestrict) on
    // `a + "/" + b` and on assigning a literal here.
    std::string candidate(dir.empty() ? std::string_view(".") : dir);
    candidate.push_back('/');
    candidate.append(name);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return "";
}

Result<SubprocessOutcome> RunSubprocess(
    const std::vector<std::string>& argv, std::string_view input,
    const std::vector<std::string>& env_extra, int64_t time_limit_ms,
    size_t tail_bytes) {
  if (argv.empty()) return Status::InvalidArgument("no program to run");
  const char* path_env = std::getenv("PATH");
  const std::string program =
      FindInPath(argv[0], path_env != nullptr ? path_env : "/usr/bin:/bin");
  if (program.empty()) {
    return Status::IoError(argv[0] + ": not found in PATH");
  }
  int in_pipe[2];
  int out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) return Errno("pipe");
  Fd in_read(in_pipe[0]);
  Fd in_write(in_pipe[1]);
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Errno("pipe");
  Fd out_read(out_pipe[0]);
  Fd out_write(out_pipe[1]);
  std::vector<std::string> args = argv;
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) env.emplace_back(*e);
  env.insert(env.end(), env_extra.begin(), env_extra.end());
  std::vector<char*> arg_ptrs = Pointers(args);
  std::vector<char*> env_ptrs = Pointers(env);
  SpawnSetup setup;
  SetAttributes(setup.attr);
  SetFileActions(setup.actions, in_read.get(), out_write.get());
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, program.c_str(), &setup.actions,
                                  &setup.attr, arg_ptrs.data(), env_ptrs.data());
  if (spawned != 0) {
    return Status::IoError(argv[0] + ": cannot start: " + std::strerror(spawned));
  }
  in_read.Close();
  out_write.Close();
  NoSigpipe no_sigpipe;
  ::fcntl(in_write.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(out_read.get(), F_SETFL, O_NONBLOCK);
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  Watch w;
  w.input = in_write.get();
  w.output = out_read.get();
  w.pidfd = pidfd.get();
  w.pending = input;
  w.tail_bytes = tail_bytes;
  WriteInput(w);
  SubprocessOutcome outcome;
  const int64_t deadline = SteadyMs() + std::max<int64_t>(time_limit_ms, 0);
  int status = 0;
  for (;;) {
    if (w.pending.empty() && w.input >= 0) {
      in_write.Close();  // All written: the child sees its end of input.
      w.input = -1;
    }
    const int64_t left = deadline - SteadyMs();
    if (left <= 0) {
      ::kill(-pid, SIGKILL);
      outcome.timed_out = true;
      break;
    }
    if (WaitRound(w, static_cast<int>(std::min<int64_t>(left, 60'000)))) {
      const pid_t done = ::waitpid(pid, &status, WNOHANG);
      if (done == pid) break;
    }
  }
  if (outcome.timed_out) {
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (w.output >= 0) ReadOutput(w);  // What it wrote before it ended.
  outcome.output_tail = std::move(w.tail);
  if (!outcome.timed_out && WIFEXITED(status)) {
    outcome.exit_code = WEXITSTATUS(status);
  } else if (!outcome.timed_out && WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
  }
  return outcome;
}

}  // namespace cc
