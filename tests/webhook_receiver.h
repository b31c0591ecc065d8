// A webhook receiver on loopback for the alert tests: a real HTTP server
// (cpp-httplib) that records what it receives and answers with the status
// it is told to, optionally after a delay or echoing the request.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cc::test {

struct ReceivedPost {
  std::string target;  // Path and query.
  std::string content_type;
  std::string body;
};

class WebhookReceiver {
 public:
  WebhookReceiver() {
    server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        received_.push_back(
            ReceivedPost{req.target, req.get_header_value("Content-Type"), req.body});
      }
      const int delay = delay_ms_.load();
      if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      res.status = status_.load();
      res.set_content(echo_.load() ? "you sent " + req.target : std::string("ok"),
                      "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~WebhookReceiver() {
    server_.stop();
    thread_.join();
  }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  void Answer(int status) { status_ = status; }
  void Delay(int ms) { delay_ms_ = ms; }
  void Echo(bool echo) { echo_ = echo; }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<ReceivedPost> received() const {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> status_{200};
  std::atomic<int> delay_ms_{0};
  std::atomic<bool> echo_{false};
  mutable std::mutex mu_;
  std::vector<ReceivedPost> received_;
};

}  // namespace cc::test
