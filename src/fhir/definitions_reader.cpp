// Reading the definition files fast: profiles-resources.json is 35 MB, of which
// the model needs a few percent (snapshot paths, types, cardinalities). The file
// is memory-mapped, scanned by JsonScanner, and a SAX handler drops every other
// property before it is ever built into a DOM.

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <utility>

#include "fhir/json_scanner.hpp"
#include "fhir/model_impl.hpp"

namespace carnet::fhir::detail {
namespace {

using nlohmann::json;

class FilteringBuilder {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  FilteringBuilder(json& root, KeepFn keep) : root_(root), keep_(keep) {}

  bool null() { return put(json(nullptr)); }
  bool boolean(bool v) { return put(json(v)); }
  bool number_integer(number_integer_t v) { return put(json(v)); }
  bool number_unsigned(number_unsigned_t v) { return put(json(v)); }
  bool number_float(number_float_t v, const string_t&) { return put(json(v)); }
  bool string(string_t& v) { return put(json(std::move(v))); }
  bool binary(binary_t&) { return put(json(nullptr)); }

  bool start_object(std::size_t) { return open(json::object()); }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_array() { return close(); }

  bool key(string_t& k) {
    if (skip_depth_ > 0) return true;
    skip_next_ = !keep_(parents_, k);
    if (!skip_next_) {
      pending_key_ = k;
      pending_ = &(*open_.back().value)[k];
    }
    return true;
  }

  /// False while inside a dropped property: JsonScanner then skips key text.
  bool wants_key() const { return skip_depth_ == 0; }
  /// False when the next value is dropped: JsonScanner then skips its text.
  bool wants_value() const { return skip_depth_ == 0 && !skip_next_; }

 private:
  struct Open {
    json* value;
    std::string key;  // the property this container is the value of (arrays pass theirs down)
    bool counted;     // its key is on parents_ (a non-root object)
  };

  // True when the value about to start is dropped (consumes the skip flag).
  bool dropping() {
    if (skip_depth_ > 0) return true;
    if (skip_next_) {
      skip_next_ = false;
      return true;
    }
    return false;
  }
  json* slot() {
    if (open_.empty()) return &root_;
    json& top = *open_.back().value;
    if (top.is_array()) {
      top.push_back(nullptr);
      return &top.back();
    }
    return pending_;
  }
  bool put(json&& v) {
    if (!dropping()) *slot() = std::move(v);
    return true;
  }
  bool open(json&& v) {
    if (dropping()) {
      ++skip_depth_;
      return true;
    }
    std::string key;
    if (!open_.empty()) key = open_.back().value->is_array() ? open_.back().key : pending_key_;
    const bool nested_object = !open_.empty() && v.is_object();
    if (nested_object) parents_.push_back(key);
    json* s = slot();
    *s = std::move(v);
    open_.push_back({s, std::move(key), nested_object});
    return true;
  }
  bool close() {
    if (skip_depth_ > 0) {
      --skip_depth_;
    } else {
      if (open_.back().counted) parents_.pop_back();
      open_.pop_back();
    }
    return true;
  }

  json& root_;
  KeepFn keep_;
  std::vector<Open> open_;
  std::vector<std::string> parents_;  // keys of the open non-root objects, outermost first
  std::string pending_key_;
  json* pending_ = nullptr;
  bool skip_next_ = false;
  int skip_depth_ = 0;
};

// A read-only memory map of a whole file. Reading 35 MB into a fresh heap buffer
// costs ~150 ms of page faults on the target VMs; a populated map costs ~20 ms.
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot read FHIR definitions file " + file.string());
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
      size_ = static_cast<std::size_t>(st.st_size);
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      data_ = p == MAP_FAILED ? nullptr : static_cast<const char*>(p);
    }
    ::close(fd);
    if (data_ == nullptr) throw std::runtime_error("cannot read FHIR definitions file " + file.string());
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() { ::munmap(const_cast<char*>(data_), size_); }

  const char* begin() const { return data_; }
  const char* end() const { return data_ + size_; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read FHIR definitions file " + file.string());
  std::string text;
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size < 0) throw std::runtime_error("cannot read FHIR definitions file " + file.string());
  text.resize(static_cast<std::size_t>(size));
  in.seekg(0, std::ios::beg);
  in.read(text.data(), size);
  if (!in) throw std::runtime_error("cannot read FHIR definitions file " + file.string());
  return text;
}

nlohmann::json parse_filtered(const std::filesystem::path& file, KeepFn keep) {
  const MappedFile text(file);
  json root;
  FilteringBuilder builder(root, keep);
  try {
    JsonScanner<FilteringBuilder>(text.begin(), text.end(), builder).run();
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("malformed FHIR definitions file " + file.string() + ": " + e.what());
  }
  return root;
}

}  // namespace carnet::fhir::detail
