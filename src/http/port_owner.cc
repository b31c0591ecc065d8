#include "http/port_owner.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace cc::http {
namespace {

constexpr char kListenState[] = "0A";  // TCP_LISTEN in /proc/net/tcp.

// Socket inodes listening on `port`, from a /proc/net/tcp-format file.
void ListeningInodes(const char* table, int port, std::vector<std::string>* inodes) {
  std::ifstream in(table);
  std::string line;
  std::getline(in, line);  // The column names.
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid,
        timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >>
        uid >> timeout >> inode;
    const size_t colon = local.rfind(':');
    if (colon == std::string::npos || state != kListenState) continue;
    if (std::strtol(local.c_str() + colon + 1, nullptr, 16) == port) {
      inodes->push_back(inode);
    }
  }
}

bool HoldsSocket(const std::string& pid, const std::vector<std::string>& inodes) {
  const std::string fd_dir = "/proc/" + pid + "/fd";
  DIR* dir = opendir(fd_dir.c_str());
  if (dir == nullptr) return false;
  bool found = false;
  while (dirent* e = readdir(dir)) {
    char target[64];
    const std::string link = fd_dir + "/" + e->d_name;
    const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    target[n] = '\0';
    for (const std::string& inode : inodes) {
      if (std::string(target) == "socket:[" + inode + "]") found = true;
    }
    if (found) break;
  }
  closedir(dir);
  return found;
}

// The pid of a process listening on `port` (any address), if one can be seen.
std::optional<int> ListeningProcess(int port) {
  std::vector<std::string> inodes;
  ListeningInodes("/proc/net/tcp", port, &inodes);
  ListeningInodes("/proc/net/tcp6", port, &inodes);
  if (inodes.empty()) return std::nullopt;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return std::nullopt;
  std::optional<int> pid;
  while (dirent* e = readdir(proc)) {
    const std::string name = e->d_name;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    if (HoldsSocket(name, inodes)) {
      pid = std::atoi(name.c_str());
      break;
    }
  }
  closedir(proc);
  return pid;
}

}  // namespace

Status PortInUse(int port, const std::string& port_flag) {
  const std::optional<int> holder = ListeningProcess(port);
  return Status::IoError("port " + std::to_string(port) + " is in use" +
                         (holder ? " (pid " + std::to_string(*holder) + "?)" : "") +
                         (port_flag.empty() ? "" : ": choose another with " + port_flag));
}

}  // namespace cc::http
