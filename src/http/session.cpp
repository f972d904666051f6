#include "http/session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "http/messages.hpp"

namespace carnet::http::detail {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kFirstReadBytes = 4096;
// After a rejected request the client may still be sending its body; reading
// it for a moment before closing keeps the kernel from answering with a reset
// that would destroy our response in the client's receive buffer.
constexpr std::size_t kMaxDrainBytes = 1024 * 1024;
constexpr auto kDrainTime = std::chrono::seconds(2);
constexpr auto kTlsShutdownTime = std::chrono::seconds(1);

/// What the client gets when a handler breaks its no-throw contract.
HttpResponse fallback_500() {
  return HttpResponse{500, {{"Content-Type", "text/plain; charset=utf-8"}}, "Internal Server Error"};
}

/// Runs the handler on a worker thread. Handlers must not throw; if one does
/// before answering, the client still gets an answer and the log gets the reason.
void call_handler(const AsyncHandler& handler, HttpRequest&& request, const Respond& respond) {
  try {
    return handler(std::move(request), respond);
  } catch (const std::exception& e) {
    spdlog::error("http: handler threw: {}", e.what());
  } catch (...) {
    spdlog::error("http: handler threw a non-standard exception");
  }
  respond(fallback_500());  // ignored when it had answered
}

/// One request counted in a core::Backlog from construction until release()
/// or destruction (a queued job dropped unrun at shutdown still leaves it).
/// Move-only; a null backlog counts nothing.
class QueuedRequest {
 public:
  explicit QueuedRequest(core::Backlog* backlog) noexcept : backlog_(backlog) {
    if (backlog_ != nullptr) backlog_->enter();
  }
  QueuedRequest(QueuedRequest&& other) noexcept : backlog_(std::exchange(other.backlog_, nullptr)) {}
  QueuedRequest& operator=(QueuedRequest&&) = delete;
  QueuedRequest(const QueuedRequest&) = delete;
  QueuedRequest& operator=(const QueuedRequest&) = delete;
  ~QueuedRequest() { release(); }
  void release() noexcept {
    if (backlog_ != nullptr) std::exchange(backlog_, nullptr)->leave();
  }

 private:
  core::Backlog* backlog_;
};

bool is_http_error(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

template <class Stream>
class Session final : public SessionControl, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  enum class Phase { starting, handshake, idle, reading, handling, writing, closing, closed };

 public:
  Session(std::shared_ptr<ServerState> state, tcp::socket&& socket, ConnectionSlot slot)
      : state_(std::move(state)),
        slot_(std::move(slot)),
        executor_(socket.get_executor()),
        stream_(make_stream(std::move(socket))) {
    error_code ec;
    const auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) {
      remote_address_ = peer.address().to_string();
      remote_port_ = peer.port();
    }
  }

  ~Session() override { state_->remove_session(this); }

  void run() {
    state_->add_session(this, this->weak_from_this());
    asio::dispatch(executor_, [self = this->shared_from_this()] { self->on_run(); });
  }

  void request_stop() override {
    asio::post(executor_, [self = this->shared_from_this()] {
      self->stop_requested_ = true;
      // Only a connection waiting for a request is closed now; one with a
      // request in progress finishes it and closes after the response.
      if (self->phase_ == Phase::idle || self->phase_ == Phase::handshake) self->close_now();
    });
  }

  void force_close() override {
    asio::post(executor_, [self = this->shared_from_this()] { self->close_now(); });
  }

 private:
  Stream make_stream(tcp::socket&& socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *state_->tls());
    } else {
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  /// Arms the stream's timer; 0 seconds means no limit.
  void arm(unsigned seconds) {
    if (seconds == 0) {
      lowest().expires_never();
    } else {
      lowest().expires_after(std::chrono::seconds(seconds));
    }
  }

  void debug(std::string_view what, const error_code& ec) const {
    spdlog::debug("http: {}:{} {}: {}", remote_address_, remote_port_, what, ec.message());
  }

  void on_run() {
    if (stop_requested_ || state_->stopping()) return close_now();
    if constexpr (kTls) {
      phase_ = Phase::handshake;
      arm(state_->limits().read_timeout_seconds);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](error_code ec) { self->on_handshake(ec); });
    } else {
      wait_for_request();
    }
  }

  void on_handshake(error_code ec) {
    if (ec) {
      debug("TLS handshake failed", ec);
      return close_now();
    }
    wait_for_request();
  }

  // Waiting for the first byte is separate from reading the request so that
  // the idle (keep-alive) timeout and the whole-request timeout differ, and so
  // that stop() can tell an idle connection from a busy one.
  void wait_for_request() {
    if (stop_requested_ || state_->stopping()) return close_now();
    if (buffer_.size() > 0) return start_read();  // the client already sent the next request
    phase_ = Phase::idle;
    arm(state_->limits().idle_timeout_seconds);
    stream_.async_read_some(
        buffer_.prepare(kFirstReadBytes),
        [self = this->shared_from_this()](error_code ec, std::size_t n) { self->on_first_bytes(ec, n); });
  }

  void on_first_bytes(error_code ec, std::size_t bytes) {
    buffer_.commit(bytes);
    if (ec) {
      // Idle expiry, the client leaving and stop() all end here: no answer is due.
      if (phase_ != Phase::closed) debug("idle connection ended", ec);
      return close_now();
    }
    start_read();
  }

  void start_read() {
    phase_ = Phase::reading;
    started_ = Clock::now();
    const auto& limits = state_->limits();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(static_cast<std::uint64_t>(limits.max_body_bytes));
    // One deadline for header, 100-continue and body: a slow-drip client
    // cannot stretch a request by trickling bytes.
    arm(limits.read_timeout_seconds);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](error_code e, std::size_t) { self->on_header(e); });
  }

  void on_header(error_code ec) {
    if (ec) return on_read_error(ec);
    const auto& message = parser_->get();
    // RFC 7231 §5.1.1: tell the client to go on before it sends the body.
    if (!parser_->is_done() && message.version() >= 11 &&
        beast::iequals(message[bhttp::field::expect], "100-continue")) {
      continue_.emplace(bhttp::status::continue_, message.version());
      return bhttp::async_write(stream_, *continue_,
                                [self = this->shared_from_this()](error_code e, std::size_t) {
                                  self->continue_.reset();
                                  if (e) {
                                    self->debug("writing 100 Continue failed", e);
                                    return self->close_now();
                                  }
                                  self->read_body();
                                });
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](error_code e, std::size_t) {
                        if (e) return self->on_read_error(e);
                        const bool head = self->parser_->get().method() == bhttp::verb::head;
                        const unsigned version = self->parser_->get().version();
                        const bool keep_alive = self->parser_->get().keep_alive();
                        self->dispatch(to_http_request(self->parser_->release()),
                                       ResponseContext{version, head, keep_alive});
                      });
  }

  void on_read_error(const error_code& ec) {
    if (ec == bhttp::error::body_limit) {
      return reject(413,
                    "request body exceeds " + std::to_string(state_->limits().max_body_bytes) + " bytes");
    }
    if (ec == bhttp::error::header_limit) {
      return reject(431,
                    "request header exceeds " + std::to_string(state_->limits().max_header_bytes) + " bytes");
    }
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message || !is_http_error(ec)) {
      // Timeout (the stream already closed the socket), the client leaving,
      // or a socket error: nobody is left to read an answer.
      debug("reading request failed", ec);
      return close_now();
    }
    reject(400, "malformed HTTP request: " + ec.message());
  }

  /// Hands a request the transport refused to the handler (it builds and
  /// audits the answer); the connection closes after the response.
  void reject(int status, std::string reason) {
    spdlog::debug("http: {}:{} request rejected with {}", remote_address_, remote_port_, status);
    auto& partial = parser_->get();
    partial.body().clear();
    const bool head = partial.method() == bhttp::verb::head;
    const unsigned version = partial.version() == 10 ? 10U : 11U;
    HttpRequest request = to_http_request(parser_->release());
    request.rejected.emplace(status, std::move(reason));
    drain_on_close_ = true;
    dispatch(std::move(request), ResponseContext{version, head, false});
  }

  void dispatch(HttpRequest request, ResponseContext context) {
    phase_ = Phase::handling;
    lowest().expires_never();  // an expired timer would fail the next operation at once
    parser_.reset();
    request.remote_address = remote_address_;
    request.remote_port = remote_port_;
    request.tls = kTls;
    context_ = context;
    method_ = request.method;
    path_ = std::string(path_of(request.target));
    // Handlers block on the database: never run them on an I/O thread. The
    // answer comes back through the session's strand, from the worker or from
    // whichever thread completes the request (the audit trail's writer).
    // Counted while queued (core::Backlog): requests waiting for a worker
    // tell the audit trail that the server is saturated.
    asio::post(state_->workers(), [self = this->shared_from_this(), request = std::move(request),
                                   queued = QueuedRequest(state_->backlog())]() mutable {
      queued.release();
      auto answer = std::make_shared<PendingAnswer>(self);
      call_handler(self->state_->handler(), std::move(request),
                   [answer](HttpResponse response) { answer->give(std::move(response)); });
    });
  }

  /// The answer channel of one request, shared by the copies of its Respond:
  /// the first answer goes to the session's strand, later ones are dropped. A
  /// handler that loses every copy without answering gets the client a 500.
  class PendingAnswer {
   public:
    explicit PendingAnswer(std::shared_ptr<Session> session) : session_(std::move(session)) {
      session_->state_->answer_due();
    }
    ~PendingAnswer() {
      if (answered_.load()) return;
      spdlog::error("http: a handler dropped a request without answering it");
      give(fallback_500());
    }
    PendingAnswer(const PendingAnswer&) = delete;
    PendingAnswer& operator=(const PendingAnswer&) = delete;

    void give(HttpResponse response) {
      if (answered_.exchange(true)) return;
      // Copies of Respond may outlive the answer: they must not keep the
      // session (and its connection slot) alive.
      auto session = std::move(session_);
      auto state = session->state_;
      const auto strand = session->executor_;
      asio::post(strand, [session = std::move(session), response = std::move(response)]() mutable {
        session->on_response(std::move(response));
      });
      state->answer_given();  // after the post: stop() keeps the io_context until then
    }

   private:
    std::shared_ptr<Session> session_;
    std::atomic<bool> answered_{false};
  };

  void on_response(HttpResponse&& response) {
    if (phase_ == Phase::closed) return;  // force-closed while the handler ran
    ResponseContext context = context_;
    context.keep_alive = context.keep_alive && !stop_requested_ && !state_->stopping();
    response_.emplace(to_beast_response(std::move(response), context));
    close_after_write_ = !response_->keep_alive();
    phase_ = Phase::writing;
    arm(state_->limits().read_timeout_seconds);
    bhttp::async_write(stream_, *response_,
                       [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(error_code ec) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_);
    // Path only: query strings carry search values, which may identify a patient.
    spdlog::debug("http: {} {} {} {}ms", method_, path_, response_->result_int(), elapsed.count());
    response_.reset();
    if (ec) {
      debug("writing response failed", ec);
      return close_now();
    }
    if (close_after_write_) return close_gracefully();
    wait_for_request();
  }

  void close_gracefully() {
    phase_ = Phase::closing;
    if constexpr (kTls) {
      lowest().expires_after(kTlsShutdownTime);
      stream_.async_shutdown([self = this->shared_from_this()](error_code) { self->close_now(); });
    } else {
      error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      if (!drain_on_close_) return close_now();
      lowest().expires_after(kDrainTime);
      drain();
    }
  }

  void drain() {
    lowest().async_read_some(asio::buffer(drain_buffer_),
                             [self = this->shared_from_this()](error_code ec, std::size_t n) {
                               self->drained_ += n;
                               if (ec || self->drained_ > kMaxDrainBytes) return self->close_now();
                               self->drain();
                             });
  }

  void close_now() {
    if (phase_ == Phase::closed) return;
    phase_ = Phase::closed;
    lowest().close();  // cancels whatever is pending; the session ends with its last handler
  }

  std::shared_ptr<ServerState> state_;
  ConnectionSlot slot_;
  // The connection's strand, kept apart from the stream so that other threads
  // (stop(), workers) can post to it without touching the stream itself.
  const asio::any_io_executor executor_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  std::optional<BeastResponse> response_;
  std::string remote_address_;
  std::uint16_t remote_port_ = 0;

  // Touched only on the session's strand.
  Phase phase_ = Phase::starting;
  bool stop_requested_ = false;
  bool close_after_write_ = false;
  bool drain_on_close_ = false;
  std::size_t drained_ = 0;
  std::array<char, 4096> drain_buffer_{};
  ResponseContext context_;
  std::string method_;
  std::string path_;
  Clock::time_point started_ = Clock::now();
};

}  // namespace

void start_session(std::shared_ptr<ServerState> state, tcp::socket socket, ConnectionSlot slot, bool tls) {
  if (tls) {
    std::make_shared<Session<TlsStream>>(std::move(state), std::move(socket), std::move(slot))->run();
  } else {
    std::make_shared<Session<PlainStream>>(std::move(state), std::move(socket), std::move(slot))->run();
  }
}

}  // namespace carnet::http::detail
