#include "store/pg/patient_key.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>
#include <string>

namespace carnet::store::pg {

std::int32_t patient_key(std::string_view id) {
  // Fetched once: an implicit fetch per digest costs more than the digest.
  static EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  if (md5 == nullptr)
    throw std::runtime_error("OpenSSL has no MD5 (needed for the patient key of index rows)");
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(id.data(), id.size(), digest.data(), &size, md5, nullptr) != 1 || size < 4) {
    throw std::runtime_error("MD5 failed for the patient key of index rows");
  }
  const std::uint32_t key = (std::uint32_t{digest[0]} << 24) | (std::uint32_t{digest[1]} << 16) |
                            (std::uint32_t{digest[2]} << 8) | std::uint32_t{digest[3]};
  return static_cast<std::int32_t>(key);
}

std::int32_t patient_key(const search::IndexEntries& entries) {
  const std::string* one = nullptr;
  auto several = [&one](const std::string& id) {
    if (one == nullptr) {
      one = &id;
      return false;
    }
    return *one != id;
  };
  for (const auto& id : entries.compartment_patients) {
    if (several(id)) return 0;
  }
  for (const auto& r : entries.references) {
    if (r.value.target_type == "Patient" && !r.value.target_id.empty() && several(r.value.target_id))
      return 0;
  }
  return one == nullptr ? 0 : patient_key(*one);
}

}  // namespace carnet::store::pg
