#include "support/pg_cluster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace carnet::testing {

namespace fs = std::filesystem;

TempFolder::TempFolder(const std::string& prefix) {
  std::string pattern = "/tmp/" + prefix + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  path_ = pattern;
  // mkdtemp gives 0700; the postgres user needs to pass through (search, not read).
  if (::chmod(path_.c_str(), 0711) != 0) {
    int err = errno;
    std::error_code ec;
    fs::remove(path_, ec);
    throw std::system_error(err, std::generic_category(), "chmod " + path_.string());
  }
}

TempFolder::~TempFolder() {
  std::error_code ec;
  fs::remove_all(path_, ec);  // best effort: a leftover in /tmp must not fail a test
}

std::uint16_t free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;  // the kernel picks
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    ::close(fd);
    throw std::system_error(err, std::generic_category(), "bind 127.0.0.1:0");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

TestCluster::TestCluster() : folder_("carnet-pg") {
  options_.data_dir = folder_.path() / "data";
  options_.port = free_loopback_port();
  options_.fsync = false;  // throwaway data: speed over durability
  cluster_ = std::make_unique<store::EmbeddedCluster>(options_);
  url_ = cluster_->start();  // on failure the members' destructors clean up
}

// Stop the server before folder_ is removed (members die in reverse order,
// but say it explicitly: removing a live data folder would strand a postmaster).
TestCluster::~TestCluster() {
  cluster_.reset();
}

}  // namespace carnet::testing
