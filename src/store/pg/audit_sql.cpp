#include "store/pg/audit_sql.hpp"

#include <cctype>
#include <charconv>

namespace carnet::store::pg {
namespace {

using Field = AuditFilter::Field;

// "Type/id" → (type, id); empty parts when it is not of that form.
std::pair<std::string, std::string> split_reference(const std::string& ref) {
  const auto slash = ref.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == ref.size()) return {};
  return {ref.substr(0, slash), ref.substr(slash + 1)};
}

std::string value_sql(Field field, const std::string& value, SqlBuilder& b) {
  switch (field) {
    case Field::patient: return "patient = " + b.param(value);
    case Field::entity: {
      // AuditEvent.entity.what: the resource accessed, and the patient entity.
      const auto [type, id] = split_reference(value);
      if (type.empty()) return "false";
      return "((entity_type = " + b.param(type) + " AND entity_id = " + b.param(id) +
             ") OR patient = " + b.param(value) + ")";
    }
    case Field::action: return "action = " + b.param(value);
    case Field::outcome: {
      int code = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), code);
      if (ec != std::errc() || end != value.data() + value.size()) return "false";
      return "outcome = " + b.param(std::to_string(code), "smallint");
    }
    case Field::subtype: return "interaction = " + b.param(value);
    case Field::address: {
      std::string lower = value;
      for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return "lower(agent_address) LIKE " + b.param(like_escape(lower) + "%");
    }
    case Field::date: break;
  }
  return "false";
}

}  // namespace

std::string audit_filter_sql(const AuditQuery& q, SqlBuilder& b) {
  std::string out;
  for (const auto& f : q.filters) {
    std::string any;
    auto add = [&any](const std::string& sql) { any += (any.empty() ? "" : " OR ") + sql; };
    if (f.field == Field::date) {
      for (const auto& d : f.dates) add(instant_sql(d, "recorded", b));
    } else {
      for (const auto& v : f.values) add(value_sql(f.field, v, b));
    }
    if (!out.empty()) out += " AND ";
    out += any.empty() ? "false" : "(" + any + ")";
  }
  return out.empty() ? "true" : out;
}

}  // namespace carnet::store::pg
