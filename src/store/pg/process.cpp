#include "store/pg/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

extern char** environ;

namespace carnet::store::pg {

namespace {

/// Closes a descriptor once, on scope exit or on demand.
class Fd {
 public:
  explicit Fd(int fd = -1) noexcept : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const noexcept { return fd_; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

[[noreturn]] void throw_errno(int err, const std::string& what) {
  throw std::system_error(err, std::generic_category(), what);
}

/// Marks every descriptor from 3 up close-on-exec, so the child does not leak
/// the parent's sockets into PostgreSQL (the postmaster would keep them open for
/// its whole life). Async-signal-safe.
void cloexec_inherited_fds() noexcept {
#ifdef CLOSE_RANGE_CLOEXEC
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
#endif
  long max_fd = ::sysconf(_SC_OPEN_MAX);
  if (max_fd < 0 || max_fd > 65536) max_fd = 65536;
  for (int fd = 3; fd < max_fd; ++fd) {
    int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
}

/// Sends errno to the parent and ends the child; async-signal-safe.
[[noreturn]] void report_and_exit(int err_fd) noexcept {
  int err = errno;
  [[maybe_unused]] auto n = ::write(err_fd, &err, sizeof err);
  ::_exit(127);
}

/// The child side, between fork() and exec(): only async-signal-safe calls.
/// On failure, sends errno through `err_fd` and exits.
[[noreturn]] void exec_child(const char* program, char* const* argv, char* const* envp, int out_fd,
                             int err_fd, const RunAs* run_as) {
  auto fail = [err_fd]() { report_and_exit(err_fd); };
  // A parent that ignores SIGPIPE or blocks signals would pass that on through exec.
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);

  int null_fd = ::open("/dev/null", O_RDONLY);
  if (null_fd < 0 || ::dup2(null_fd, 0) < 0) fail();
  if (::dup2(out_fd, 1) < 0 || ::dup2(out_fd, 2) < 0) fail();
  cloexec_inherited_fds();

  if (run_as != nullptr) {
    // Order matters: groups and gid while still root, uid last.
    if (::setgroups(run_as->groups.size(), run_as->groups.data()) != 0) fail();
    if (::setgid(run_as->gid) != 0) fail();
    if (::setuid(run_as->uid) != 0) fail();
    if (::chdir("/") != 0) fail();
  }
  ::execve(program, argv, envp);
  report_and_exit(err_fd);
}

/// Reads the output pipe until EOF, or until the child has exited and nothing
/// more is waiting (a grandchild may hold the pipe open indefinitely).
/// Returns the child's wait status.
int collect(pid_t pid, int fd, std::string& output) {
  char buffer[4096];
  int status = 0;
  bool exited = false;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, exited ? 0 : 100);
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw_errno(errno, "poll on child output");
    }
    if (ready > 0) {
      ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // EOF (or error): every writer is gone
      output.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (exited) break;  // drained after exit
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid)
      exited = true;
    else if (done < 0 && errno != EINTR)
      throw_errno(errno, "waitpid");
  }
  while (!exited) {
    pid_t done = ::waitpid(pid, &status, 0);
    if (done == pid)
      exited = true;
    else if (done < 0 && errno != EINTR)
      throw_errno(errno, "waitpid");
  }
  return status;
}

}  // namespace

std::optional<RunAs> lookup_user(const std::string& user) {
  long size_hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size_hint > 0 ? static_cast<std::size_t>(size_hint) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  int rc = 0;
  while ((rc = ::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found)) == ERANGE)
    buffer.resize(buffer.size() * 2);
  if (rc != 0) throw_errno(rc, "getpwnam_r(" + user + ")");
  if (found == nullptr) return std::nullopt;

  RunAs run_as{user, entry.pw_uid, entry.pw_gid, {}, entry.pw_dir ? entry.pw_dir : "/"};
  int count = 16;
  for (;;) {
    run_as.groups.resize(static_cast<std::size_t>(count));
    int n = count;
    if (::getgrouplist(user.c_str(), entry.pw_gid, run_as.groups.data(), &n) >= 0) {
      run_as.groups.resize(static_cast<std::size_t>(n));
      break;
    }
    count = n > count ? n : count * 2;  // n holds the needed size on failure
  }
  return run_as;
}

ProcessResult run_process(const std::filesystem::path& program, const std::vector<std::string>& args,
                          const std::optional<RunAs>& run_as, const std::vector<std::string>& default_env) {
  // Everything the child needs is built here: it may not allocate after fork().
  std::string program_str = program.string();
  std::vector<std::string> arg_storage;
  arg_storage.reserve(args.size() + 1);
  arg_storage.push_back(program_str);
  arg_storage.insert(arg_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : arg_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  const bool drop = run_as.has_value() && ::geteuid() == 0;
  // Keep the environment (PATH, locale) but point HOME at the account that runs the tool.
  std::vector<std::string> env_storage;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (drop && std::strncmp(*e, "HOME=", 5) == 0) continue;
    env_storage.emplace_back(*e);
  }
  if (drop) env_storage.push_back("HOME=" + run_as->home.string());
  for (const auto& d : default_env) {
    const auto name = d.substr(0, d.find('=') + 1);  // "NAME="
    const bool set = std::any_of(env_storage.begin(), env_storage.end(),
                                 [&](const std::string& e) { return e.compare(0, name.size(), name) == 0; });
    if (!set) env_storage.push_back(d);
  }
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw_errno(errno, "pipe");
  Fd out_read(out_pipe[0]);
  Fd out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw_errno(errno, "pipe");
  Fd err_read(err_pipe[0]);
  Fd err_write(err_pipe[1]);

  pid_t pid = ::fork();
  if (pid < 0) throw_errno(errno, "fork for " + program_str);
  if (pid == 0)
    exec_child(program_str.c_str(), argv.data(), envp.data(), out_write.get(), err_write.get(),
               drop ? &*run_as : nullptr);

  out_write.reset();
  err_write.reset();
  // The error pipe closes on a successful exec (O_CLOEXEC) or carries errno.
  int child_errno = 0;
  ssize_t n = 0;
  do {
    n = ::read(err_read.get(), &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);

  ProcessResult result;
  int status = collect(pid, out_read.get(), result.output);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    throw_errno(child_errno,
                "cannot run " + program_str + (drop ? " as user " + run_as->name : std::string{}));
  }
  if (WIFEXITED(status))
    result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    result.exit_code = 128 + WTERMSIG(status);
  return result;
}

}  // namespace carnet::store::pg
