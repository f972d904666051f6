// store::EmbeddedCluster against a real PostgreSQL: what `carnet serve` without
// database.url relies on, and what every other integration test stands on.

#include "carnet/store/embedded_cluster.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <pqxx/pqxx>
#include <string>

#include "support/pg_cluster.hpp"

namespace carnet::testing {
namespace {

int select_one(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  return tx.exec1("select 1")[0].as<int>();
}

/// Holds 127.0.0.1:port in LISTEN state for as long as it lives: "another program".
class PortSquatter {
 public:
  PortSquatter() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
          ::listen(fd_, 1) == 0 && ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    port_ = ntohs(addr.sin_port);
  }
  ~PortSquatter() {
    if (fd_ >= 0) ::close(fd_);
  }
  PortSquatter(const PortSquatter&) = delete;
  PortSquatter& operator=(const PortSquatter&) = delete;
  bool ok() const { return ok_; }
  std::uint16_t port() const { return port_; }

 private:
  int fd_;
  bool ok_ = false;
  std::uint16_t port_ = 0;
};

TEST(EmbeddedCluster, AnswersOnItsSocketAndOnLoopbackWithPassword) {
  TestCluster cluster;
  // Carnet connects through the Unix socket in the cluster folder.
  const std::string prefix = "postgresql://carnet:";
  const std::string suffix =
      "@/carnet?host=" + cluster.options().data_dir.string() + "&port=" + std::to_string(cluster.port());
  ASSERT_EQ(cluster.url().rfind(prefix, 0), 0u);
  ASSERT_GT(cluster.url().size(), prefix.size() + suffix.size());
  EXPECT_EQ(cluster.url().substr(cluster.url().size() - suffix.size()), suffix);
  EXPECT_EQ(select_one(cluster.url()), 1);
  // Only its owner (or root) reaches the socket.
  struct stat sock {};
  const auto socket = cluster.options().data_dir / (".s.PGSQL." + std::to_string(cluster.port()));
  ASSERT_EQ(::stat(socket.c_str(), &sock), 0);
  EXPECT_EQ(sock.st_mode & 0777, 0700u);
  // Tools keep loopback TCP, with the same password.
  const std::string password =
      cluster.url().substr(prefix.size(), cluster.url().size() - suffix.size() - prefix.size());
  EXPECT_EQ(select_one("host=127.0.0.1 port=" + std::to_string(cluster.port()) +
                       " user=carnet dbname=carnet password=" + password),
            1);

  // The generated password is kept next to the data folder, readable by its owner only.
  struct stat st {};
  const auto password_file = cluster.options().data_dir.parent_path() / "pg-password";
  ASSERT_EQ(::stat(password_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_uid, ::geteuid());
  // initdb's temporary password file is gone.
  for (const auto& entry : std::filesystem::directory_iterator(cluster.options().data_dir.parent_path()))
    EXPECT_EQ(entry.path().filename().string().find(".pg-pwfile"), std::string::npos) << entry.path();
}

// The server runs with glibc malloc settings that keep a backend's free heap
// (store/pg/embedded_cluster.cpp: giving it back after every index scan cost
// a third of a search's PostgreSQL CPU); what the environment sets wins.
TEST(EmbeddedCluster, ServerKeepsItsFreeHeap) {
  TestCluster cluster;
  std::ifstream pid_file(cluster.options().data_dir / "postmaster.pid");
  std::string pid;
  ASSERT_TRUE(std::getline(pid_file, pid));
  std::ifstream environ_file("/proc/" + pid + "/environ");
  const std::string environ_text =
      std::string(1, '\0') +
      std::string((std::istreambuf_iterator<char>(environ_file)), std::istreambuf_iterator<char>());
  auto variable = [](const char* name, const char* fallback) {
    const char* set = std::getenv(name);
    return std::string(1, '\0') + name + "=" + (set != nullptr ? set : fallback) + std::string(1, '\0');
  };
  EXPECT_NE(environ_text.find(variable("MALLOC_TRIM_THRESHOLD_", "67108864")), std::string::npos);
  EXPECT_NE(environ_text.find(variable("MALLOC_TOP_PAD_", "4194304")), std::string::npos);
  EXPECT_NE(environ_text.find(variable("MALLOC_MMAP_THRESHOLD_", "33554432")), std::string::npos);
}

TEST(EmbeddedCluster, RejectsAWrongPassword) {
  TestCluster cluster;
  const std::string wrong = "host=127.0.0.1 port=" + std::to_string(cluster.port()) +
                            " user=carnet password=not-the-password dbname=carnet";
  EXPECT_THROW(pqxx::connection{wrong}, pqxx::broken_connection);
  // The socket asks for the password too (no peer or trust authentication).
  const std::string on_socket = "host=" + cluster.options().data_dir.string() +
                                " port=" + std::to_string(cluster.port()) +
                                " user=carnet password=not-the-password dbname=carnet";
  EXPECT_THROW(pqxx::connection{on_socket}, pqxx::broken_connection);
}

TEST(EmbeddedCluster, SecondStartReusesTheRunningServer) {
  TestCluster cluster;
  {
    store::EmbeddedCluster second(cluster.options());
    EXPECT_EQ(second.start(), cluster.url());
    second.stop();  // not started by `second`: must leave the server running
  }                 // nor may its destructor stop it
  EXPECT_EQ(select_one(cluster.url()), 1);
}

TEST(EmbeddedCluster, StopThenStartKeepsTheData) {
  TestCluster cluster;
  {
    pqxx::connection conn(cluster.url());
    pqxx::work tx(conn);
    tx.exec("create table kept (id int primary key)");
    tx.exec("insert into kept values (42)");
    tx.commit();
  }
  cluster.cluster().stop();
  EXPECT_THROW(select_one(cluster.url()), pqxx::broken_connection);

  EXPECT_EQ(cluster.cluster().start(), cluster.url());  // same password, same port
  pqxx::connection conn(cluster.url());
  pqxx::nontransaction tx(conn);
  EXPECT_EQ(tx.exec1("select id from kept")[0].as<int>(), 42);
}

TEST(EmbeddedCluster, PortTakenByAnotherProgramGivesAClearError) {
  PortSquatter squatter;
  ASSERT_TRUE(squatter.ok());
  TempFolder folder("carnet-pg");
  store::EmbeddedClusterOptions options;
  options.data_dir = folder.path() / "data";
  options.port = squatter.port();
  options.fsync = false;
  store::EmbeddedCluster cluster(options);
  try {
    cluster.start();
    FAIL() << "start() succeeded on a port in use";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(std::to_string(squatter.port())), std::string::npos) << message;
    EXPECT_NE(message.find("database.embedded.port"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace carnet::testing
