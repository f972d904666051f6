// String normalisation for string search: "the search is case-insensitive and
// accent-insensitive" (http://hl7.org/fhir/R4/search.html#string). Used on both
// the index and the query side, so both fold the same way.

#include <cstdint>
#include <string>
#include <string_view>

#include "carnet/search/extractor.hpp"

namespace carnet::search {
namespace {

// Base letter of U+00C0..U+017F (Latin-1 Supplement letters, Latin Extended-A);
// '*' marks the letters that fold to two ASCII letters (see two_letter_fold),
// ' ' the two symbols × and ÷.
constexpr std::string_view kLatinFold =
    "aaaaaa*ceeeeiiiidnooooo ouuuuy**aaaaaa*ceeeeiiiidnooooo ouuuuy*y"
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllllnnnnnnnnnoooooo**"
    "rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
static_assert(kLatinFold.size() == 0x180 - 0xC0);

std::string_view two_letter_fold(std::uint32_t cp) {
  switch (cp) {
    case 0xC6:
    case 0xE6: return "ae";
    case 0xDE:
    case 0xFE: return "th";
    case 0xDF: return "ss";
    case 0x132:
    case 0x133: return "ij";
    case 0x152:
    case 0x153: return "oe";
    default: return {};
  }
}

// Decodes one UTF-8 sequence at `pos`; returns U+FFFD-like 0 for malformed
// input (treated as a separator) and advances past it.
std::uint32_t decode(std::string_view s, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(pos);
  std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (length == 1 || pos + length > s.size()) {
    ++pos;
    return lead < 0x80 ? lead : 0;
  }
  std::uint32_t cp = lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      ++pos;
      return 0;
    }
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  pos += length;
  return cp;
}

void encode(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Simple lower-casing of the Greek and Cyrillic capitals (no special cases).
std::uint32_t lower_other(std::uint32_t cp) {
  if ((cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) || (cp >= 0x410 && cp <= 0x42F)) return cp + 0x20;
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  return cp;
}

bool is_separator(std::uint32_t cp) {
  return cp == 0 || (cp >= 0x80 && cp <= 0xBF) ||  // C1 controls, no-break space, ¡ « » ¿...
         (cp >= 0x2000 && cp <= 0x206F) ||         // general punctuation: ’ “ ” – —
         cp == 0x3000 || cp == 0xFEFF;
}

bool is_combining_mark(std::uint32_t cp) {
  return cp >= 0x300 && cp <= 0x36F;
}

}  // namespace

std::string normalize_string(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  auto letters = [&](std::string_view folded) {
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.append(folded);
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
      ++pos;
      if (c >= 'A' && c <= 'Z') {
        const char lower = static_cast<char>(c - 'A' + 'a');
        letters(std::string_view(&lower, 1));
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        letters(text.substr(pos - 1, 1));
      } else {
        pending_space = true;
      }
      continue;
    }
    const std::uint32_t cp = decode(text, pos);
    if (is_combining_mark(cp)) continue;  // decomposed accents (NFD) vanish like composed ones
    if (is_separator(cp) || cp == 0xD7 || cp == 0xF7) {
      pending_space = true;
    } else if (cp >= 0xC0 && cp < 0x180) {
      const char base = kLatinFold[cp - 0xC0];
      letters(base == '*' ? two_letter_fold(cp) : std::string_view(&base, 1));
    } else {
      std::string encoded;
      encode(lower_other(cp), encoded);
      letters(encoded);
    }
  }
  return out;
}

}  // namespace carnet::search
