#include "carnet/http/fhir_handler.hpp"

#include <spdlog/spdlog.h>

#include "carnet/core/error.hpp"
#include "carnet/fhir/outcome.hpp"
#include "carnet/http/fhir_router.hpp"
#include "http/negotiation.hpp"

namespace carnet::http {

namespace {

using service::Kind;

struct Split {
  std::string_view path;
  std::string_view query;
};

Split split_target(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::string base_url_for(const HttpRequest& req, const FhirHandlerOptions& options) {
  if (!options.base_url.empty()) return options.base_url;
  const std::string* host = req.header("host");
  std::string h = host != nullptr && !host->empty() ? *host : "localhost";
  return std::string(req.tls ? "https://" : "http://") + h + options.base_path;
}

std::optional<std::string> header_value(const HttpRequest& req, std::string_view name) {
  if (const auto* v = req.header(name)) return *v;
  return std::nullopt;
}

// The value of preference `name` in the Prefer header (RFC 7240), e.g.
// "return=minimal, handling=strict": "minimal" for "return"; empty when absent.
std::string preference(const HttpRequest& req, std::string_view name) {
  const std::string* prefer = req.header("prefer");
  if (prefer == nullptr) return {};
  std::string_view rest = *prefer;
  while (!rest.empty()) {
    auto end = rest.find_first_of(",;");
    std::string_view item = rest.substr(0, end);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.starts_with(name) && item.size() > name.size() && item[name.size()] == '=') {
      item.remove_prefix(name.size() + 1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (item.size() >= 2 && item.front() == '"' && item.back() == '"')
        item = item.substr(1, item.size() - 2);
      return std::string(item);
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return {};
}

bool is_search(Kind kind) {
  return kind == Kind::search_type || kind == Kind::search_system || kind == Kind::search_compartment;
}

core::Error transport_error(int status, const std::string& message) {
  const char* code = status == 413 || status == 431 ? "too-costly" : status == 408 ? "timeout" : "structure";
  return core::Error(status, {core::Issue{core::Severity::error, code, message, {}}});
}

class FhirHandler {
 public:
  FhirHandler(service::FhirService& service, FhirHandlerOptions options)
      : service_(service), options_(std::move(options)) {}

  void operator()(HttpRequest&& req, const Respond& respond) {
    auto [path, query] = split_target(req.target);
    if (path == "/healthz") return respond(HttpResponse{200, {{"content-type", "text/plain"}}, "ok\n"});

    // Shared with the end of the request, which may come on another thread
    // (a create's commit); `finished` below keeps it alive until then.
    auto ctx = std::make_shared<service::Context>();
    auto& audit = ctx->audit;
    audit.recorded = core::now();
    audit.agent_address = req.remote_address;
    audit.tls = req.tls;
    audit.http_method = req.method;
    if (!query.empty()) audit.query = std::string(query);

    bool pretty = false;
    try {
      service::Request r = prepare(req, path, query, *ctx, pretty);
      service_.handle_async(r, *ctx,
                            [this, ctx, pretty, path = std::string(path), respond](
                                std::optional<service::Reply> reply, std::exception_ptr error) {
                              if (reply) {
                                ctx->audit.http_status = reply->status;
                                return answer(ctx, std::move(*reply), pretty, path, respond);
                              }
                              answer(ctx, refusal(*ctx, error), pretty, path, respond);
                            });
    } catch (...) {
      answer(ctx, refusal(*ctx, std::current_exception()), pretty, path, respond);
    }
  }

 private:
  service::Request prepare(HttpRequest& req, std::string_view path, std::string_view query,
                           service::Context& ctx, bool& pretty) {
    if (req.rejected) throw transport_error(req.rejected->first, req.rejected->second);
    const auto& base = options_.base_path;
    if (!path.starts_with(base) || (path.size() > base.size() && path[base.size()] != '/')) {
      throw core::not_found("Unknown URL: FHIR is served under " + base);
    }
    service::Request r;
    note_addressed_type(path.substr(base.size()), ctx.audit);
    r.interaction = route(req.method, path.substr(base.size()), service_.model());
    ctx.audit.interaction = service::interaction_code(r.interaction.kind);
    ctx.audit.action = service::audit_action(r.interaction.kind);
    ctx.audit.entity_type = r.interaction.type;
    ctx.audit.entity_id = r.interaction.id;
    r.interaction.query = std::string(query);
    r.interaction.params = parse_query(query);
    pretty = wants_pretty(r.interaction.params);
    require_json_response(req, r.interaction.params);

    const Kind kind = r.interaction.kind;
    if (kind == Kind::patch) throw core::method_not_allowed("PATCH is not supported yet");
    const bool takes_resource = kind == Kind::create || kind == Kind::update;
    if (takes_resource) {
      check_body_type(req, false);
      r.body = std::move(req.body);
    } else if (is_search(kind) && req.method == "POST" && !req.body.empty()) {
      // POST [type]/_search, POST [base]/_search: the form body's parameters
      // follow the URL's (http.html#search). A JSON body is not a search.
      if (check_body_type(req, true) != BodyKind::form) {
        throw core::unsupported_media_type("POST _search takes an application/x-www-form-urlencoded body");
      }
      for (auto& p : parse_query(req.body)) r.interaction.params.push_back(std::move(p));
      // The audit trail records the whole search, the body's parameters included.
      r.interaction.query += (r.interaction.query.empty() ? "" : "&") + req.body;
      ctx.audit.query = r.interaction.query;
      pretty = wants_pretty(r.interaction.params);
      require_json_response(req, r.interaction.params);
    }
    r.method = req.method == "HEAD" ? std::string("GET") : req.method;
    r.base_url = base_url_for(req, options_);
    r.if_match = header_value(req, "if-match");
    r.if_none_match = header_value(req, "if-none-match");
    r.if_none_exist = header_value(req, "if-none-exist");
    r.prefer_return = preference(req, "return");
    r.strict_handling = preference(req, "handling") == "strict";
    return r;
  }

  // Sends `reply` once the request's audit record is committed (at once when
  // it already is).
  void answer(const std::shared_ptr<service::Context>& ctx, service::Reply reply, bool pretty,
              std::string_view path, const Respond& respond) {
    const std::string allow = reply.status == 405 ? allowed_methods(path) : std::string();
    // Serialised here: the audit writer only passes it on.
    HttpResponse response = to_http(std::move(reply), pretty, allow);
    service_.finish_audit_async(
        *ctx, [response = std::move(response), respond, pretty](std::exception_ptr error) mutable {
          if (!error) return respond(std::move(response));
          // Untraced, the answer must not leave; the cause is in the log.
          try {
            std::rethrow_exception(error);
          } catch (const core::Error& e) {
            respond(to_http(outcome_reply(e), pretty, {}));
          } catch (...) {
            respond(to_http(outcome_reply(core::internal("audit trail failure")), pretty, {}));
          }
        });
  }

  // Before routing, so that a request refused by the router (bad id, bad
  // method) is still audited with the resource type it addressed.
  void note_addressed_type(std::string_view rest, core::AccessRecord& audit) const {
    while (rest.starts_with("/")) rest.remove_prefix(1);
    auto first = rest.substr(0, rest.find('/'));
    if (service_.model().is_resource_type(first)) audit.entity_type = std::string(first);
  }

  // The single error boundary: the refusal is audited with the request (unless
  // the service already committed its record), then becomes an OperationOutcome.
  static service::Reply refusal(service::Context& ctx, std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const core::Error& e) {
      return refusal(ctx, e);
    } catch (const std::exception& e) {
      return refusal(ctx, core::internal(e.what()));
    } catch (...) {
      return refusal(ctx, core::internal("unknown exception"));
    }
  }

  static service::Reply refusal(service::Context& ctx, const core::Error& error) {
    if (error.status() >= 500) {
      spdlog::error("{} {} failed: {} {}", ctx.audit.http_method, ctx.audit.interaction, error.status(),
                    error.log_message().empty() ? error.what() : error.log_message());
    }
    if (!ctx.audited) {
      ctx.audit.http_status = error.status();
      if (!error.issues().empty()) ctx.audit.outcome_desc = error.issues().front().diagnostics;
    }
    return outcome_reply(error);
  }

  static service::Reply outcome_reply(const core::Error& error) {
    service::Reply reply;
    reply.status = error.status();
    reply.body = core::to_json_text(fhir::operation_outcome(error.issues()));
    reply.headers = error.headers();
    return reply;
  }

  // The methods the URL accepts (RFC 9110 §15.5.6: a 405 lists them).
  std::string allowed_methods(std::string_view path) const {
    std::string allow;
    const auto& base = options_.base_path;
    if (!path.starts_with(base)) return "GET";
    auto rest = path.substr(base.size());
    // $reindex starts a job (POST) or reports it (GET); the router takes any method for operations.
    if (rest.ends_with("/$reindex")) return "GET, HEAD, POST";
    bool audit = rest.starts_with("/AuditEvent");
    for (const char* m : {"GET", "HEAD", "POST", "PUT", "DELETE"}) {
      if (audit && std::string_view(m) != "GET" && std::string_view(m) != "HEAD" &&
          !(std::string_view(m) == "POST" && rest.ends_with("/_search"))) {
        continue;  // the trail is written by the server only
      }
      try {
        route(m, rest, service_.model());
      } catch (const core::Error&) {
        continue;
      }
      if (!allow.empty()) allow += ", ";
      allow += m;
    }
    return allow.empty() ? "GET" : allow;
  }

  static HttpResponse to_http(service::Reply reply, bool pretty, const std::string& allow) {
    HttpResponse res;
    res.status = reply.status;
    if (!reply.etag.empty()) res.headers.emplace_back("ETag", reply.etag);
    for (auto& h : reply.headers) res.headers.push_back(std::move(h));
    if (!reply.last_modified.empty()) res.headers.emplace_back("Last-Modified", reply.last_modified);
    if (!reply.location.empty()) {
      res.headers.emplace_back("Location", reply.location);
      if (reply.status == 201) res.headers.emplace_back("Content-Location", reply.location);
    }
    if (reply.status == 405) res.headers.emplace_back("Allow", allow);
    if (!reply.body.empty()) {
      res.headers.emplace_back("Content-Type", kFhirJson);
      if (pretty) {
        try {
          res.body = core::to_json_text(core::parse_json(reply.body, 1024), 2);
        } catch (const core::Error&) {
          res.body = std::move(reply.body);
        }
      } else {
        res.body = std::move(reply.body);
      }
    }
    return res;
  }

  service::FhirService& service_;
  FhirHandlerOptions options_;
};

}  // namespace

AsyncHandler make_fhir_handler(service::FhirService& service, FhirHandlerOptions options) {
  auto handler = std::make_shared<FhirHandler>(service, std::move(options));
  return [handler](HttpRequest&& req, const Respond& respond) { (*handler)(std::move(req), respond); };
}

}  // namespace carnet::http
