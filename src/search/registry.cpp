// The search parameter registry: loading the official definitions, adding
// custom SearchParameter resources, and the lookups the parser and the
// extractor use (http://hl7.org/fhir/R4/searchparameter.html).

#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "carnet/core/error.hpp"
#include "carnet/search/parameters.hpp"
#include "search/implicit_systems.hpp"
#include "search/registry_builder.hpp"
#include "search/union_parameters.hpp"

namespace carnet::search {
namespace {

constexpr std::array<std::pair<ParamType, const char*>, 9> kTypeCodes{{
    {ParamType::number, "number"},
    {ParamType::date, "date"},
    {ParamType::string, "string"},
    {ParamType::token, "token"},
    {ParamType::reference, "reference"},
    {ParamType::composite, "composite"},
    {ParamType::quantity, "quantity"},
    {ParamType::uri, "uri"},
    {ParamType::special, "special"},
}};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

const char* to_string(ParamType type) noexcept {
  for (const auto& [t, code] : kTypeCodes)
    if (t == type) return code;
  return "";
}

std::optional<ParamType> param_type_from_code(std::string_view code) noexcept {
  for (const auto& [t, name] : kTypeCodes)
    if (code == name) return t;
  return std::nullopt;
}

std::int32_t index_key(std::string_view type, std::string_view code) noexcept {
  // FNV-1a, 32 bits (http://www.isthe.com/chongo/tech/comp/fnv/): stable across
  // runs and machines, unlike std::hash, because the keys are stored.
  std::uint32_t hash = 2166136261u;
  auto mix = [&hash](std::string_view part) {
    for (char c : part) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 16777619u;
    }
  };
  mix(type);
  mix(".");
  mix(code);
  return static_cast<std::int32_t>(hash);
}

struct Registry::Impl {
  detail::RegistryTables tables;
  /// Set by with_implicit_systems, kept by with_custom for the custom parameters.
  std::shared_ptr<const detail::ImplicitSystems> systems;
};

Registry::Registry() : impl_(std::make_unique<Impl>()) {}
Registry::~Registry() = default;

std::shared_ptr<const Registry> Registry::load(const std::filesystem::path& schemas_dir,
                                               const std::vector<std::string>& resource_types) {
  const std::filesystem::path file = schemas_dir / "search-parameters.json";
  core::Json bundle;
  try {
    bundle = core::parse_json(read_file(file), 128);
  } catch (const core::Error& e) {
    throw std::runtime_error(file.string() + ": " + e.what());
  }
  auto entries = bundle.find("entry");
  if (entries == bundle.end() || !entries->is_array())
    throw std::runtime_error(file.string() + ": not a Bundle of SearchParameter");
  detail::RegistryBuilder builder(resource_types);
  try {
    for (const core::Json& entry : *entries) {
      auto resource = entry.find("resource");
      if (resource == entry.end()) throw detail::DefinitionError("an entry has no resource");
      builder.add(detail::read_definition(*resource), false);
    }
    std::shared_ptr<Registry> registry(new Registry());
    registry->impl_->tables = std::move(builder).finish();
    return registry;
  } catch (const detail::DefinitionError& e) {
    throw std::runtime_error(file.string() + ": " + e.what());
  }
}

std::shared_ptr<const Registry> Registry::from_resources(std::span<const core::Json> resources,
                                                         const std::vector<std::string>& resource_types,
                                                         bool custom) {
  detail::RegistryBuilder builder(resource_types);
  try {
    for (const core::Json& resource : resources) builder.add(detail::read_definition(resource), custom);
    std::shared_ptr<Registry> registry(new Registry());
    registry->impl_->tables = std::move(builder).finish();
    return registry;
  } catch (const detail::DefinitionError& e) {
    throw core::unprocessable(e.what());
  }
}

std::shared_ptr<const Registry> Registry::with_custom(std::span<const core::Json> custom) const {
  // The custom parameters of this registry are replaced, not kept: the caller
  // passes the whole current set each time it changes.
  detail::RegistryBuilder builder(impl_->tables.resource_types);
  try {
    for (const SearchParameter& p : impl_->tables.params)
      if (!p.custom) builder.add_built(p);
    for (const core::Json& resource : custom) builder.add(detail::read_definition(resource), true);
    std::shared_ptr<Registry> registry(new Registry());
    registry->impl_->tables = std::move(builder).finish();
    registry->impl_->systems = impl_->systems;
    if (impl_->systems != nullptr)
      for (SearchParameter& p : registry->impl_->tables.params)
        if (p.custom) p.implicit_system = impl_->systems->of(p);
    detail::link_union_parameters(registry->impl_->tables);  // implicit systems are part of the values
    return registry;
  } catch (const detail::DefinitionError& e) {
    throw core::unprocessable(e.what());
  }
}

std::shared_ptr<const Registry> Registry::with_implicit_systems(
    std::shared_ptr<const fhir::Model> model, std::shared_ptr<const Terminology> terminology) const {
  auto systems = std::make_shared<const detail::ImplicitSystems>(std::move(model), std::move(terminology));
  detail::RegistryBuilder builder(impl_->tables.resource_types);
  for (const SearchParameter& p : impl_->tables.params) builder.add_built(p);
  std::shared_ptr<Registry> registry(new Registry());
  registry->impl_->tables = std::move(builder).finish();
  for (SearchParameter& p : registry->impl_->tables.params) p.implicit_system = systems->of(p);
  detail::link_union_parameters(registry->impl_->tables);  // implicit systems are part of the values
  registry->impl_->systems = std::move(systems);
  return registry;
}

const SearchParameter* Registry::find(std::string_view type, std::string_view code) const {
  auto it = impl_->tables.by_key.find(index_key(type, code));
  if (it == impl_->tables.by_key.end()) return nullptr;
  // Another (type, code) may share the hash of an unknown pair.
  const SearchParameter* p = it->second;
  return p->base == type && p->code == code ? p : nullptr;
}

std::span<const SearchParameter* const> Registry::for_type(std::string_view type) const {
  auto it = impl_->tables.by_type.find(type);
  if (it == impl_->tables.by_type.end()) return {};
  return {it->second.data(), it->second.size()};
}

const SearchParameter* Registry::find_by_url(std::string_view type, std::string_view url) const {
  auto it = impl_->tables.by_url.find(url);
  if (it == impl_->tables.by_url.end()) return nullptr;
  for (const SearchParameter* p : it->second)
    if (p->base == type) return p;
  return nullptr;
}

std::size_t Registry::size() const {
  return impl_->tables.params.size();
}

}  // namespace carnet::search
